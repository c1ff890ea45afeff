//! What the app holds while it runs: the [`Library`] of the open essays folder, its watcher,
//! and the theme the preview renders with. [`Startup`] decides which folder that is.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use quire::export::Exporter;
use quire::library::watch::Watcher;
use quire::library::{Library, ReadProgress};
use quire::preview::SentBlocks;

/// The folder and store the app starts with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Startup {
    /// The essays folder.
    pub essays: PathBuf,
    /// The store file.
    pub db: PathBuf,
    /// The essay asked for on the command line (`quire-desktop FILE.md`, as a file manager
    /// calls it), to be open first.
    pub essay: Option<PathBuf>,
    /// Why what was asked for on the command line could not be opened, to be said in the
    /// window: a desktop launcher shows no terminal, so a message on stderr alone is unread.
    pub trouble: Option<String>,
}

impl Startup {
    /// `quire-desktop [ESSAYS | FILE.md]`, else `QUIRE_ESSAYS`, else the last folder, else
    /// `./essays` if it exists, else `~/Essays` (created). `QUIRE_DB` overrides the store as
    /// for the CLI.
    pub fn from_env() -> Result<Startup, String> {
        let arg = std::env::args_os()
            .skip(1)
            .map(PathBuf::from)
            .find(|a| !a.to_string_lossy().starts_with('-'));
        let env = std::env::var_os("QUIRE_ESSAYS").map(PathBuf::from);
        let db =
            std::env::var_os("QUIRE_DB").map_or_else(quire::store::default_path, PathBuf::from);
        Startup::choose(
            arg,
            env,
            last_folder(),
            &std::env::current_dir().unwrap_or_default(),
            dirs::home_dir(),
            db,
        )
    }

    /// The choice itself, with everything it depends on passed in.
    ///
    /// An essay file opens in its folder, or in the last folder when it lies inside that one
    /// (an essay in a subfolder of the writer's library opens in the library). An argument
    /// that is neither a folder nor an essay is set aside with a sentence for the window, and
    /// the app starts as it would without it: never a blank window.
    pub fn choose(
        arg: Option<PathBuf>,
        env: Option<PathBuf>,
        last: Option<PathBuf>,
        cwd: &Path,
        home: Option<PathBuf>,
        db: PathBuf,
    ) -> Result<Startup, String> {
        let last = last.filter(|l| l.is_dir());
        let mut trouble = None;
        if let Some(arg) = arg {
            let arg = cwd.join(arg);
            if arg.is_dir() {
                return Ok(Startup::folder(arg, db));
            }
            match asked_essay(&arg, last.as_deref()) {
                Ok((essays, essay)) => {
                    return Ok(Startup {
                        essay: Some(essay),
                        ..Startup::folder(essays, db)
                    })
                }
                Err(sentence) => trouble = Some(sentence),
            }
        }
        let mut startup = Startup::without_arg(env, last, cwd, home, db)?;
        startup.trouble = trouble;
        Ok(startup)
    }

    fn folder(essays: PathBuf, db: PathBuf) -> Startup {
        Startup {
            essays,
            db,
            ..Startup::default()
        }
    }

    fn without_arg(
        env: Option<PathBuf>,
        last: Option<PathBuf>,
        cwd: &Path,
        home: Option<PathBuf>,
        db: PathBuf,
    ) -> Result<Startup, String> {
        if let Some(folder) = env {
            if !folder.is_dir() {
                return Err(format!("{} is not a folder", folder.display()));
            }
            return Ok(Startup::folder(folder, db));
        }
        if let Some(last) = last {
            return Ok(Startup::folder(last, db));
        }
        let local = cwd.join("essays");
        if local.is_dir() {
            return Ok(Startup::folder(local, db));
        }
        let home =
            home.ok_or("no home folder to keep essays in; pass a folder: quire-desktop ESSAYS")?;
        let essays = home.join("Essays");
        std::fs::create_dir_all(&essays).map_err(|e| format!("{}: {e}", essays.display()))?;
        Ok(Startup::folder(essays, db))
    }
}

