//! Figures for the PDF export, printed, never asserted: `cargo bench -p quire-print`.
//!
//! A PDF costs the printer's start (GTK, WebKit's web process) once, then each page. Both are
//! measured through the core's exporter as `quire export --format pdf` runs it: a one-line
//! essay (start and one page), the sample essay, and a ~100 KB essay; the per-page cost is the
//! difference between the large and the small one over their difference in pages. Runs on its
//! own Xvfb, like the tests.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use quire::export::Exporter;

const RUNS: usize = 5;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // A watchdog shell stops this Xvfb once the bench is gone, however it ends.
    let watchdog = "Xvfb -displayfd 1 -screen 0 1280x800x24 -nolisten tcp 2>/dev/null & x=$!; \
         trap 'kill $x 2>/dev/null' EXIT; while kill -0 \"$1\" 2>/dev/null; do sleep 0.5; done";
    let mut xvfb = Command::new("sh")
        .args(["-c", watchdog, "sh", &std::process::id().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb runs");
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a display");
    std::env::set_var("DISPLAY", format!(":{}", line.trim()));
    std::env::set_var("QUIRE_PRINT", env!("CARGO_BIN_EXE_quire-print"));

    let dir = tempfile::tempdir().expect("tempdir");
    let essays = dir.path().join("essays");
    std::fs::create_dir_all(&essays).expect("mkdir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sample = std::fs::read_to_string(repo.join("essays/a-misplaced-focus.md")).expect("sample");
    std::fs::write(essays.join("sample.md"), &sample).expect("write");
    std::fs::write(
        essays.join("line.md"),
        "# One line\n\nA single line of text.\n",
    )
    .expect("write");
    let body = sample
        .splitn(3, "---")
        .nth(2)
        .unwrap_or(&sample)
        .to_string();
    let mut large = String::from("---\ntitle: A long essay\n---\n");
    let mut part = 1;
    while large.len() < 100_000 {
        large.push_str(&format!("\n## Part {part}\n"));
        large.push_str(&body);
        part += 1;
    }
    std::fs::write(essays.join("large.md"), &large).expect("write");
    let exporter = Exporter::open(&essays).expect("open");
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let avg: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average {}", avg.join(" "));
    }
    let mut figures = Vec::new();
    for (name, file, bytes) in [
        ("one line", "line.md", 40),
        ("sample essay", "sample.md", sample.len()),
        ("100 KB essay", "large.md", large.len()),
    ] {
        let out = dir.path().join("out");
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let (pdf, _) = exporter.pdf(&essays.join(file), &out).expect("prints");
            times.push(start.elapsed().as_secs_f64());
            count = pages(&pdf);
        }
        let t = median(times);
        println!(
            "pdf {name:>13}: {bytes:>7} bytes, {count:>3} pages, median {:.0} ms of {RUNS}",
            t * 1000.0
        );
        figures.push((t, count));
    }
    let (t1, p1) = figures[0];
    let (t3, p3) = figures[2];
    let per_page = (t3 - t1) / (p3.saturating_sub(p1).max(1)) as f64;
    println!(
        "pdf start (one-line essay less one page): {:.0} ms; per page: {:.1} ms",
        (t1 - per_page) * 1000.0,
        per_page * 1000.0
    );
    drop(xvfb);
}
