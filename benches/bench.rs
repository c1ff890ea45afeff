//! `quire-bench`: figures for the render pipeline, printed, never asserted.
//!
//! Three parts (the third, site export against Hugo, lives in `scripts/bench.sh` because it times
//! the release binary as a writer runs it):
//!
//! 1. [`render_vs_raw`]: [`quire::markdown::render`] against bare pulldown-cmark
//!    (`push_html` over `Parser::new_ext` with the same options) on the sample essay, a ~100 KB
//!    and a ~1 MB essay and the sum over every body of the corpus; then where the pipeline's time
//!    goes (offset iterator, highlighter, heading ids) and the single-thread cost of each export
//!    stage (front matter, hashing, rendering, templates).
//!    Then [`highlight_throughput`]: the code highlighter alone on a megabyte of Rust, in MB/s.
//! 2. [`pathological`]: hostile inputs at 100 KB and 1 MB, each run in a child process of this
//!    same binary ([`CHILD_FLAG`]) so that a quadratic case is killed at a deadline instead of
//!    holding up the run, and so that one case's memory never skews the next.
//!
//! 4. [`epub`]: EPUB and DOCX export, end to end (read, render, build, zip, write): the sample essays,
//!    a ~100 KB essay, and the book of 1,000 essays.
//!
//! Inputs are made by `make_corpus.py` (found beside the repository in `shared/bench/`, or at
//! `QUIRE_MAKE_CORPUS`) into `$BENCH_DIR` (default `<temp>/quire-bench`) and reused from there.
//! `QUIRE_BENCH_CORPUS=/path` benchmarks an existing folder instead; `--quick` (or
//! `QUIRE_BENCH_QUICK=1`) uses 1,000 essays and fewer iterations. A word given on the command
//! line (`render`, `highlight`, `patho`, `epub`) runs only the parts whose name contains it.

use std::hint::black_box;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pulldown_cmark::{html::push_html, Parser};
use quire::essay::Essay;
use quire::export::{Exporter, SiteOptions};
use quire::markdown::highlight::highlight;
use quire::markdown::{render, KeepUrls, RenderOptions, Rendered};

/// The hidden argument that makes this binary run one pathological case and print its figures.
const CHILD_FLAG: &str = "--pathological-case";

/// The two sizes of every pathological input; decimal, so that linear time is exactly 10x.
const SMALL: usize = 100_000;
const LARGE: usize = 1_000_000;

/// The budget for pathological inputs: the 1 MB case within this many times the 100 KB case.
const LINEAR_BUDGET: f64 = 10.0;
/// The budget for the pipeline against raw pulldown-cmark.
const PIPELINE_BUDGET: f64 = 2.0;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == CHILD_FLAG) {
        let name = args
            .get(i + 1)
            .expect("a case name after --pathological-case");
        let size = args
            .get(i + 2)
            .and_then(|s| s.parse().ok())
            .expect("a size after the case name");
        run_case_in_child(
            name,
            size,
            args.iter().any(|a| a == "--quick"),
            args.iter().any(|a| a == "--probe"),
        );
        return;
    }
    let config = Config::from_args(&args);
    println!(
        "quire-bench: {} cores, {} mode, inputs in {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if config.quick {
            "quick (1,000 essays)"
        } else {
            "full (10,000 essays)"
        },
        config.bench_dir.display()
    );
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let avg: Vec<&str> = load.split_whitespace().take(3).collect();
        println!(
            "load average {} (1, 5, 15 min): other work on the machine skews every figure",
            avg.join(" ")
        );
    }
    if config.wants("render") {
        render_vs_raw(&config);
    }
    if config.wants("render-highlight") {
        highlight_throughput();
    }
    if config.wants("render-math") {
        math_throughput();
    }
    if config.wants("pathological") {
        pathological(&config);
    }
    if config.wants("epub") {
        epub(&config);
    }
}

/// What to run and where the inputs live.
struct Config {
    quick: bool,
    bench_dir: PathBuf,
    corpus: Option<PathBuf>,
    filters: Vec<String>,
}

impl Config {
    fn from_args(args: &[String]) -> Config {
        let env_quick = std::env::var("QUIRE_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
        let bench_dir = std::env::var_os("BENCH_DIR")
            .map_or_else(|| std::env::temp_dir().join("quire-bench"), PathBuf::from);
        Config {
            quick: env_quick || args.iter().any(|a| a == "--quick"),
            bench_dir,
            corpus: std::env::var_os("QUIRE_BENCH_CORPUS")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            // cargo passes `--bench`; anything else not starting with `-` is a filter.
            filters: args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect(),
        }
    }

    fn wants(&self, part: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| part.contains(f.as_str()))
    }

    fn corpus_count(&self) -> usize {
        if self.quick {
            1_000
        } else {
            10_000
        }
    }

    /// The corpus folder: the one named by `QUIRE_BENCH_CORPUS`, else generated once.
    fn corpus(&self) -> PathBuf {
        if let Some(dir) = &self.corpus {
            return dir.clone();
        }
        let count = self.corpus_count();
        let dir = self.bench_dir.join(format!("corpus-{count}"));
        generate(&dir, &["--count", &count.to_string()]);
        dir
    }

    /// One generated essay of about `words` words (make_corpus.py writes ~8.5 bytes a word).
    fn long_essay(&self, words: usize) -> PathBuf {
        let dir = self.bench_dir.join(format!("essay-{words}w"));
        generate(&dir, &["--count", "1", "--words", &words.to_string()]);
        dir.join("essay-00000.md")
    }
}

