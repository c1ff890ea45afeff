//! What the app holds while it runs: the [`Library`] of the open essays folder, its watcher,
//! and the theme the preview renders with. [`Startup`] decides which folder that is.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Mutex;

use quire::export::Exporter;
use quire::library::watch::{WatchMode, Watcher};
use quire::library::Library;

/// The folder and store the app starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Startup {
    /// The essays folder.
    pub essays: PathBuf,
    /// The store file.
    pub db: PathBuf,
}

impl Startup {
    /// `quire-desktop [ESSAYS]`, else `QUIRE_ESSAYS`, else the last folder, else `./essays` if
    /// it exists, else `~/Essays` (created). `QUIRE_DB` overrides the store as for the CLI.
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
    pub fn choose(
        arg: Option<PathBuf>,
        env: Option<PathBuf>,
        last: Option<PathBuf>,
        cwd: &Path,
        home: Option<PathBuf>,
        db: PathBuf,
    ) -> Result<Startup, String> {
        if let Some(folder) = arg.or(env) {
            if !folder.is_dir() {
                return Err(format!("{} is not a folder", folder.display()));
            }
            return Ok(Startup { essays: folder, db });
        }
        if let Some(last) = last.filter(|l| l.is_dir()) {
            return Ok(Startup { essays: last, db });
        }
        let local = cwd.join("essays");
        if local.is_dir() {
            return Ok(Startup { essays: local, db });
        }
        let home =
            home.ok_or("no home folder to keep essays in; pass a folder: quire-desktop ESSAYS")?;
        let essays = home.join("Essays");
        std::fs::create_dir_all(&essays).map_err(|e| format!("{}: {e}", essays.display()))?;
        Ok(Startup { essays, db })
    }
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

/// The running app's state.
pub struct AppState {
    /// The open essays folder and its store.
    pub library: Library,
    /// Follows the folder for outside edits while the app runs.
    pub watcher: Mutex<Option<Watcher>>,
    /// How the folder is followed, for the UI.
    pub watch_mode: WatchMode,
    /// The theme and settings the preview renders with (the export's own).
    pub exporter: Exporter,
    /// Calls of the test-only canary command (see `commands::e2e_canary`).
    pub canary: AtomicUsize,
    /// The window asked to close and is waiting for its drafts to be autosaved.
    pub closing: AtomicBool,
}

impl AppState {
    /// Opens the library, brings it up to date with the folder and starts watching it.
    pub fn open(startup: &Startup) -> quire::Result<AppState> {
        let library = Library::open(&startup.essays, &startup.db)?;
        library.scan()?;
        let watcher = library.watch()?;
        let watch_mode = watcher.mode().clone();
        let exporter = Exporter::open(&startup.essays)?;
        remember_folder(&startup.essays);
        Ok(AppState {
            library,
            watcher: Mutex::new(Some(watcher)),
            watch_mode,
            exporter,
            canary: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
        })
    }
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
        let err = Startup::choose(Some(dir.path().join("missing")), None, None, &cwd, None, db)
            .unwrap_err();
        assert!(err.contains("is not a folder"), "{err}");
    }
}
