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
use quire::publish::{
    self, Action, Cancel, OnDrift, PublishOptions, Publisher, RemoteState, Step, Target, TargetKind,
};
use quire::store::{SearchFilter, Store};

// A site export allocates per event, string and template value on every thread at once; with
// glibc's malloc that was ~13% of its time (mimalloc keeps per-thread heaps).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// The places essays are published to: add, list, remove.
    Targets {
        #[command(subcommand)]
        action: TargetsAction,
    },
    /// Publish an essay to a blog target, or the exported site (the folder) to a git target.
    /// Publishing again updates the same post; an edit made on the site since stops it.
    Publish {
        /// The essay file (blog targets) or the essays folder (git targets); defaults to --essays.
        file: Option<PathBuf>,
        /// The target's name, from `quire targets list`.
        #[arg(long)]
        to: String,
        /// As a draft on the site, whatever the essay's status says.
        #[arg(long)]
        draft: bool,
        /// Say what would be done and change nothing on the site.
        #[arg(long)]
        dry_run: bool,
        /// The post was edited on the site: replace the site's version with the essay.
        #[arg(long, conflicts_with = "pull")]
        overwrite: bool,
        /// The post was edited on the site: keep the site's text as a revision of the essay
        /// (`quire history`) and publish nothing.
        #[arg(long)]
        pull: bool,
        /// The post was deleted on the site: make a new one.
        #[arg(long)]
        anew: bool,
    },
    /// List what was published: each essay's URL, when it was pushed, and whether it changed
    /// since, here or on the site.
    Published {
        /// The essays folder; defaults to --essays.
        folder: Option<PathBuf>,
        /// Do not ask the sites; say only what changed here.
        #[arg(long)]
        offline: bool,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TargetsAction {
    /// Add a target, or replace the one of that name. A blog's secret is read from standard
    /// input (typed without echo at a terminal) and kept in the system keyring.
    Add {
        /// A short name: letters, digits, - _ .
        name: String,
        /// wordpress (application password), ghost (Admin API key), micropub (token; Micro.blog
        /// and IndieWeb sites) or git (the remote and branch the exported site is pushed to).
        #[arg(long)]
        kind: String,
        /// The site's address (https://example.com; for micropub the site, whose endpoint is
        /// discovered), or the git remote.
        #[arg(long)]
        url: String,
        /// WordPress: the login the application password belongs to.
        #[arg(long)]
        user: Option<String>,
        /// Git: the branch the site goes to (default gh-pages).
        #[arg(long)]
        branch: Option<String>,
        /// Keep it without asking the site whether the secret works.
        #[arg(long)]
        no_check: bool,
        /// Micropub: sign in through the site in your browser (IndieAuth) rather than pasting
        /// a token. $BROWSER, else the desktop's default browser, opens the page; its address
        /// is printed too.
        #[arg(long)]
        sign_in: bool,
    },
    /// List the targets: NAME KIND URL.
    List {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Remove a target, its secret in the keyring, and its publish records.
    Remove {
        /// The target's name.
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            if let Some(quire::Error::Drift { remedy, .. }) = error.downcast_ref() {
                eprintln!("{}", drift_hint(*remedy));
            }
            ExitCode::from(1)
        }
    }
}

/// The flags that answer a drift: the core names the choices, the CLI its words for them.
fn drift_hint(remedy: quire::Remedy) -> &'static str {
    match remedy {
        quire::Remedy::OverwriteOrPull => "choose: publish again with --overwrite to replace the site's version, or with --pull to keep the site's text as a revision to look at (`quire history`)",
        quire::Remedy::Anew => "publish again with --anew to make a new post",
        quire::Remedy::Overwrite => "publish again with --overwrite to put the site on top of them (they stay in the branch's history)",
        quire::Remedy::Retry => "publish again to see what changed",
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
        Command::Targets { action } => targets(action, cli.db.as_deref(), cli.quiet),
        Command::Publish {
            file,
            to,
            draft,
            dry_run,
            overwrite,
            pull,
            anew,
        } => {
            let on_drift = if overwrite {
                OnDrift::Overwrite
            } else if pull {
                OnDrift::Pull
            } else {
                OnDrift::Stop
            };
            let options = PublishOptions {
                draft,
                dry_run,
                on_drift,
                anew,
                cancel: Cancel::new(),
            };
            let file = file.unwrap_or_else(|| cli.essays.clone());
            publish(
                &file,
                &to,
                &options,
                &cli.essays,
                cli.db.as_deref(),
                cli.quiet,
            )
        }
        Command::Published {
            folder,
            offline,
            json,
        } => published(
            &folder.unwrap_or(cli.essays),
            offline,
            json,
            cli.db.as_deref(),
        ),
    }
}