/// Finds make_corpus.py: `QUIRE_MAKE_CORPUS`, else `shared/bench/` beside the repository.
fn make_corpus_script() -> PathBuf {
    if let Some(path) = std::env::var_os("QUIRE_MAKE_CORPUS") {
        return PathBuf::from(path);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        manifest.join("../shared/bench/make_corpus.py"),
        manifest.join("shared/bench/make_corpus.py"),
        PathBuf::from("/work/shared/bench/make_corpus.py"),
    ];
    match candidates.iter().find(|p| p.is_file()) {
        Some(path) => path.clone(),
        None => {
            eprintln!(
                "quire-bench: make_corpus.py not found (looked in {}); set QUIRE_MAKE_CORPUS=/path/to/make_corpus.py \
                 or QUIRE_BENCH_CORPUS=/path/to/essays",
                candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            );
            std::process::exit(2);
        }
    }
}

/// Runs make_corpus.py into `dir` unless `dir` exists. Writes into a temporary sibling and
/// renames it, so an interrupted run never leaves a half corpus that later runs would trust.
fn generate(dir: &Path, args: &[&str]) {
    if dir.is_dir() {
        return;
    }
    let parent = dir.parent().expect("the bench folder has a parent");
    std::fs::create_dir_all(parent).expect("can create the bench folder");
    let name = dir
        .file_name()
        .expect("a folder name")
        .to_string_lossy()
        .into_owned();
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let output = Command::new("python3")
        .arg(make_corpus_script())
        .arg(&tmp)
        .args(args)
        .output()
        .expect("python3 runs (install python3 to generate the corpus)");
    if !output.status.success() {
        eprintln!(
            "quire-bench: make_corpus.py failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        std::process::exit(2);
    }
    println!(
        "generated: {}",
        String::from_utf8_lossy(&output.stdout).trim()
    );
    if std::fs::rename(&tmp, dir).is_err() {
        // Another run made it meanwhile: keep theirs.
        let _ = std::fs::remove_dir_all(&tmp);
    }
}

/// Reads every `.md` file of a folder (sorted) as an essay.
fn load_essays(dir: &Path) -> Vec<Essay> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the corpus folder is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read_essay(p)).collect()
}

fn read_essay(path: &Path) -> Essay {
    let bytes = std::fs::read(path).expect("the essay is readable");
    Essay::parse(path, bytes).expect("the essay's front matter parses")
}

// ---------------------------------------------------------------------------------------------
// Timing

/// How long to keep measuring.
#[derive(Clone, Copy)]
struct Plan {
    min_iters: usize,
    max_iters: usize,
    min_time: Duration,
    /// A warm-up run slower than this is taken as the only sample (a pathological case).
    single_shot: Duration,
}

impl Plan {
    fn for_input(bytes: usize, quick: bool) -> Plan {
        let big = bytes > 20_000_000;
        Plan {
            min_iters: if quick {
                5
            } else if big {
                7
            } else {
                11
            },
            max_iters: if big { 9 } else { 5_000 },
            min_time: Duration::from_millis(if quick || big { 300 } else { 1_500 }),
            single_shot: Duration::from_secs(5),
        }
    }
}

/// The median of the samples.
#[derive(Clone, Copy)]
struct Timing {
    median: Duration,
    /// The fastest sample: the least disturbed by other work on the machine.
    min: Duration,
    iters: usize,
}

impl Timing {
    fn from_samples(mut samples: Vec<Duration>) -> Timing {
        samples.sort();
        let n = samples.len();
        let median = if n % 2 == 1 {
            samples[n / 2]
        } else {
            (samples[n / 2 - 1] + samples[n / 2]) / 2
        };
        Timing {
            median,
            min: samples[0],
            iters: n,
        }
    }
}

/// Times several variants of the same work, interleaving their iterations so that drift
/// (frequency, page cache, other load) hits all of them alike. One warm-up run each first.
fn measure_interleaved(plan: Plan, variants: &mut [&mut dyn FnMut()]) -> Vec<Timing> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    let mut slow = false;
    for variant in variants.iter_mut() {
        let t = Instant::now();
        variant();
        slow |= t.elapsed() >= plan.single_shot;
    }
    let start = Instant::now();
    let mut iters = 0;
    while !slow
        && iters < plan.max_iters
        && (iters < plan.min_iters || start.elapsed() < plan.min_time)
    {
        for (variant, samples) in variants.iter_mut().zip(&mut samples) {
            let t = Instant::now();
            variant();
            samples.push(t.elapsed());
        }
        iters += 1;
    }
    if slow {
        // Too slow to repeat: time each once more, after the warm-up.
        for (variant, samples) in variants.iter_mut().zip(&mut samples) {
            let t = Instant::now();
            variant();
            samples.push(t.elapsed());
        }
    }
    samples.into_iter().map(Timing::from_samples).collect()
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else if ms >= 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-12)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Part 1: the render pipeline against raw pulldown-cmark

/// One body to render: its text and the line it starts on.
struct Body<'a> {
    text: &'a str,
    line: usize,
}

fn raw_html(text: &str, options: &RenderOptions) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 2);
    push_html(&mut html, Parser::new_ext(text, options.parser_options()));
    html
}

/// Raw pulldown-cmark through the offset iterator the pipeline reads, offsets dropped.
fn raw_html_offsets(text: &str, options: &RenderOptions) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 2);
    push_html(
        &mut html,
        Parser::new_ext(text, options.parser_options())
            .into_offset_iter()
            .map(|(e, _)| e),
    );
    html
}

fn pipeline(body: &Body, options: &RenderOptions) -> Option<Rendered> {
    render(body.text, body.line, options, &KeepUrls).ok()
}