/// The folder to open for an essay file given on the command line, and the file; or the
/// sentence that says why it can't be opened.
fn asked_essay(file: &Path, last: Option<&Path>) -> Result<(PathBuf, PathBuf), String> {
    // The name the writer clicked, not a long path that wraps the notice over several lines.
    let shown = file
        .file_name()
        .map_or_else(|| file.display(), |name| Path::new(name).display());
    if !file.exists() {
        return Err(format!(
            "Quire couldn't open {shown}: there is no such file or folder."
        ));
    }
    if !file.is_file() || !quire::library::folder::is_essay_name(file) {
        return Err(format!(
            "Quire couldn't open {shown}: it is not a Markdown essay (a .md or .markdown file) or a folder of essays."
        ));
    }
    let file = file
        .canonicalize()
        .map_err(|e| format!("Quire couldn't open {shown}: {e}."))?;
    let in_last = last
        .and_then(|l| l.canonicalize().ok())
        .filter(|l| file.starts_with(l));
    let folder = match in_last {
        Some(last) => last,
        None => file
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| format!("Quire couldn't open {shown}: it has no folder."))?,
    };
    Ok((folder, file))
}

fn last_folder_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("quire").join("last-folder"))
}

fn last_folder() -> Option<PathBuf> {
    let text = std::fs::read_to_string(last_folder_file()?).ok()?;
    Some(PathBuf::from(text.trim()))
}

fn remember_folder(folder: &Path) {
    if let (Some(file), Ok(folder)) = (last_folder_file(), folder.canonicalize()) {
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = quire::library::write_atomic(&file, folder.to_string_lossy().as_bytes());
    }
}

/// One open essays folder: its library, watcher and the theme the preview renders with.
pub struct Opened {
    /// The open essays folder and its store.
    pub library: Library,
    /// Follows the folder for outside edits while it is open; stops on drop.
    pub watcher: Watcher,
    /// The theme and settings the preview renders with (the export's own).
    pub exporter: Exporter,
    /// Counts the folders opened in this run, so that a folder's late events are not taken
    /// for the next one's.
    pub generation: u64,
    /// The store's list was not brought up to date with the folder yet (see
    /// [`Opened::open_first`]).
    scan_owed: AtomicBool,
    /// How far the folder's first reading has come, while it is read beside the window.
    first_read: Arc<FirstRead>,
}

/// A folder read for the first time while the window shows it: how far the reading has come
/// ([`ReadProgress`]), until it is over.
#[derive(Default)]
struct FirstRead {
    /// None once the reading is over, or when there was none.
    progress: Mutex<Option<ReadProgress>>,
    over: Condvar,
}

impl FirstRead {
    fn tell(&self, now: Option<ReadProgress>) {
        *self.progress.lock().unwrap_or_else(|p| p.into_inner()) = now;
        if now.is_none() {
            self.over.notify_all();
        }
    }

    fn now(&self) -> Option<ReadProgress> {
        *self.progress.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn wait(&self, up_to: Duration) -> Option<ReadProgress> {
        let progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        let (progress, _) = self
            .over
            .wait_timeout_while(progress, up_to, |now| now.is_some())
            .unwrap_or_else(|p| p.into_inner());
        *progress
    }
}

impl Opened {
    /// Opens another folder while the app runs. One the store has read before is brought up
    /// to date with the folder at once (half a second at 100,000 essays); one it has never
    /// read is read beside the window, as at startup ([`Opened::open_first`]).
    pub fn open(essays: &Path, db: &Path, generation: u64) -> quire::Result<Opened> {
        let library = Library::open(essays, db)?;
        let known = library.known()?;
        if known {
            library.scan()?;
        }
        Opened::watching(library, essays, generation, false, !known)
    }

    /// Opens the folder the app starts on, without reading it first: the window is built at
    /// once, whatever the folder's size. A folder the store has read before is shown as the
    /// store has it, and brought up to date once the window has what it shows first
    /// ([`Opened::scan_if_owed`]): a rescan of 100,000 unchanged files takes about half a
    /// second, which the window's page would otherwise wait for before it could even load.
    /// The essay the window reopens is read afresh anyway (`Library::open_essay`), and whatever
    /// the rescan finds reaches the window as any outside change does. A folder never read
    /// whole before is read by the watcher beside the window, which shows how far it has come
    /// ([`Opened::reading`]; 100,000 essays take about 40 s).
    pub fn open_first(essays: &Path, db: &Path) -> quire::Result<Opened> {
        let library = Library::open(essays, db)?;
        let known = library.known()?;
        Opened::watching(library, essays, 1, known, !known)
    }

