//! `quire`: the command line over the core library. It parses arguments, calls one library
//! function per command, and prints; every decision about essays lives in the library.
//!
//! Exit codes: 0 success; 1 some essays failed or checks found errors (everything else is still
//! done, each problem named on stderr with file and line); 2 usage error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use quire::check::check_folder;
use quire::essay::Essay;
use quire::export::{Exporter, Format, SiteOptions};
use quire::library::folder::Folder;
use quire::library::Library;
use quire::markdown::{render_essay, KeepUrls, RenderOptions};
use quire::problem::{Level, Problem};
use quire::store::SearchFilter;

/// Write, preview and publish essays.
#[derive(Parser)]
#[command(name = "quire", version = quire::version(), about, max_term_width = 100)]
struct Cli {
    /// The essays folder.
    #[arg(long, global = true, env = "QUIRE_ESSAYS", default_value = "essays")]
    essays: PathBuf,
    /// The store (history, drafts, search index); default: quire.db in the platform data folder.
    #[arg(long, global = true, env = "QUIRE_DB")]
    db: Option<PathBuf>,
    /// Print only problems, no progress or summaries.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// `--format`'s names; [`Format`] itself knows nothing of clap.
#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Html,
    Pdf,
    Docx,
    Epub,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Html => Format::Html,
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Docx => Format::Docx,
            FormatArg::Epub => Format::Epub,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print the HTML of one essay.
    Render {
        /// The essay file.
        file: PathBuf,
        /// Print the full page, with the template and the CSS inlined.
        #[arg(long)]
        page: bool,
    },
    /// Export the site (a folder) or one essay (a file).
    Export {
        /// An essays folder (the site) or one essay file; defaults to --essays.
        target: Option<PathBuf>,
        /// The output folder (default: `out` in quire.toml, else `public` in the essays folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include drafts in the site.
        #[arg(long)]
        drafts: bool,
        /// With a file: write one self-contained .html (CSS inlined, images embedded).
        #[arg(long)]
        standalone: bool,
        /// html (a post, a standalone page or the site), pdf, docx, or epub (one essay, or a
        /// folder's published essays as one book).
        #[arg(long, value_enum, default_value_t = FormatArg::Html)]
        format: FormatArg,
    },
    /// Report what would go wrong if the folder were published, as `path:line: level: message`.
    Check {
        /// The essays folder; defaults to --essays.
        folder: Option<PathBuf>,
    },
    /// Create an essay with front matter and print its path.
    New {
        /// The essay's title.
        title: String,
    },
    /// Scan the folder into the store and print what changed.
    Index {
        /// The essays folder; defaults to --essays.
        folder: Option<PathBuf>,
    },
    /// Full-text search: ranked results with the hits marked.
    Search {
        /// Words, "a phrase", or prefix*.
        query: String,
        /// Only essays with this status (draft, published).
        #[arg(long)]
        status: Option<String>,
        /// Only essays with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// List an essay's revisions, newest first: ID TIME SOURCE CHANGE.
    History {
        /// The essay file.
        file: PathBuf,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Bring a revision back (itself recorded as a new revision).
    Restore {
        /// The essay file.
        file: PathBuf,
        /// The revision id, from `quire history`.
        revision: i64,
    },
    /// Keep the store current while other programs edit the folder; Ctrl-C stops.
    Watch {
        /// The essays folder; defaults to --essays.
        folder: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Render { file, page } => render(&file, page, &cli.essays),
        Command::Export {
            target,
            out,
            drafts,
            standalone,
            format,
        } => {
            let target = target.unwrap_or_else(|| cli.essays.clone());
            let format = Format::from(format);
            if standalone && format != Format::Html {
                bail!(
                    "--standalone is for --format html; a .{} is one file already",
                    format.extension()
                )
            }
            if target.is_file() {
                export_file(&target, out, standalone, format, &cli.essays, cli.quiet)
            } else if format == Format::Epub {
                export_site(&target, out, drafts, Format::Epub, cli.quiet)
            } else if format != Format::Html {
                bail!(
                    "--format {} exports one essay: give a file, not the folder {}",
                    format.extension(),
                    target.display()
                )
            } else if standalone {
                bail!(
                    "--standalone exports one essay: give a file, not the folder {}",
                    target.display()
                )
            } else {
                export_site(&target, out, drafts, Format::Html, cli.quiet)
            }
        }
        Command::Check { folder } => check(&folder.unwrap_or(cli.essays), cli.quiet),
        Command::New { title } => new(&title, &cli.essays, cli.db.as_deref()),
        Command::Index { folder } => index(
            &open_library(folder.as_deref().unwrap_or(&cli.essays), cli.db.as_deref())?,
            cli.quiet,
        ),
        Command::Search {
            query,
            status,
            tag,
            limit,
            json,
        } => {
            let library = open_library(&cli.essays, cli.db.as_deref())?;
            library.scan()?;
            let filter = SearchFilter {
                status: status.as_deref().map(quire::essay::Status::parse),
                tag,
                limit: Some(limit),
            };
            search(&library, &query, &filter, json)
        }
        Command::History { file, json } => {
            let library = library_for(&file, &cli.essays, cli.db.as_deref())?;
            history(&library, &file, json)
        }
        Command::Restore { file, revision } => {
            let library = library_for(&file, &cli.essays, cli.db.as_deref())?;
            library.scan()?;
            let essay = library.find(&file)?;
            library.restore(essay.id, revision)?;
            if !cli.quiet {
                eprintln!("Restored revision {revision} to {}.", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch { folder } => watch(
            &open_library(folder.as_deref().unwrap_or(&cli.essays), cli.db.as_deref())?,
            cli.quiet,
        ),
    }
}

fn open_library(folder: &Path, db: Option<&Path>) -> anyhow::Result<Library> {
    let db = db.map_or_else(quire::store::default_path, Path::to_path_buf);
    Ok(Library::open(folder, &db)?)
}

/// The library of the folder a file belongs to, scanned so that its history is current.
fn library_for(file: &Path, essays: &Path, db: Option<&Path>) -> anyhow::Result<Library> {
    let folder = if file.exists() {
        folder_of(file, essays)?
    } else {
        essays.to_path_buf()
    };
    let library = open_library(&folder, db)?;
    library.scan()?;
    Ok(library)
}

fn index(library: &Library, quiet: bool) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let report = library.scan()?;
    for skipped in &report.unreadable {
        eprintln!(
            "{}: warning: {}",
            library.folder().root.join(&skipped.path).display(),
            skipped.reason
        );
    }
    if !quiet {
        println!(
            "{} essays: {} new, {} changed, {} renamed, {} removed, {} unreadable ({:.2} s)",
            report.files,
            report.new,
            report.changed,
            report.renamed,
            report.removed,
            report.unreadable.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn search(
    library: &Library,
    query: &str,
    filter: &SearchFilter,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let color = !json && std::io::stdout().is_terminal();
    let marks = if json {
        ("[", "]")
    } else if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let hits = library.search(query, filter, marks)?;
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, &hits)?;
        writeln!(stdout)?;
    } else {
        for hit in &hits {
            let path = hit.path.as_deref().unwrap_or("(unsaved)");
            writeln!(
                stdout,
                "{}  {}  ({})",
                library.folder().root.join(path).display(),
                hit.title,
                hit.status
            )?;
            writeln!(stdout, "    {}", hit.snippet.replace('\n', " "))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn history(library: &Library, file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let essay = library.find(file)?;
    let revisions = library.history(essay.id)?;
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, &revisions)?;
        writeln!(stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    for rev in revisions {
        let time = chrono::DateTime::from_timestamp_millis(rev.at)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default();
        writeln!(
            stdout,
            "{:<6} {time}  {:<7} +{} -{}",
            rev.id,
            rev.source.as_str(),
            rev.words_added,
            rev.words_removed
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn watch(library: &Library, quiet: bool) -> anyhow::Result<ExitCode> {
    use quire::library::watch::WatchHealth;
    let report = library.scan()?;
    let changes = library.subscribe();
    let watcher = library.watch()?;
    let health = watcher.health();
    if let quire::library::watch::WatchMode::Polling(reason) = watcher.mode() {
        eprintln!("warning: {reason}");
    }
    if !quiet {
        eprintln!(
            "Watching {} ({} essays). Ctrl-C stops.",
            library.folder().root.display(),
            report.files
        );
    }
    let (stop_tx, stop) = std::sync::mpsc::channel::<()>();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })?;
    loop {
        if stop.try_recv().is_ok() {
            break;
        }
        for news in health.try_iter() {
            match news {
                WatchHealth::Failing { message, .. } => eprintln!(
                    "error: {message}; outside edits are not taken in until this is fixed (retrying)"
                ),
                WatchHealth::Working => eprintln!("Taking outside edits in again."),
            }
        }
        match changes.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(change) => {
                let kind = serde_json::to_value(&change.kind)
                    .ok()
                    .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(String::from)))
                    .unwrap_or_default();
                let from = match &change.kind {
                    quire::library::ChangeKind::Renamed { from } => format!(" (from {from})"),
                    _ => String::new(),
                };
                println!(
                    "{} {kind}{from} [{}]",
                    change.path.as_deref().unwrap_or("(unsaved)"),
                    change.source.as_str()
                );
                let _ = std::io::stdout().flush();
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    drop(watcher);
    if !quiet {
        eprintln!("Stopped watching.");
    }
    Ok(ExitCode::SUCCESS)
}

/// The essays folder a file belongs to: `--essays` when the file is inside it, else its folder.
fn folder_of(file: &Path, essays: &Path) -> anyhow::Result<PathBuf> {
    let canonical = file
        .canonicalize()
        .with_context(|| format!("{}", file.display()))?;
    if let Ok(root) = essays.canonicalize() {
        if canonical.starts_with(&root) {
            return Ok(root);
        }
    }
    Ok(canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default())
}

fn render(file: &Path, page: bool, essays: &Path) -> anyhow::Result<ExitCode> {
    // Read as its folder reads it: a Hugo post's shortcodes become placeholders here too.
    let folder = Folder::open(&folder_of(file, essays)?)?;
    let canonical = file.canonicalize()?;
    let relative = canonical
        .strip_prefix(&folder.canonical_root)
        .unwrap_or(file);
    let essay = Essay::read_in(file, relative, &folder.convention)?;
    let rendered = render_essay(&essay, &RenderOptions::essay(), &KeepUrls)?;
    let html = if page {
        let exporter = Exporter::open(&folder.root)?;
        exporter.page_html(&essay, &rendered, "", true)?
    } else {
        rendered.html
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(html.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn export_file(
    file: &Path,
    out: Option<PathBuf>,
    standalone: bool,
    format: Format,
    essays: &Path,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let exporter = Exporter::open(&folder_of(file, essays)?)?;
    let out = out.unwrap_or_else(|| exporter.default_out());
    let one = |(file, problems): (PathBuf, Vec<Problem>)| (vec![file], problems);
    let (written, problems) = match format {
        Format::Html if standalone => one(exporter.standalone(file, &out)?),
        Format::Html => exporter.post(file, &out)?,
        Format::Pdf => one(exporter.pdf(file, &out)?),
        Format::Docx => one(exporter.docx(file, &out)?),
        Format::Epub => one(exporter.epub(file, &out)?),
    };
    print_problems(&problems, usize::MAX);
    if !quiet {
        for path in written {
            println!("{}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// At most this many warnings are printed one by one; `quire check` lists them all.
const WARNINGS_SHOWN: usize = 20;

/// The site, or with `Format::Epub` the folder's book.
fn export_site(
    folder: &Path,
    out: Option<PathBuf>,
    drafts: bool,
    format: Format,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let exporter = Exporter::open(folder)?;
    let out = out.unwrap_or_else(|| exporter.default_out());
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} exporting {pos}/{len} essays {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let options = SiteOptions {
        out: out.clone(),
        drafts,
    };
    let report = if format == Format::Epub {
        exporter.book(&options, &progress)?
    } else {
        exporter.site(&options, &progress)?
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for error in &report.failed {
        eprintln!("{}", Problem::from_error(error, folder));
    }
    print_problems(&report.warnings, WARNINGS_SHOWN);
    if !quiet {
        eprintln!(
            "Exported {} to {}: {} written, {} unchanged, {} removed{}.",
            plural(report.essays, "essay"),
            out.display(),
            plural(report.written.len(), "file"),
            report.unchanged,
            report.removed.len(),
            if report.failed.is_empty() {
                String::new()
            } else {
                format!("; {} failed", plural(report.failed.len(), "essay"))
            },
        );
        if report.written.len() <= 20 {
            for path in &report.written {
                eprintln!("  wrote {}", path.display());
            }
        }
        for path in report.removed.iter().take(20) {
            eprintln!("  removed {}", path.display());
        }
    }
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_problems(problems: &[Problem], limit: usize) {
    for problem in problems.iter().take(limit) {
        eprintln!("{problem}");
    }
    if problems.len() > limit {
        eprintln!(
            "… and {} more warnings; `quire check` lists them all",
            problems.len() - limit
        );
    }
}

fn check(folder: &Path, quiet: bool) -> anyhow::Result<ExitCode> {
    let report = check_folder(folder)?;
    let mut stdout = std::io::stdout().lock();
    for problem in &report.problems {
        writeln!(stdout, "{problem}")?;
    }
    if !quiet {
        eprintln!("Read as a {}.", report.convention);
        eprintln!(
            "{} checked: {}, {}.",
            plural(report.essays, "essay"),
            plural(report.errors(), "error"),
            plural(report.warnings(), "warning")
        );
    }
    let errors = report.problems.iter().any(|p| p.level == Level::Error);
    Ok(if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The app's New, then its first save: the same front matter and the same file name.
fn new(title: &str, essays: &Path, db: Option<&Path>) -> anyhow::Result<ExitCode> {
    // Before the folder and the store are made: a blank title changes nothing.
    quire::library::new_title(title).map_err(|e| anyhow::anyhow!("{e}: quire new \"My essay\""))?;
    std::fs::create_dir_all(essays).with_context(|| format!("{}", essays.display()))?;
    let library = open_library(essays, db)?;
    let essay = library.create(title)?;
    let saved = library.save(essay.id)?;
    let path = saved.path.unwrap_or_default();
    println!("{}", library.folder().root.join(path).display());
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