/// The highlighter's speed on a megabyte of typical Rust: the best of 30 runs, so that other
/// work on the machine skews it least.
fn highlight_throughput() {
    let sample = r#"/// Doc comment.
#[derive(Debug, Clone)]
pub struct Item<'a> { name: &'a str, n: u64 }
impl<'a> Item<'a> {
    pub fn new(name: &'a str) -> Self {
        let s = "text with \"escapes\""; // note
        println!("{} {}", s, 0x1f + 42);
        Self { name, n: 3 }
    }
}
"#;
    let (code, mut out) = (sample.repeat((1 << 20) / sample.len()), String::new());
    let best = (0..30)
        .map(|_| {
            out.clear();
            let start = Instant::now();
            black_box(highlight("rust", black_box(&code), &mut out));
            start.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min);
    println!();
    println!("== 1b. Highlighter alone (quire::markdown::highlight::highlight, one thread) ==");
    println!(
        "{:.0} MB/s on {} bytes of Rust ({} bytes of HTML out), best of 30",
        code.len() as f64 / best / 1e6,
        code.len(),
        out.len()
    );
}

/// Formulas typeset per second: an essay of 2,000 short paragraphs, each with one inline and
/// every tenth with one display formula, against the same essay with each formula's TeX in a
/// code span instead (the pipeline without math, the same bytes to read).
fn math_throughput() {
    let formulas = [
        r"e^{i\pi} + 1 = 0",
        r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
        r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
        r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}",
        r"\mathbb{R} \neq \mathbb{Q}",
    ];
    let essay = |math: bool| {
        let mut text = String::new();
        for i in 0..2_000 {
            let tex = formulas[i % formulas.len()];
            let (open, close) = if math { ("$", "$") } else { ("`", "`") };
            text.push_str(&format!(
                "Paragraph {i} says {open}{tex}{close} and goes on.\n\n"
            ));
            if i % 10 == 0 {
                let (open, close) = if math { ("$$", "$$") } else { ("``", "``") };
                text.push_str(&format!("{open}{tex}{close}\n\n"));
            }
        }
        text
    };
    let (with_math, without) = (essay(true), essay(false));
    let count = 2_000 + 200;
    let best = |text: &str| {
        (0..20)
            .map(|_| {
                let start = Instant::now();
                black_box(render(
                    black_box(text),
                    1,
                    &RenderOptions::essay(),
                    &KeepUrls,
                ))
                .expect("renders");
                start.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    let (math_s, plain_s) = (best(&with_math), best(&without));
    println!();
    println!("== 1c. Formulas (math-core to MathML, then the MathML sanitizer; one thread) ==");
    println!(
        "{count} formulas in {:.1} ms: {:.0} formulas/s; the same essay with code spans instead: {:.1} ms ({:.1}x), best of 20",
        math_s * 1e3,
        count as f64 / math_s,
        plain_s * 1e3,
        math_s / plain_s
    );
}

fn render_vs_raw(config: &Config) {
    let essay_opts = RenderOptions::essay();
    let sample =
        read_essay(&Path::new(env!("CARGO_MANIFEST_DIR")).join("essays/a-misplaced-focus.md"));
    let essay_100k = read_essay(&config.long_essay(11_500));
    let essay_1m = read_essay(&config.long_essay(117_000));
    let corpus_dir = config.corpus();

    println!();
    println!("== 1. Render pipeline vs raw pulldown-cmark (one thread; front matter stripped by Essay::parse for both) ==");
    println!("raw = push_html(Parser::new_ext(body, RenderOptions::essay().parser_options())); pipeline = quire::markdown::render(body, ..., &KeepUrls)");
    println!("raw, pipeline, ratio, MB/s: medians of N interleaved runs after a warm-up; \"of min\": the ratio of the fastest runs (least disturbed");
    println!("by other work on the machine); MB = 10^6 bytes; budget: pipeline <= {PIPELINE_BUDGET}x raw");
    println!();
    println!(
        "{:<34} {:>12} {:>11} {:>12} {:>7} {:>7} {:>9} {:>9} {:>5}  budget (on the median ratio)",
        "input", "body bytes", "raw", "pipeline", "ratio", "of min", "raw MB/s", "pipe MB/s", "N"
    );
    let singles = [
        ("sample essay (a-misplaced-focus)", &sample),
        ("~100 KB essay (make_corpus 11.5k w)", &essay_100k),
        ("~1 MB essay (make_corpus 117k w)", &essay_1m),
    ];
    for (label, essay) in singles {
        let body = Body {
            text: essay.body(),
            line: essay.body_line,
        };
        let plan = Plan::for_input(body.text.len(), config.quick);
        let t = measure_interleaved(
            plan,
            &mut [
                &mut || {
                    black_box(raw_html(black_box(body.text), &essay_opts));
                },
                &mut || {
                    black_box(pipeline(black_box(&body), &essay_opts));
                },
            ],
        );
        print_pair(label, body.text.len(), &t[0], &t[1]);
    }
    // Loaded after the single essays: 117 MB in memory changes how the allocator serves them.
    let corpus = load_essays(&corpus_dir);
    let corpus_bodies: Vec<Body> = corpus
        .iter()
        .map(|e| Body {
            text: e.body(),
            line: e.body_line,
        })
        .collect();
    let corpus_bytes: usize = corpus_bodies.iter().map(|b| b.text.len()).sum();
    let label = format!("corpus: all {} bodies, summed", thousands(corpus.len()));
    let t = measure_interleaved(
        Plan::for_input(corpus_bytes, config.quick),
        &mut [
            &mut || {
                for body in &corpus_bodies {
                    black_box(raw_html(black_box(body.text), &essay_opts));
                }
            },
            &mut || {
                for body in &corpus_bodies {
                    black_box(pipeline(black_box(body), &essay_opts));
                }
            },
        ],
    );
    print_pair(&label, corpus_bytes, &t[0], &t[1]);
    let failed = corpus_bodies
        .iter()
        .filter(|b| pipeline(b, &essay_opts).is_none())
        .count();
    if failed > 0 {
        println!("  ({failed} corpus bodies were refused by the pipeline)");
    }

    pipeline_breakdown(config, &corpus_bodies, corpus_bytes);
    export_stages(&corpus_dir, &corpus);
}

fn print_pair(label: &str, bytes: usize, raw: &Timing, pipe: &Timing) {
    let r = ratio(pipe.median, raw.median);
    let verdict = if r <= PIPELINE_BUDGET {
        format!("ok (<= {PIPELINE_BUDGET}x)")
    } else {
        format!(
            "MISS by {:.0}% ({r:.2}x > {PIPELINE_BUDGET}x)",
            (r / PIPELINE_BUDGET - 1.0) * 100.0
        )
    };
    println!(
        "{:<34} {:>12} {:>11} {:>12} {:>6.2}x {:>6.2}x {:>9.1} {:>9.1} {:>5}  {}",
        label,
        thousands(bytes),
        ms(raw.median),
        ms(pipe.median),
        r,
        ratio(pipe.min, raw.min),
        mb_per_s(bytes, raw.median),
        mb_per_s(bytes, pipe.median),
        raw.iters,
        verdict
    );
}

/// The pipeline with its optional stages switched off, to see what each costs.
fn pipeline_breakdown(config: &Config, bodies: &[Body], bytes: usize) {
    let essay = RenderOptions::essay();
    let no_highlight = RenderOptions {
        highlight: false,
        ..essay
    };
    let no_ids = RenderOptions {
        heading_ids: false,
        ..essay
    };
    let bare = RenderOptions {
        highlight: false,
        heading_ids: false,
        ..essay
    };
    let run_all = |f: &dyn Fn(&Body)| {
        for body in bodies {
            f(body);
        }
    };
    let t = measure_interleaved(
        Plan::for_input(bytes, config.quick),
        &mut [
            &mut || run_all(&|b| drop(black_box(raw_html(black_box(b.text), &essay)))),
            &mut || run_all(&|b| drop(black_box(raw_html_offsets(black_box(b.text), &essay)))),
            &mut || run_all(&|b| drop(black_box(pipeline(black_box(b), &bare)))),
            &mut || run_all(&|b| drop(black_box(pipeline(black_box(b), &no_highlight)))),
            &mut || run_all(&|b| drop(black_box(pipeline(black_box(b), &no_ids)))),
            &mut || run_all(&|b| drop(black_box(pipeline(black_box(b), &essay)))),
        ],
    );
    let labels = [
        "raw push_html (baseline)",
        "raw, through into_offset_iter()",
        "pipeline, highlight + heading ids off",
        "pipeline, highlight off",
        "pipeline, heading ids off",
        "pipeline, everything on (as shipped)",
    ];
    println!();
    println!("-- where the pipeline's time goes: the whole corpus, one thread (bounds, sanitizer, URL policy, word count, footnotes always on) --");
    println!(
        "{:<40} {:>11} {:>8} {:>11} {:>8} {:>9}",
        "variant", "median", "x raw", "fastest", "x raw", "MB/s"
    );
    for (label, timing) in labels.iter().zip(&t) {
        println!(
            "{:<40} {:>11} {:>7.2}x {:>11} {:>7.2}x {:>9.1}",
            label,
            ms(timing.median),
            ratio(timing.median, t[0].median),
            ms(timing.min),
            ratio(timing.min, t[0].min),
            mb_per_s(bytes, timing.median)
        );
    }
}

/// The single-thread cost of each stage a site export goes through, on the whole corpus.
/// Writing files is not here: `scripts/bench.sh` times the real export.
fn export_stages(corpus_dir: &Path, corpus: &[Essay]) {
    let exporter = Exporter::open(corpus_dir).expect("the corpus folder opens for export");
    let paths: Vec<PathBuf> = corpus.iter().map(|e| e.path.clone()).collect();
    let sources: Vec<Vec<u8>> = corpus
        .iter()
        .map(|e| e.source.clone().into_bytes())
        .collect();
    let published: Vec<&Essay> = corpus.iter().filter(|e| e.is_published()).collect();
    let opts = RenderOptions::essay();
    let rendered: Vec<Rendered> = published
        .iter()
        .filter_map(|e| render(e.body(), e.body_line, &opts, &KeepUrls).ok())
        .collect();
    let total_bytes: usize = sources.iter().map(Vec::len).sum();
    let plan = Plan {
        min_iters: 3,
        max_iters: 7,
        min_time: Duration::from_millis(300),
        single_shot: Duration::from_secs(10),
    };
    let t = measure_interleaved(
        plan,
        &mut [
            &mut || {
                for path in &paths {
                    black_box(std::fs::read(path).ok());
                }
            },
            &mut || {
                for (path, bytes) in paths.iter().zip(&sources) {
                    black_box(Essay::parse(path, bytes.clone()).ok());
                }
            },
            &mut || {
                for bytes in &sources {
                    black_box(blake3::hash(bytes));
                }
            },
            &mut || {
                for e in &published {
                    black_box(render(e.body(), e.body_line, &opts, &KeepUrls).ok());
                }
            },
            &mut || {
                for (e, r) in published.iter().zip(&rendered) {
                    black_box(exporter.page_html(e, r, "../", false).ok());
                }
            },
        ],
    );
    let labels = [
        format!("read {} files (page cache warm)", thousands(paths.len())),
        format!(
            "Essay::parse {} (split + YAML front matter)",
            thousands(paths.len())
        ),
        format!("blake3 of {} sources", thousands(paths.len())),
        format!("render {} published bodies", thousands(published.len())),
        format!(
            "page_html {} pages (minijinja template)",
            thousands(rendered.len())
        ),
    ];
    let sum: f64 = t.iter().map(|t| t.median.as_secs_f64()).sum();
    println!();
    println!(
        "-- export stages, one thread, whole corpus ({} MB of source; the export runs them on 2 threads and then writes files) --",
        total_bytes / 1_000_000
    );
    println!("{:<52} {:>11} {:>7}", "stage", "median", "share");
    for (label, timing) in labels.iter().zip(&t) {
        println!(
            "{:<52} {:>11} {:>6.1}%",
            label,
            ms(timing.median),
            timing.median.as_secs_f64() / sum * 100.0
        );
    }
    println!(
        "{:<52} {:>11}",
        "sum (one thread)",
        ms(Duration::from_secs_f64(sum))
    );
}

// ---------------------------------------------------------------------------------------------
// Part 2: pathological inputs

/// A hostile input, made at any size.
struct Case {
    name: &'static str,
    what: &'static str,
    make: fn(usize) -> String,
}

/// `unit` repeated to at least `n` bytes.
fn repeat_to(n: usize, unit: &str) -> String {
    unit.repeat(n.div_ceil(unit.len()).max(1))
}

/// Lines `line(i)` for i = 1, 2, … until `n` bytes.
fn lines_to(n: usize, line: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(n + 64);
    let mut i = 1;
    while out.len() < n {
        out.push_str(&line(i));
        out.push('\n');
        i += 1;
    }
    out
}

const RUST_SNIPPET: &str = "fn main() {\n    let xs: Vec<u32> = (1..10).collect(); // sum\n    println!(\"{}\", xs.iter().sum::<u32>());\n}\n";

const CASES: &[Case] = &[
    Case {
        name: "brackets-open",
        what: "[[[[… never closed",
        make: |n| "[".repeat(n),
    },
    Case {
        name: "brackets-closed",
        what: "[[[[a]]]]",
        make: |n| format!("{}a{}", "[".repeat(n / 2), "]".repeat(n / 2)),
    },
    Case {
        name: "link-dest-open",
        what: "[a]([a]([a](… unclosed destinations",
        make: |n| repeat_to(n, "[a]("),
    },
    Case {
        name: "images-open",
        what: "![![![… unclosed images",
        make: |n| repeat_to(n, "!["),
    },
    Case {
        name: "quote-one-line",
        what: "> > > > … x on one line",
        make: |n| format!("{}x\n", "> ".repeat(n / 2)),
    },
    Case {
        name: "quote-per-line",
        what: "> x / >> x / >>> x … one deeper a line",
        make: |n| lines_to(n, |i| format!("{} x", ">".repeat(i))),
    },
    Case {
        name: "emphasis-open",
        what: "*a **b *a **b … never closed",
        make: |n| repeat_to(n, "*a **b "),
    },
    Case {
        name: "emphasis-closed",
        what: "*a **b *a … a* b** a* nested",
        make: |n| {
            let k = n / 8;
            let mut s = String::with_capacity(n + 8);
            for i in 0..k {
                s.push_str(if i % 2 == 0 { "*a " } else { "**b " });
            }
            for i in (0..k).rev() {
                s.push_str(if i % 2 == 0 { " a*" } else { " b**" });
            }
            s
        },
    },
    Case {
        name: "emphasis-invalid",
        what: "*_*_*_*_… delimiter runs",
        make: |n| repeat_to(n, "*_"),
    },
    Case {
        name: "strike-open",
        what: "~~a ~~a ~~a … never closed",
        make: |n| repeat_to(n, "~~a "),
    },
    Case {
        name: "backtick-run",
        what: "one run of ` (n backticks)",
        make: |n| "`".repeat(n),
    },
    Case {
        name: "code-spans-open",
        what: "`a ``a ```a … growing runs, none closed",
        make: |n| {
            let mut s = String::with_capacity(n + 2048);
            let mut k = 1;
            while s.len() < n {
                s.push_str(&"`".repeat(k));
                s.push_str("a ");
                k += 1;
            }
            s
        },
    },
    Case {
        name: "lt-run",
        what: "<<<<… (n '<')",
        make: |n| "<".repeat(n),
    },
    Case {
        name: "lt-open-tags",
        what: "x <a <a <a … unclosed tags",
        make: |n| format!("x {}", repeat_to(n, "<a ")),
    },
    Case {
        name: "comment-open",
        what: "x <!-- x <!-- … unclosed comments",
        make: |n| repeat_to(n, "x <!-- "),
    },
    Case {
        name: "autolink-open",
        what: "<http://a <http://a … unclosed",
        make: |n| repeat_to(n, "<http://a "),
    },
    Case {
        name: "div-nesting-block",
        what: "<div><div>… (HTML block, n/5 deep)",
        make: |n| "<div>".repeat(n / 5),
    },
    Case {
        name: "span-nesting-inline",
        what: "x<span><span>… (inline, n/6 deep)",
        make: |n| format!("x{}", "<span>".repeat(n / 6)),
    },
    Case {
        name: "lists-one-line",
        what: "- - - - … x (n/2 nested lists)",
        make: |n| format!("{}x\n", "- ".repeat(n / 2)),
    },
    Case {
        name: "lists-indented",
        what: "- x / __- x / ____- x … one deeper a line",
        make: |n| lines_to(n, |i| format!("{}- x", "  ".repeat(i - 1))),
    },
    Case {
        name: "lists-ordered-one-line",
        what: "1. 1. 1. … x",
        make: |n| format!("{}x\n", "1. ".repeat(n / 3)),
    },
    Case {
        name: "table-huge-row",
        what: "header, delimiter and one row of n/12 cells",
        make: |n| {
            let k = n / 12;
            format!(
                "{}|\n{}|\n{}|\n",
                "| a ".repeat(k),
                "|---".repeat(k),
                "| b ".repeat(k)
            )
        },
    },
    Case {
        name: "long-line",
        what: "one line, no spaces",
        make: |n| repeat_to(n, "abcdefghij"),
    },
    Case {
        name: "ref-links",
        what: "[a][a][a]… one definition, 256-byte URL",
        make: |n| {
            format!(
                "{}\n\n[a]: https://example.org/{}\n",
                repeat_to(n, "[a]"),
                "x".repeat(256)
            )
        },
    },
    Case {
        name: "footnote-refs-one",
        what: "x[^1] × n/6, one definition",
        make: |n| format!("{}\n\n[^1]: The note.\n", repeat_to(n, "x[^1] ")),
    },
    Case {
        name: "footnote-refs-many",
        what: "x[^k] for distinct k, each defined",
        make: |n| {
            let k = n / 24;
            let refs: String = (0..k).map(|i| format!("x[^{i}] ")).collect();
            let defs: String = (0..k).map(|i| format!("\n[^{i}]: n{i}\n")).collect();
            format!("{refs}\n{defs}")
        },
    },
    Case {
        name: "headings-same",
        what: "# a / # a / … (same heading text)",
        make: |n| repeat_to(n, "# a\n\n"),
    },
    Case {
        name: "nul-bytes",
        what: "NUL × n",
        make: |n| "\0".repeat(n),
    },
    Case {
        name: "nul-in-words",
        what: "a\\0b a\\0b … NUL inside words",
        make: |n| repeat_to(n, "a\0b "),
    },
    Case {
        name: "entities",
        what: "&amp;&#x41;&bogus;&#99999999; …",
        make: |n| repeat_to(n, "&amp;&#x41;&bogus;&#99999999; "),
    },
    Case {
        name: "code-rust-block",
        what: "one ```rust block of n bytes",
        make: |n| format!("```rust\n{}```\n", repeat_to(n, RUST_SNIPPET)),
    },
    Case {
        name: "code-open-comments",
        what: "```rust then /* /* … unclosed",
        make: |n| format!("```rust\n{}", repeat_to(n, "/* ")),
    },
    Case {
        name: "code-open-strings",
        what: "```js then \" ' ` r#\" … unclosed",
        make: |n| format!("```js\n{}", repeat_to(n, "\" ' ` r#\" ")),
    },
    Case {
        name: "code-html-open-tags",
        what: "```html then <a <b=\" <!-- … unclosed",
        make: |n| format!("```html\n{}", repeat_to(n, "<a <b=\" <!-- ")),
    },
];

/// Fixed-size inputs named in the budget itself.
const FIXED: &[Case] = &[Case {
    name: "div-nesting-50000",
    what: "<div> × 50,000 (250 KB, HTML block)",
    make: |_| "<div>".repeat(50_000),
}];

fn find_case(name: &str) -> Option<&'static Case> {
    CASES.iter().chain(FIXED).find(|c| c.name == name)
}

/// In the child: make the input, time the pipeline then raw pulldown-cmark, print one line each.
/// Lines: `pipeline ok|err <line> <median_ns> <iters> <out_bytes>` and `raw <median_ns> <iters>
/// <out_bytes>`, printed as soon as known so that a timeout still reports the first.
fn run_case_in_child(name: &str, size: usize, quick: bool, probe: bool) {
    let Some(case) = find_case(name) else {
        eprintln!("unknown case {name}");
        std::process::exit(2);
    };
    let text = (case.make)(size);
    let opts = RenderOptions::essay();
    let plan = Plan {
        min_iters: if probe || quick { 3 } else { 7 },
        max_iters: 500,
        min_time: Duration::from_millis(if probe {
            0
        } else if quick {
            100
        } else {
            600
        }),
        single_shot: Duration::from_secs(1),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "input {}", text.len());
    let _ = stdout.flush();
    // Raw first: when the pipeline is the slow one and gets killed, the reference is known.
    // Each first run is the warm-up, and the only sample when it is slow.
    let first = Instant::now();
    let out_len = raw_html(&text, &opts).len();
    let first = first.elapsed();
    let t = if first >= plan.single_shot {
        Timing {
            median: first,
            min: first,
            iters: 1,
        }
    } else {
        measure_interleaved(
            plan,
            &mut [&mut || drop(black_box(raw_html(black_box(&text), &opts)))],
        )[0]
    };
    let _ = writeln!(
        stdout,
        "raw {} {} {}",
        t.median.as_nanos(),
        t.iters,
        out_len
    );
    let _ = stdout.flush();
    let first = Instant::now();
    let result = render(&text, 1, &opts, &KeepUrls);
    let first = first.elapsed();
    let t = if first >= plan.single_shot {
        Timing {
            median: first,
            min: first,
            iters: 1,
        }
    } else {
        measure_interleaved(
            plan,
            &mut [&mut || drop(black_box(render(black_box(&text), 1, &opts, &KeepUrls)))],
        )[0]
    };
    let _ = match &result {
        Ok(r) => writeln!(
            stdout,
            "pipeline ok 0 {} {} {}",
            t.median.as_nanos(),
            t.iters,
            r.html.len()
        ),
        Err(e) => writeln!(
            stdout,
            "pipeline err {} {} {} 0",
            e.line,
            t.median.as_nanos(),
            t.iters
        ),
    };
    let _ = stdout.flush();
}

/// What a child reported for one case at one size.
#[derive(Default)]
struct CaseResult {
    input: usize,
    /// `Some(Ok(html bytes))` or `Some(Err(line))`; `None` when the child timed out first.
    outcome: Option<Result<usize, usize>>,
    pipeline: Option<Duration>,
    raw: Option<Duration>,
    failure: Option<String>,
}

fn run_case(name: &str, size: usize, flags: &[&str], deadline: Duration) -> CaseResult {
    let exe = std::env::current_exe().expect("the bench binary knows its path");
    let mut cmd = Command::new(exe);
    cmd.arg(CHILD_FLAG)
        .arg(name)
        .arg(size.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .args(flags);
    let mut child = cmd.spawn().expect("the bench binary can run itself");
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > deadline => {
                // Our own child, by its handle.
                let _ = child.kill();
                let _ = child.wait();
                timed_out = true;
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let mut out = String::new();
    let mut err = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut err);
    }
    let mut result = CaseResult::default();
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
        match f.first().copied() {
            Some("input") => result.input = num(1) as usize,
            Some("pipeline") => {
                result.pipeline = Some(Duration::from_nanos(num(3)));
                result.outcome = Some(if f.get(1) == Some(&"ok") {
                    Ok(num(5) as usize)
                } else {
                    Err(num(2) as usize)
                });
            }
            Some("raw") => {
                result.raw = Some(Duration::from_nanos(num(1)));
            }
            _ => {}
        }
    }
    if timed_out {
        result.failure = Some(format!("> {} s, killed", deadline.as_secs()));
    } else if !status.is_some_and(|s| s.success()) {
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        result.failure = Some(format!("child failed: {first}"));
    }
    result
}