fn open_store(db: Option<&Path>) -> anyhow::Result<Store> {
    let db = db.map_or_else(quire::store::default_path, Path::to_path_buf);
    Ok(Store::open(&db)?)
}

fn targets(action: TargetsAction, db: Option<&Path>, quiet: bool) -> anyhow::Result<ExitCode> {
    let mut store = open_store(db)?;
    match action {
        TargetsAction::Add {
            name,
            kind,
            url,
            user,
            branch,
            no_check,
            sign_in,
        } => {
            let target = Target {
                name,
                kind: TargetKind::parse(&kind)?,
                url,
                user,
                branch,
            };
            target.validate()?;
            let secret = if sign_in {
                if target.kind != TargetKind::Micropub {
                    bail!(
                        "--sign-in is for micropub targets; a {} target takes {}",
                        target.kind.as_str(),
                        target.kind.secret_name()
                    );
                }
                Some(sign_in_with_browser(&target, quiet)?)
            } else if target.kind.is_blog() {
                Some(read_secret(&target)?)
            } else {
                None
            };
            if !no_check && !quiet {
                eprintln!("Asking {} whether the settings work…", target.url);
            }
            publish::add_target(&mut store, &target, secret.as_deref(), !no_check)?;
            if !quiet {
                eprintln!(
                    "Added {} ({} at {}){}.",
                    target.name,
                    target.kind.as_str(),
                    target.url,
                    if secret.is_some() {
                        "; its secret is in the system keyring"
                    } else {
                        ""
                    }
                );
            }
        }
        TargetsAction::List { json } => {
            let list = publish::targets(&store)?;
            let mut stdout = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut stdout, &list)?;
                writeln!(stdout)?;
            } else {
                for target in list {
                    let extra = match (&target.user, &target.branch) {
                        (Some(user), _) => format!("  (as {user})"),
                        (_, Some(branch)) => format!("  (branch {branch})"),
                        _ => String::new(),
                    };
                    writeln!(
                        stdout,
                        "{:<16} {:<10} {}{extra}",
                        target.name,
                        target.kind.as_str(),
                        target.url
                    )?;
                }
            }
        }
        TargetsAction::Remove { name } => {
            publish::remove_target(&mut store, &name)?;
            if !quiet {
                eprintln!("Removed {name}, its secret and its publish records.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The IndieAuth sign-in: the site's sign-in page in the writer's browser, and the token it
/// gives back. Ctrl+C stops the wait.
fn sign_in_with_browser(target: &Target, quiet: bool) -> anyhow::Result<String> {
    let cancel = Cancel::new();
    let sign_in = publish::SignIn::start(target, cancel.clone())?;
    let stop = cancel.clone();
    ctrlc::set_handler(move || stop.cancel())?;
    // The address is printed even when --quiet: without it a writer whose browser did not
    // open has nothing to go on.
    eprintln!(
        "Sign in to {} in your browser and approve Quire. If no browser opened, open:\n  {}",
        target.url,
        sign_in.address()
    );
    open_in_browser(sign_in.address());
    if !quiet {
        let minutes = publish::SignIn::WAIT.as_secs() / 60;
        eprintln!("Waiting for the browser (up to {minutes} minutes; Ctrl+C stops)…");
    }
    Ok(sign_in.finish(publish::SignIn::WAIT)?)
}

/// Opens a page with $BROWSER, else the desktop's opener; failing quietly (the address has
/// been printed).
fn open_in_browser(address: &str) {
    let browser = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty());
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let program = browser.as_deref().unwrap_or(opener);
    let _ = std::process::Command::new(program)
        .arg(address)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// The secret from standard input: typed without echo at a terminal, else its first line.
fn read_secret(target: &Target) -> anyhow::Result<String> {
    let what = target.kind.secret_name();
    let secret = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!(
            "Paste {what} for {} ({}): ",
            target.name, target.url
        ))?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    let secret = secret.trim().to_string();
    if secret.is_empty() {
        bail!("nothing was given: pipe {what} in, or type it when asked (it goes to the system keyring)");
    }
    Ok(secret)
}

fn publish(
    file: &Path,
    to: &str,
    options: &PublishOptions,
    essays: &Path,
    db: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let mut store = open_store(db)?;
    let target = publish::target(&store, to)?;
    let folder = if target.kind.is_blog() {
        if !file.is_file() {
            bail!(
                "{} publishes one essay at a time: give an essay file, not {}",
                target.name,
                file.display()
            );
        }
        folder_of(file, essays)?
    } else {
        if !file.is_dir() {
            bail!(
                "{} is a git target: it receives the whole site, so give the essays folder, not {}",
                target.name,
                file.display()
            );
        }
        file.to_path_buf()
    };
    let exporter = Exporter::open(&folder)?;
    let cancel = options.cancel.clone();
    ctrlc::set_handler(move || cancel.cancel())?;
    let progress = |step: &Step| {
        if !quiet {
            eprintln!("[{}/{}] {}", step.done, step.total, step.doing);
        }
    };
    let mut publisher = Publisher {
        exporter: &exporter,
        store: &mut store,
    };
    let outcome = publisher.publish(file, &target, options, &progress)?;
    print_problems(&outcome.warnings, usize::MAX);
    let images = match (outcome.images_uploaded, outcome.images_reused) {
        (0, 0) => String::new(),
        (new, 0) => format!("; {} uploaded", plural(new, "image")),
        (0, old) => format!("; {} already there", plural(old, "image")),
        (new, old) => format!("; {} uploaded, {old} already there", plural(new, "image")),
    };
    let status = outcome.status.as_str();
    let branch = target.branch.as_deref().unwrap_or("gh-pages");
    let said = match &outcome.action {
        Action::Created | Action::Updated if !target.kind.is_blog() => {
            format!("Pushed the site to {branch} as a new commit")
        }
        Action::WouldCreate | Action::WouldUpdate if !target.kind.is_blog() => {
            format!("Dry run: would push the site to {branch} as a new commit")
        }
        Action::Created => format!("Published as a new post ({status}){images}"),
        Action::Updated => format!("Updated the post ({status}){images}"),
        Action::UpToDate => "Nothing changed here or on the site since the last publish; sent nothing".into(),
        Action::WouldCreate => format!("Dry run: would make a new post ({status}){images}"),
        Action::WouldUpdate => format!("Dry run: would update the post ({status}){images}"),
        Action::Pulled { revision } => format!(
            "Kept the site's text as revision {revision} of {} (`quire history`); published nothing",
            file.display()
        ),
    };
    if !quiet {
        eprintln!("{said}.");
    }
    if !outcome.url.is_empty() {
        println!("{}", outcome.url);
    }
    Ok(ExitCode::SUCCESS)
}

fn published(
    folder: &Path,
    offline: bool,
    json: bool,
    db: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let mut store = open_store(db)?;
    let exporter = Exporter::open(folder)?;
    let publisher = Publisher {
        exporter: &exporter,
        store: &mut store,
    };
    let list = publisher.published(offline, &Cancel::new())?;
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, &list)?;
        writeln!(stdout)?;
        return Ok(ExitCode::SUCCESS);
    }
    for item in list {
        let when = chrono::DateTime::from_timestamp_millis(item.at)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let here = match item.changed_locally {
            Some(true) => "changed here",
            Some(false) => "same here",
            None => "",
        };
        let there = match &item.remote {
            RemoteState::Same => "same on the site".to_string(),
            RemoteState::Changed => "edited on the site".to_string(),
            RemoteState::Deleted => "deleted on the site".to_string(),
            RemoteState::NotAsked => String::new(),
            RemoteState::Unknown(why) => format!("site not asked: {why}"),
        };
        let path = if item.path.is_empty() {
            "(the site)"
        } else {
            &item.path
        };
        let states: Vec<&str> = [here, there.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        writeln!(
            stdout,
            "{path}  {}  {}  {when}  {}  {}",
            item.target,
            item.url,
            item.status,
            states.join(", ")
        )?;
    }
    Ok(ExitCode::SUCCESS)
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
    let say = |news: WatchHealth| match news {
        WatchHealth::Polling { message } => eprintln!("warning: {message}"),
        WatchHealth::Failing { message, .. } => eprintln!(
            "error: {message}; outside edits are not taken in until this is fixed (retrying)"
        ),
        WatchHealth::Working => eprintln!("Taking outside edits in again."),
    };
    // A watcher that polls from its set-up says so (and why) before the banner; one that turns
    // to polling later, when events run out, says so then.
    health.try_iter().for_each(say);
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
        health.try_iter().for_each(say);
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