    /// The opened library, watched from now on, and read by the watcher if `read`.
    fn watching(
        library: Library,
        essays: &Path,
        generation: u64,
        scan_owed: bool,
        read: bool,
    ) -> quire::Result<Opened> {
        // A look at the whole folder follows (owed or a reading): the watcher's events are set
        // up beside the window's start, not before it.
        let watcher = if scan_owed || read {
            library.watch_beside()?
        } else {
            library.watch()?
        };
        let exporter = Exporter::open(essays)?;
        let first_read = Arc::new(FirstRead::default());
        if read {
            first_read.tell(Some(ReadProgress::default()));
            let (told, over) = (Arc::clone(&first_read), Arc::clone(&first_read));
            watcher.read(move |now| told.tell(Some(now)), move || over.tell(None));
        }
        Ok(Opened {
            library,
            watcher,
            exporter,
            generation,
            scan_owed: AtomicBool::new(scan_owed),
            first_read,
        })
    }

    /// How far the folder's first reading has come; None when it is read.
    pub fn reading(&self) -> Option<ReadProgress> {
        self.first_read.now()
    }

    /// Waits up to `up_to` for the folder's first reading to be over: a folder of a few
    /// hundred essays is then shown whole at once, rather than filling in. How far it has
    /// come when the wait ends; None when it is read.
    pub fn wait_for_reading(&self, up_to: Duration) -> Option<ReadProgress> {
        self.first_read.wait(up_to)
    }

    /// Has the watcher look at the whole folder if [`Opened::open_first`] left that for
    /// later: what it finds reaches the window as the watcher's other changes do, and a look
    /// that fails (a locked store) is said in the library's footer and tried again.
    pub fn scan_if_owed(&self) {
        if !self.scan_owed.swap(false, Ordering::SeqCst) {
            return;
        }
        self.watcher.look_again();
    }
}

/// The running app's state.
pub struct AppState {
    /// The folder open now; another can be opened while the app runs.
    current: RwLock<Arc<Opened>>,
    /// The store file (one for every folder).
    pub db: PathBuf,
    /// The window asked to close and is waiting for its drafts to be autosaved.
    pub closing: AtomicBool,
    /// The last folder an export wrote to: the only folder the UI may ask to show.
    pub last_export: Mutex<Option<PathBuf>>,
    /// The preview's blocks as last sent, so that a keystroke sends only the changed ones.
    preview_blocks: Mutex<SentBlocks>,
    /// What the command line asked for (an essay to open first, or why it couldn't be opened),
    /// until the window has taken it.
    asked: Mutex<Option<Asked>>,
}

/// What the command line asked the window to do at startup.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    /// The essay file to open first.
    pub essay: Option<PathBuf>,
    /// The sentence to show.
    pub trouble: Option<String>,
}

impl AppState {
    /// Opens the startup folder (see [`Opened::open_first`]).
    pub fn open(startup: &Startup) -> quire::Result<AppState> {
        let opened = Opened::open_first(&startup.essays, &startup.db)?;
        remember_folder(&startup.essays);
        Ok(AppState {
            current: RwLock::new(Arc::new(opened)),
            db: startup.db.clone(),
            closing: AtomicBool::new(false),
            last_export: Mutex::new(None),
            preview_blocks: Mutex::default(),
            asked: Mutex::new(Some(Asked {
                essay: startup.essay.clone(),
                trouble: startup.trouble.clone(),
            })),
        })
    }

    /// What the command line asked for, once: the window asks when it starts, and a reload of
    /// the window must not reopen that essay over the one the writer has moved on to.
    pub fn take_asked(&self) -> Asked {
        self.asked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .unwrap_or_default()
    }

    /// The preview's record of what the window holds, whatever a panicked render left in it
    /// (a half-updated record only costs one whole list).
    pub fn preview_blocks(&self) -> std::sync::MutexGuard<'_, SentBlocks> {
        self.preview_blocks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The folder open now.
    pub fn current(&self) -> Arc<Opened> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Opens another essays folder in place of the current one (whose watcher then stops).
    pub fn switch(&self, essays: &Path) -> quire::Result<Arc<Opened>> {
        let generation = self.current().generation + 1;
        let opened = Arc::new(Opened::open(essays, &self.db, generation)?);
        remember_folder(essays);
        let mut current = match self.current.write() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = opened.clone();
        Ok(opened)
    }
}