/// `12.3 ms`, `refused L1 12.3 ms`, or `> 20 s, killed`.
fn describe(r: &CaseResult) -> String {
    match (&r.outcome, r.pipeline) {
        (Some(Ok(_)), Some(t)) => ms(t),
        (Some(Err(line)), Some(t)) => format!("refused L{line} {}", ms(t)),
        _ => r.failure.clone().unwrap_or_else(|| "no result".into()),
    }
}

fn describe_raw(r: &CaseResult) -> String {
    match (r.raw, &r.failure) {
        (Some(t), _) => ms(t),
        (None, Some(failure)) => failure.clone(),
        (None, None) => "-".into(),
    }
}

/// How one case did against the budget.
struct Verdict {
    /// Pipeline growth from 100 KB to 1 MB, as printed.
    growth: String,
    /// What to print in the verdict column.
    text: String,
    /// Within the budget.
    ok: bool,
    /// Missed, and grew clearly more than raw pulldown-cmark did on the same input: the cost is
    /// the pipeline's own rather than the parser's or the memory system's.
    own: bool,
}

/// The growth from 100 KB to 1 MB against the budget. A miss is set against raw
/// pulldown-cmark's growth on the same inputs and probed at 10 MB, which tells a one-time step
/// (1 MB and its tree no longer fit the CPU caches) from time that keeps growing faster than
/// the input.
fn verdict(
    name: &str,
    small: &CaseResult,
    large: &CaseResult,
    flags: &[&str],
    deadline: Duration,
) -> Verdict {
    let raw_growth = match (small.raw, large.raw) {
        (Some(s), Some(l)) => Some(ratio(l, s)),
        _ => None,
    };
    let (Some(s), Some(l), None) = (small.pipeline, large.pipeline, &large.failure) else {
        let raw = large
            .raw
            .or(small.raw)
            .map_or_else(String::new, |t| format!("; raw {} there", ms(t)));
        let killed = large
            .failure
            .clone()
            .or_else(|| small.failure.clone())
            .unwrap_or_else(|| "no figure".into());
        return Verdict {
            growth: "-".into(),
            text: format!("MISS: {killed}{raw}: superlinear, the pipeline's own"),
            ok: false,
            own: true,
        };
    };
    let g = ratio(l, s);
    if g <= LINEAR_BUDGET {
        return Verdict {
            growth: format!("{g:.1}x"),
            text: "ok".into(),
            ok: true,
            own: false,
        };
    }
    let over = (g / LINEAR_BUDGET - 1.0) * 100.0;
    let over = if over >= 10.0 {
        format!("{over:.0}%")
    } else {
        format!("{over:.1}%")
    };
    // What the pipeline adds on top of the parser: when that part alone grows faster than the
    // input, the miss is the pipeline's own; otherwise it is the parser's (or the memory
    // system's) step, which a refused input, stopped early, shows undiluted.
    let (extra_small, extra_large) = match (small.raw, large.raw) {
        (Some(rs), Some(rl)) => (
            s.as_secs_f64() - rs.as_secs_f64(),
            l.as_secs_f64() - rl.as_secs_f64(),
        ),
        _ => (0.0, l.as_secs_f64()),
    };
    let own = extra_large > 0.1 * l.as_secs_f64()
        && extra_large > LINEAR_BUDGET * 1.15 * extra_small.max(0.0);
    let whose = match raw_growth {
        _ if own && extra_small > 0.0 => {
            format!(
                "the pipeline's own (its time over raw grows {:.1}x)",
                extra_large / extra_small
            )
        }
        _ if own => "the pipeline's own".to_string(),
        Some(r) => format!("the parser's step (raw grows {r:.1}x)"),
        None => "no raw figure".to_string(),
    };
    let probe = run_case(name, 10 * LARGE, &[flags, &["--probe"]].concat(), deadline);
    let beyond = match (probe.pipeline, probe.raw, &probe.failure) {
        (Some(p), Some(r), None) => {
            let (p10, r10) = (ratio(p, l), large.raw.map_or(0.0, |l| ratio(r, l)));
            format!("10M/1M {p10:.1}x (raw {r10:.1}x)")
        }
        _ => format!(
            "10 MB: {}",
            probe.failure.unwrap_or_else(|| "no figure".into())
        ),
    };
    Verdict {
        growth: format!("{g:.1}x"),
        text: format!("MISS by {over}; {whose}; {beyond}"),
        ok: false,
        own,
    }
}

fn pathological(config: &Config) {
    let deadline = Duration::from_secs(if config.quick { 10 } else { 30 });
    let flags: &[&str] = if config.quick { &["--quick"] } else { &[] };
    println!();
    println!("== 2. Pathological inputs: pipeline at 100 KB and 1 MB (10^5 and 10^6 bytes, decimal, so linear = 10.0x) ==");
    println!(
        "each case in a child process of this binary, killed after {} s; median of >= {} runs; budget: 1 MB within {LINEAR_BUDGET}x of 100 KB;",
        deadline.as_secs(),
        if config.quick { 3 } else { 7 }
    );
    println!("\"refused Ln\" = RenderError at line n (nesting cap 128 or 64 MB output cap), a fine outcome when fast; raw = bare pulldown-cmark on the same input;");
    println!("a miss is the pipeline's own when its time over raw grows by more than 11.5x, else the parser's (or memory system's) step, shown undiluted when refused early;");
    println!("and probed at 10 MB (10M/1M near 10x: a one-time step as the input and its tree leave the CPU caches; well above: still superlinear)");
    println!();
    println!(
        "{:<22} {:<40} {:>20} {:>20} {:>8} {:>10} {:>10} {:>6}  verdict",
        "case",
        "input",
        "pipeline 100 KB",
        "pipeline 1 MB",
        "1M/100K",
        "raw 100KB",
        "raw 1MB",
        "raw",
    );
    let mut misses = Vec::new();
    let mut own = Vec::new();
    for case in CASES {
        let small = run_case(case.name, SMALL, flags, deadline);
        let large = run_case(case.name, LARGE, flags, deadline);
        let v = verdict(case.name, &small, &large, flags, deadline);
        if !v.ok {
            misses.push(format!("{} ({})", case.name, v.growth));
            if v.own {
                own.push(case.name);
            }
        }
        let raw_growth = match (small.raw, large.raw) {
            (Some(s), Some(l)) => format!("{:.1}x", ratio(l, s)),
            _ => "-".into(),
        };
        println!(
            "{:<22} {:<40} {:>20} {:>20} {:>8} {:>10} {:>10} {:>6}  {}",
            case.name,
            case.what,
            describe(&small),
            describe(&large),
            v.growth,
            describe_raw(&small),
            describe_raw(&large),
            raw_growth,
            v.text
        );
    }
    println!();
    for case in FIXED {
        let r = run_case(case.name, 0, flags, deadline);
        println!(
            "{:<22} {:<40} pipeline {} on {} bytes ({}), raw {}",
            case.name,
            case.what,
            describe(&r),
            thousands(r.input),
            match r.outcome {
                Some(Ok(out)) => format!("{} bytes of HTML", thousands(out)),
                Some(Err(line)) => format!("refused at line {line}"),
                None => "no result".into(),
            },
            describe_raw(&r)
        );
    }
    println!();
    if misses.is_empty() {
        println!("pathological budget: met by all {} cases", CASES.len());
    } else {
        println!(
            "pathological budget: met by {} of {} cases; missed by {}: {}",
            CASES.len() - misses.len(),
            CASES.len(),
            misses.len(),
            misses.join(", ")
        );
        if own.is_empty() {
            println!("  every miss grows no more than raw pulldown-cmark on the same input (the parser and the memory system, not the pipeline)");
        } else {
            println!(
                "  growing clearly more than raw pulldown-cmark (the pipeline's own): {}",
                own.join(", ")
            );
        }
    }
}