/// Where the window's own settings (window size, panes, last essay per folder) are kept.
pub fn ui_state_file() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("quire").join("ui-state.json"))
}

/// The window's saved settings, or null when there are none (or they can't be read).
pub fn load_ui_state() -> serde_json::Value {
    ui_state_file()
        .and_then(|file| std::fs::read(file).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// Saves the window's settings atomically.
pub fn save_ui_state(state: &serde_json::Value) -> quire::Result<()> {
    let Some(file) = ui_state_file() else {
        return Ok(());
    };
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| quire::Error::io(dir, e))?;
    }
    let bytes = serde_json::to_vec_pretty(state)
        .map_err(|e| quire::Error::Invalid(format!("the window settings are not valid: {e}")))?;
    quire::library::write_atomic(&file, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_comes_from_the_argument_then_env_then_last_then_local_then_home() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        for d in [&a, &b, &c] {
            std::fs::create_dir(d).unwrap();
        }
        let db = dir.path().join("q.db");
        let cwd = dir.path().join("cwd");
        std::fs::create_dir_all(cwd.join("essays")).unwrap();
        let home = Some(dir.path().join("home"));
        let pick = |arg: Option<&PathBuf>, env: Option<&PathBuf>, last: Option<&PathBuf>| {
            Startup::choose(
                arg.cloned(),
                env.cloned(),
                last.cloned(),
                &cwd,
                home.clone(),
                db.clone(),
            )
            .unwrap()
            .essays
        };
        assert_eq!(pick(Some(&a), Some(&b), Some(&c)), a);
        assert_eq!(pick(None, Some(&b), Some(&c)), b);
        assert_eq!(pick(None, None, Some(&c)), c);
        assert_eq!(
            pick(None, None, Some(&dir.path().join("gone"))),
            cwd.join("essays")
        );
        std::fs::remove_dir(cwd.join("essays")).unwrap();
        assert_eq!(pick(None, None, None), dir.path().join("home/Essays"));
        assert!(
            dir.path().join("home/Essays").is_dir(),
            "created on first run"
        );
    }

    #[test]
    fn an_essay_file_opens_in_its_folder_or_in_the_library_holding_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let library = root.join("library");
        let elsewhere = root.join("downloads");
        std::fs::create_dir_all(library.join("2015")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(library.join("2015/focus.md"), "# Focus\n").unwrap();
        std::fs::write(elsewhere.join("draft.markdown"), "# Draft\n").unwrap();
        let db = root.join("q.db");
        let pick = |arg: &str, last: Option<&PathBuf>| {
            Startup::choose(
                Some(PathBuf::from(arg)),
                None,
                last.cloned(),
                &root,
                None,
                db.clone(),
            )
            .unwrap()
        };

        let inside = pick("library/2015/focus.md", Some(&library));
        assert_eq!(inside.essays, library, "the library it lies in");
        assert_eq!(inside.essay, Some(library.join("2015/focus.md")));
        assert_eq!(inside.trouble, None);

        let outside = pick("downloads/draft.markdown", Some(&library));
        assert_eq!(outside.essays, elsewhere, "its own folder");
        assert_eq!(outside.essay, Some(elsewhere.join("draft.markdown")));
    }

    #[test]
    fn what_cannot_be_opened_is_said_and_the_app_starts_anyway() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let library = root.join("library");
        std::fs::create_dir_all(&library).unwrap();
        std::fs::write(root.join("photo.jpg"), [0xff, 0xd8, 0xff]).unwrap();
        let db = root.join("q.db");
        for (arg, says) in [
            ("missing.md", "there is no such file or folder"),
            ("photo.jpg", "it is not a Markdown essay"),
        ] {
            let startup = Startup::choose(
                Some(PathBuf::from(arg)),
                None,
                Some(library.clone()),
                &root,
                None,
                db.clone(),
            )
            .unwrap();
            assert_eq!(startup.essays, library, "{arg}: the last folder opens");
            assert_eq!(startup.essay, None);
            let trouble = startup.trouble.unwrap_or_default();
            assert!(trouble.contains(arg) && trouble.contains(says), "{trouble}");
        }
    }
}