/// The DOCX and EPUB budget for the sample essay (issue 12).
const EPUB_BUDGET: Duration = Duration::from_millis(50);

/// EPUB and DOCX export through the public API, as `quire export FILE --format epub|docx` runs
/// it (the folder opened once, as the app does): reading, rendering, building, packing, writing.
fn epub(config: &Config) {
    println!();
    println!(
        "== 4. EPUB and DOCX export (read, render, build, zip, write; the book on every core) =="
    );
    let scratch = config.bench_dir.join("run/epub");
    let _ = std::fs::remove_dir_all(&scratch);
    let essays = Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
    let long = config.long_essay(11_500);
    let mut cases: Vec<(String, PathBuf, PathBuf)> = ["a-misplaced-focus.md", "feature-tour.md"]
        .iter()
        .map(|name| {
            (
                format!("sample essay {name}"),
                essays.clone(),
                essays.join(name),
            )
        })
        .collect();
    let long_bytes = std::fs::metadata(&long).map_or(0, |m| m.len());
    cases.push((
        format!("~100 KB essay ({} KB)", long_bytes / 1000),
        long.parent().expect("in a folder").to_path_buf(),
        long.clone(),
    ));
    for format in ["epub", "docx"] {
        for (label, folder, file) in &cases {
            let exporter = Exporter::open(folder).expect("the folder opens");
            let out = scratch.join("one");
            let bytes = std::fs::metadata(file).map_or(0, |m| m.len() as usize);
            let t = measure_interleaved(
                Plan::for_input(bytes, config.quick),
                &mut [&mut || {
                    if format == "epub" {
                        black_box(exporter.epub(file, &out).expect("exports"));
                    } else {
                        black_box(exporter.docx(file, &out).expect("exports"));
                    }
                }],
            );
            let verdict = if label.starts_with("sample") {
                if t[0].median <= EPUB_BUDGET {
                    format!("  (budget {} met)", ms(EPUB_BUDGET))
                } else {
                    format!("  (budget {} MISSED)", ms(EPUB_BUDGET))
                }
            } else {
                String::new()
            };
            let label = format!("{format} {label}");
            println!(
                "{label:<45} median {:>9}  min {:>9}  N={}{verdict}",
                ms(t[0].median),
                ms(t[0].min),
                t[0].iters
            );
        }
    }

    let corpus = config.bench_dir.join("corpus-1000");
    generate(&corpus, &["--count", "1000"]);
    let exporter = Exporter::open(&corpus).expect("the corpus opens");
    // Drafts too: the book holds all 1,000 essays (make_corpus marks some as drafts).
    let options = SiteOptions {
        out: scratch.join("book"),
        drafts: true,
    };
    let mut report = None;
    let t = measure_interleaved(
        Plan {
            min_iters: 3,
            max_iters: 5,
            min_time: Duration::from_millis(1),
            single_shot: Duration::from_secs(30),
        },
        &mut [&mut || {
            report = Some(exporter.book(&options, &|_, _| {}).expect("exports"));
        }],
    );
    let report = report.expect("ran");
    let size = std::fs::read_dir(&options.out)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum::<u64>();
    println!(
        "{:<40} median {:>9}  min {:>9}  N={}  ({} essays in the book, {:.1} MB, {} failed)",
        "book of the 1,000-essay corpus",
        ms(t[0].median),
        ms(t[0].min),
        t[0].iters,
        thousands(report.essays),
        size as f64 / 1e6,
        report.failed.len()
    );
}
