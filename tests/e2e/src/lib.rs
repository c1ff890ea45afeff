//! Helpers for Quire's end-to-end tests: the real, built `quire-desktop` driven through
//! WebDriver (`tauri-driver` in front of `WebKitWebDriver`), under a display (`scripts/e2e.sh`
//! runs them under Xvfb).
//!
//! * [`Fixture`]: one test's world: a temporary copy of the repository's `essays/` folder, its
//!   own store (`QUIRE_DB`), and its own config/data/cache homes, so that the app's "last
//!   folder" memory and the webview's local storage never leak from one test into the next.
//! * [`Fixture::launch`] starts `tauri-driver` on a free port pair with that environment (the
//!   app inherits it through `WebKitWebDriver`) and opens a WebDriver session, which starts
//!   `quire-desktop <essays>`: an [`App`].
//! * [`App`]: waits (polling a JavaScript condition, never fixed sleeps), reads the editor and
//!   the preview, takes screenshots, and shuts everything down: on [`App::close`], or on drop
//!   when a test panics. `tauri-driver` gets SIGTERM, never SIGKILL (SIGKILL would orphan
//!   `WebKitWebDriver`), and any `quire-desktop` still running on the fixture's folder is
//!   killed by pid.
//!
//! Knobs: `QUIRE_DESKTOP_BIN` (the app; default `<workspace>/target/debug/quire-desktop`),
//! `TAURI_DRIVER` (default `~/.cargo/bin/tauri-driver`, else `tauri-driver` on `PATH`),
//! `WEBKIT_WEBDRIVER` (default `/usr/bin/WebKitWebDriver`, if present), `QUIRE_SCREENSHOTS`
//! (default `/tmp/quire-screenshots`), `QUIRE_E2E_TIMEOUT` (seconds per wait, default 20).

use std::future::Future;
use std::io::{Read, Seek, SeekFrom};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tempfile::TempDir;
use thirtyfour::prelude::*;

pub use thirtyfour::{By, Key, WebDriver, WebElement};

/// How long a wait may take before the test fails.
pub fn timeout() -> Duration {
    let secs = std::env::var("QUIRE_E2E_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(20);
    Duration::from_secs(secs)
}

const POLL: Duration = Duration::from_millis(100);

/// The workspace root (this crate lives in `<root>/tests/e2e`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// Cargo's target folder: `CARGO_TARGET_DIR` (relative to the workspace), else `target/`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// The app under test: `QUIRE_DESKTOP_BIN`, else the debug build in the target folder.
pub fn app_binary() -> PathBuf {
    let bin = match std::env::var_os("QUIRE_DESKTOP_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => target_dir().join("debug/quire-desktop"),
    };
    let bin = if bin.is_absolute() {
        bin
    } else {
        workspace_root().join(bin)
    };
    assert!(
        bin.is_file(),
        "{} is missing: build the app first (npm run build:ui && cargo build -j2 -p quire-desktop), \
         or set QUIRE_DESKTOP_BIN",
        bin.display()
    );
    bin
}

fn tauri_driver_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(bin);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let bin = Path::new(&home).join(".cargo/bin/tauri-driver");
        if bin.is_file() {
            return bin;
        }
    }
    PathBuf::from("tauri-driver")
}

/// Where screenshots go: `${QUIRE_SCREENSHOTS:-/tmp/quire-screenshots}`.
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("QUIRE_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/quire-screenshots"))
}

// --- Processes ---------------------------------------------------------------------------------

/// Sends `signal` (`TERM`, `KILL`) to `pid` with the `kill` program.
pub fn signal(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// True while `pid` runs (a zombie waiting to be reaped counts as gone).
pub fn is_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // "pid (comm) S ...": the state follows the last ')'.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

/// The pids of the `quire-desktop` processes whose arguments include `arg` (exactly): what
/// `pgrep -f` would find, without its regular-expression surprises in temp paths.
pub fn app_pids_with_arg(arg: &Path) -> Vec<u32> {
    let wanted = arg.as_os_str().as_encoded_bytes();
    let mut pids = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let mut args = cmdline.split(|b| *b == 0);
        let is_app = args
            .next()
            .is_some_and(|argv0| argv0.ends_with(b"quire-desktop"));
        if is_app && args.any(|a| a == wanted) && is_running(pid) {
            pids.push(pid);
        }
    }
    pids
}

/// Waits until none of `pids` runs; false if some still do after `limit`.
pub fn wait_gone(pids: &[u32], limit: Duration) -> bool {
    let start = Instant::now();
    while pids.iter().any(|&p| is_running(p)) {
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

fn free_port() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").expect("a free local port")
}

/// A script step: scrolls the library list on by a screen, back to the top after its end (the
/// list draws only the rows in sight, ui/src/library/long-list.ts).
const SCROLL_ON: &str = "const list = document.getElementById('essay-list');
  list.scrollTop = list.scrollTop + list.clientHeight >= list.scrollHeight - 1 ? 0 : list.scrollTop + list.clientHeight;";

/// A running `tauri-driver`, stopped with SIGTERM (so that it stops `WebKitWebDriver` too)
/// when dropped.
pub struct TauriDriver {
    child: Child,
    /// Where tauri-driver listens (it forwards to WebKitWebDriver on `native_port`).
    pub port: u16,
    pub native_port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver on a free port pair, with `envs` added to its environment (and so to
    /// the app's), its output (and the app's) going to `log`.
    pub fn start(envs: &[(&str, &Path)], log: &Path) -> TauriDriver {
        let mut last_error = String::new();
        for _attempt in 0..5 {
            // Hold both listeners until both ports are chosen, so they differ.
            let (a, b) = (free_port(), free_port());
            let port = a.local_addr().expect("port").port();
            let native_port = b.local_addr().expect("port").port();
            drop((a, b));
            let out = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .expect("the driver log opens");
            let err = out.try_clone().expect("the driver log opens twice");
            let mut command = Command::new(tauri_driver_binary());
            command
                .arg("--port")
                .arg(port.to_string())
                .arg("--native-port")
                .arg(native_port.to_string())
                .env_remove("QUIRE_ESSAYS")
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err);
            let webkit = std::env::var_os("WEBKIT_WEBDRIVER")
                .map(PathBuf::from)
                .or_else(|| {
                    let default = PathBuf::from("/usr/bin/WebKitWebDriver");
                    default.is_file().then_some(default)
                });
            if let Some(webkit) = webkit {
                command.arg("--native-driver").arg(webkit);
            }
            for (key, value) in envs {
                command.env(key, value);
            }
            let child = command.spawn().unwrap_or_else(|e| {
                panic!(
                    "could not start {} ({e}); install it with `cargo install tauri-driver --locked`",
                    tauri_driver_binary().display()
                )
            });
            let mut driver = TauriDriver {
                child,
                port,
                native_port,
            };
            match driver.wait_listening(Duration::from_secs(20)) {
                Ok(()) => return driver,
                Err(e) => last_error = e, // dropped: SIGTERM; try other ports
            }
        }
        panic!(
            "tauri-driver did not start: {last_error}\n{}",
            tail(log, 4000)
        );
    }

    fn wait_listening(&mut self, limit: Duration) -> Result<(), String> {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("tauri-driver exited ({status})"));
            }
            let up = |port: u16| {
                TcpStream::connect_timeout(
                    &([127, 0, 0, 1], port).into(),
                    Duration::from_millis(200),
                )
                .is_ok()
            };
            if up(self.port) && up(self.native_port) {
                return Ok(());
            }
            if start.elapsed() > limit {
                return Err(format!(
                    "ports {} / {} not listening after {limit:?}",
                    self.port, self.native_port
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SIGTERM: tauri-driver then stops WebKitWebDriver. SIGKILL would orphan it.
        signal(self.child.id(), "TERM");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("tauri-driver ignored SIGTERM for 10 s; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last `max` bytes of a file, for failure messages.
pub fn tail(path: &Path, max: u64) -> String {
    let Ok(mut file) = std::fs::File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(max)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

// --- Fixture -----------------------------------------------------------------------------------

/// Copies a folder and everything below it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    for entry in std::fs::read_dir(from).expect("read the essays folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("a file type");
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).expect("copy an essay");
        }
    }
}

/// One test's world: an essays folder (a copy of the repository's `essays/`), a store, and
/// homes for config, data and cache, all in one temporary folder removed at the end.
pub struct Fixture {
    /// The test's name: screenshots are named after it.
    pub name: String,
    dir: TempDir,
    /// The essays folder the app is started on.
    pub essays: PathBuf,
    /// The app's store (`QUIRE_DB`).
    pub db: PathBuf,
    log: PathBuf,
    /// More environment for the app (e.g. a dark GTK theme).
    env: Vec<(String, PathBuf)>,
}

impl Fixture {
    /// A fresh copy of the repository's sample essays.
    pub fn new(name: &str) -> Fixture {
        let dir = tempfile::Builder::new()
            .prefix(&format!("quire-e2e-{name}-"))
            .tempdir()
            .expect("a temporary folder");
        let essays = dir.path().join("essays");
        copy_dir(&workspace_root().join("essays"), &essays);
        for home in ["config", "data", "cache"] {
            std::fs::create_dir_all(dir.path().join(home)).expect("a home folder");
        }
        Fixture {
            name: name.to_string(),
            db: dir.path().join("quire.db"),
            log: dir.path().join("driver.log"),
            essays,
            dir,
            env: Vec::new(),
        }
    }

    /// Starts the app with `key=value` in its environment too.
    pub fn with_env(mut self, key: &str, value: &str) -> Fixture {
        self.env.push((key.to_string(), PathBuf::from(value)));
        self
    }

    /// Adds (or replaces) an essay file before the app starts.
    pub fn with_essay(self, file: &str, text: &str) -> Fixture {
        std::fs::write(self.essays.join(file), text).expect("write the essay");
        self
    }

    /// An essay file's path.
    pub fn essay(&self, file: &str) -> PathBuf {
        self.essays.join(file)
    }

    /// An essay file's bytes.
    pub fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.essay(file)).expect("read the essay file")
    }

    /// The bytes of the repository's own copy of an essay (what the fixture started with).
    pub fn original(&self, file: &str) -> Vec<u8> {
        std::fs::read(workspace_root().join("essays").join(file)).expect("read the sample essay")
    }

    /// Starts the app on the essays folder and waits until its UI has started.
    pub async fn launch(&self) -> App {
        self.launch_with(&self.essays).await
    }

    /// Starts the app with `arg` on its command line (a folder, an essay file, anything a file
    /// manager may pass) and waits until its UI has started.
    pub async fn launch_with(&self, arg: &Path) -> App {
        let home = self.dir.path();
        let (config, data, cache) = (home.join("config"), home.join("data"), home.join("cache"));
        let mut envs: Vec<(&str, &Path)> = vec![
            ("QUIRE_DB", &self.db),
            ("XDG_CONFIG_HOME", &config),
            ("XDG_DATA_HOME", &data),
            ("XDG_CACHE_HOME", &cache),
        ];
        envs.extend(self.env.iter().map(|(k, v)| (k.as_str(), v.as_path())));
        let server = TauriDriver::start(&envs, &self.log);
        let mut caps = Capabilities::new();
        caps.set(
            "tauri:options",
            json!({
                "application": app_binary(),
                "args": [arg],
            }),
        )
        .expect("capabilities");
        let driver = WebDriver::builder(server.url(), caps)
            .request_timeout(Duration::from_secs(60))
            .connect()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "no WebDriver session with the app: {e}\n--- driver log ---\n{}",
                    tail(&self.log, 4000)
                )
            });
        let app = App {
            started: Instant::now(),
            name: self.name.clone(),
            driver: Some(driver),
            server: Some(server),
            essays: self.essays.clone(),
            arg: arg.to_path_buf(),
            log: self.log.clone(),
        };
        app.wait_js("the UI has started", "return !!window.__quire", &[])
            .await;
        app
    }
}

// --- App ---------------------------------------------------------------------------------------

/// The running app, through its WebDriver session.
pub struct App {
    started: Instant,
    name: String,
    driver: Option<WebDriver>,
    server: Option<TauriDriver>,
    essays: PathBuf,
    /// What the app was started on (its processes are found by it).
    arg: PathBuf,
    log: PathBuf,
}

/// Whether a command failed because its element was replaced in the page (nothing was done).
fn is_stale(error: &WebDriverError) -> bool {
    matches!(
        error.as_inner(),
        thirtyfour::error::WebDriverErrorInner::StaleElementReference(_)
    )
}

/// JavaScript truthiness of a script's result.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

impl App {
    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("the session is open")
    }

    /// The pids of this app (the `quire-desktop` started on this fixture's folder).
    pub fn pids(&self) -> Vec<u32> {
        app_pids_with_arg(&self.arg)
    }

    /// Runs a script in the app's window and returns its result.
    pub async fn js(&self, script: &str, args: &[Value]) -> Value {
        self.try_js(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    pub async fn try_js(&self, script: &str, args: &[Value]) -> WebDriverResult<Value> {
        let ret = self.driver().execute(script, args.to_vec()).await?;
        Ok(ret.json().clone())
    }

    /// Calls one of the app's commands the way the UI does (`__TAURI_INTERNALS__.invoke`),
    /// from the app's own window; panics if the command fails.
    pub async fn invoke(&self, command: &str, args: Value) -> Value {
        let script = r#"
            const [command, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(command, args).then(
              (ok) => done({ ok: ok === undefined ? null : ok }),
              (err) => done({ err: JSON.stringify(err) }));
        "#;
        let ret = self
            .driver()
            .execute_async(script, vec![json!(command), args])
            .await
            .unwrap_or_else(|e| panic!("invoke {command}: {e}"));
        let value = ret.json().clone();
        match value.get("ok") {
            Some(ok) => ok.clone(),
            None => panic!("invoke {command} failed: {value}"),
        }
    }

    /// Polls `script` (a function body with `return`) until it returns something truthy, and
    /// returns that; fails the test (with a screenshot) when it doesn't within [`timeout`].
    pub async fn wait_js(&self, what: &str, script: &str, args: &[Value]) -> Value {
        let start = Instant::now();
        loop {
            let last = match self.try_js(script, args).await {
                Ok(v) if truthy(&v) => return v,
                Ok(v) => v,
                Err(e) => json!(format!("script error: {e}")),
            };
            if start.elapsed() > timeout() {
                self.fail(&format!("timed out waiting until {what} (last: {last})"))
                    .await
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls an async check until it gives `Some`, with the same timeout and failure as
    /// [`App::wait_js`].
    pub async fn wait_for<'a, T, F, Fut>(&'a self, what: &str, mut check: F) -> T
    where
        F: FnMut(&'a App) -> Fut,
        Fut: Future<Output = Option<T>> + 'a,
    {
        match poll(timeout(), || check(self)).await {
            Some(v) => v,
            None => self.fail(&format!("timed out waiting until {what}")).await,
        }
    }

    /// Fails the test with a screenshot (`<name>-failure.png`), the driver log and `message`.
    pub async fn fail(&self, message: &str) -> ! {
        let shot = self.try_screenshot("failure").await;
        panic!(
            "{message}\nscreenshot: {}\n--- driver/app log (tail) ---\n{}",
            shot.map_or_else(|e| format!("none ({e})"), |p| p.display().to_string()),
            tail(&self.log, 3000)
        );
    }

    // --- What the writer sees ---

    /// The editor's text.
    pub async fn editor_text(&self) -> String {
        let v = self
            .js("return window.__quire.view().state.doc.toString()", &[])
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// The text the save-state indicator shows (`#save-state`).
    pub async fn save_state(&self) -> String {
        let v = self
            .js(
                "return document.getElementById('save-state').textContent",
                &[],
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Waits until `#save-state` reads exactly `label`.
    pub async fn wait_save_state(&self, label: &str) {
        self.wait_js(
            &format!("#save-state reads {label:?}"),
            "return document.getElementById('save-state').textContent === arguments[0]",
            &[json!(label)],
        )
        .await;
    }

    /// The id of the open essay.
    pub async fn open_essay_id(&self) -> Option<i64> {
        self.js("return window.__quire.openEssayId()", &[])
            .await
            .as_i64()
    }

    /// The id of the library row titled `title` (waits for it to be listed). The list draws
    /// only the rows in sight: while the row is not drawn, the list is scrolled on by a screen
    /// (back to the top after the end), as a writer looking for it would.
    pub async fn essay_id(&self, title: &str) -> i64 {
        let v = self
            .wait_js(
                &format!("the library lists {title:?}"),
                &format!(
                    r#"const row = [...document.querySelectorAll('#essay-list .essay-row')]
                         .find((r) => r.querySelector('.essay-title')?.textContent === arguments[0]);
                       if (row) return Number(row.dataset.id);
                       {SCROLL_ON}
                       return null;"#
                ),
                &[json!(title)],
            )
            .await;
        v.as_i64().expect("a numeric id")
    }

    /// Scrolls the library list until essay `id`'s row is drawn, and brings it into sight.
    pub async fn reveal_row(&self, id: i64) {
        self.wait_js(
            &format!("the library's row of essay {id} is drawn"),
            &format!(
                r#"const row = document.querySelector(`#essay-list .essay-row[data-id='${{arguments[0]}}']`);
                   if (row) {{ row.scrollIntoView({{ block: 'center' }}); return true; }}
                   {SCROLL_ON}
                   return null;"#
            ),
            &[json!(id)],
        )
        .await;
    }

    /// Waits until essay `id` is the one open in the editor.
    pub async fn wait_open(&self, id: i64) {
        self.wait_js(
            &format!("essay {id} is open in the editor"),
            "return window.__quire.openEssayId() === arguments[0]",
            &[json!(id)],
        )
        .await;
    }

    /// Opens another essays folder as "Open folder…" does once the native picker (which
    /// WebDriver cannot drive) answered `path`: true when it opened, false when it could not
    /// (the window said why), else the error's text.
    pub async fn open_folder(&self, path: &Path) -> Value {
        self.driver()
            .execute_async(
                "const [path, done] = arguments; window.__quire.openFolder(path).then(done, (e) => done(String(e)));",
                vec![json!(path.display().to_string())],
            )
            .await
            .expect("openFolder")
            .json()
            .clone()
    }

    /// Opens the essay titled `title` by clicking its row, and waits until the editor shows it.
    pub async fn open_by_title(&self, title: &str) -> i64 {
        let id = self.essay_id(title).await;
        self.reveal_row(id).await;
        self.click(&format!(
            "#essay-list .essay-row[data-id='{id}'] .essay-open"
        ))
        .await;
        self.wait_js(
            &format!("essay {id} ({title:?}) is open"),
            "return window.__quire.openEssayId() === arguments[0]",
            &[json!(id)],
        )
        .await;
        id
    }

    /// Replaces the whole text as if the writer had typed it (autosave follows, as for typing).
    pub async fn set_text(&self, text: &str) {
        self.js(
            r#"const view = window.__quire.view();
               view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: arguments[0] },
                               userEvent: "input.type" });"#,
            &[json!(text)],
        )
        .await;
    }

    /// The editor's content element.
    pub async fn editor(&self) -> WebElement {
        self.driver()
            .query(By::Css("#editor .cm-content"))
            .and_displayed()
            .wait(timeout(), POLL)
            .first()
            .await
            .expect("the editor is shown")
    }

    /// Clicks into the editor, moves to the end of the text and types `keys` (use `Key::Enter`
    /// for new lines: WebKitWebDriver drops "\n").
    pub async fn type_at_end(&self, keys: impl Into<TypingData>) {
        let editor = self.editor().await;
        editor.click().await.expect("click the editor");
        editor
            .send_keys(Key::Control + Key::End + Key::Null)
            .await
            .expect("Ctrl+End");
        editor.send_keys(keys).await.expect("type");
    }

    /// Presses a shortcut in the editor, e.g. `Key::Control + "s"`.
    pub async fn press(&self, keys: impl Into<TypingData>) {
        let editor = self.editor().await;
        editor.send_keys(keys).await.expect("press keys");
    }

    /// Sends keys to whatever has the focus, as a keyboard does (not to the editor). The
    /// library redraws its rows when search results or an outside change come in, and gives
    /// the focus to the new row; keys sent meanwhile to the old one are sent again to whatever
    /// has the focus now, which is where a keyboard's would have gone.
    pub async fn press_focused(&self, keys: impl Into<TypingData>) {
        let keys: String = keys.into().as_vec().into_iter().collect();
        let deadline = Instant::now() + timeout();
        loop {
            let focused = self
                .driver()
                .active_element()
                .await
                .expect("a focused element");
            match focused.send_keys(keys.as_str()).await {
                Ok(()) => return,
                Err(e) if is_stale(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await
                }
                Err(e) => panic!("send keys: {e}"),
            }
        }
    }

    /// The visible text of the preview's shown frame, read inside the (sandboxed) frame, or
    /// None while there is none.
    pub async fn preview_text(&self) -> Option<String> {
        let driver = self.driver();
        let frame = driver
            .find(By::Css("#preview iframe.preview-frame.shown"))
            .await
            .ok()?;
        frame.enter_frame().await.ok()?;
        let text = match driver.find(By::Tag("body")).await {
            Ok(body) => body.text().await.ok(),
            Err(_) => None,
        };
        driver
            .enter_default_frame()
            .await
            .expect("back to the app's document");
        text
    }

    /// Waits until the preview's shown frame contains `needle`; returns its text.
    pub async fn wait_preview_contains(&self, needle: &str) -> String {
        self.wait_for(&format!("the preview shows {needle:?}"), |app| async move {
            app.preview_text().await.filter(|t| t.contains(needle))
        })
        .await
    }

    /// Runs `work` inside the preview's shown frame, then returns to the app's document.
    pub async fn in_preview<'a, T, F, Fut>(&'a self, work: F) -> T
    where
        F: FnOnce(&'a App) -> Fut,
        Fut: Future<Output = T> + 'a,
    {
        let driver = self.driver();
        let frame = driver
            .find(By::Css("#preview iframe.preview-frame.shown"))
            .await
            .expect("a shown preview frame");
        frame.enter_frame().await.expect("enter the preview frame");
        let out = work(self).await;
        driver
            .enter_default_frame()
            .await
            .expect("back to the app's document");
        out
    }

    /// Saves a screenshot of the window to `<dir>/<test>.png` (or `<test>-<suffix>.png`) and
    /// prints its path.
    pub async fn screenshot(&self, suffix: &str) -> PathBuf {
        match self.try_screenshot(suffix).await {
            Ok(path) => path,
            Err(e) => panic!("screenshot failed: {e}"),
        }
    }

    async fn try_screenshot(&self, suffix: &str) -> Result<PathBuf, String> {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let file = if suffix.is_empty() {
            format!("{}.png", self.name)
        } else {
            format!("{}-{suffix}.png", self.name)
        };
        let path = dir.join(file);
        let driver = self.driver.as_ref().ok_or("no session")?;
        // Let the page paint what it has first.
        let painted = driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            )
            .await;
        if let Err(e) = painted {
            eprintln!("the page did not paint before the screenshot: {e}");
        }
        // WebKitWebDriver's screenshot lags: it returns what an earlier request would have
        // shown (the first one after start shows the empty, unloaded window). So the window is
        // captured from the X server when possible (xdotool + ImageMagick's import), else
        // WebDriver is asked twice and the second answer kept.
        if !self.capture_x11_window(&path) {
            driver.screenshot(&path).await.map_err(|e| e.to_string())?;
            driver.screenshot(&path).await.map_err(|e| e.to_string())?;
        }
        println!("screenshot: {}", path.display());
        Ok(path)
    }

    /// Captures the app's X11 window into `path` (needs DISPLAY, xdotool and import).
    fn capture_x11_window(&self, path: &Path) -> bool {
        if std::env::var_os("DISPLAY").is_none() {
            return false;
        }
        let Some(pid) = self.pids().first().copied() else {
            return false;
        };
        let Ok(found) = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--pid", &pid.to_string()])
            .stderr(Stdio::null())
            .output()
        else {
            return false;
        };
        let ids = String::from_utf8_lossy(&found.stdout);
        let Some(window) = ids.lines().next() else {
            return false;
        };
        Command::new("import")
            .args(["-window", window])
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    // --- Ending ---

    /// Kills the app with SIGKILL (no chance to flush anything) and waits until it is gone;
    /// the session is abandoned and tauri-driver stopped.
    pub async fn kill_hard(mut self) {
        let pids = self.pids();
        assert!(
            !pids.is_empty(),
            "no quire-desktop runs on {}",
            self.essays.display()
        );
        for &pid in &pids {
            signal(pid, "KILL");
        }
        assert!(
            wait_gone(&pids, Duration::from_secs(10)),
            "quire-desktop survived SIGKILL"
        );
        if let Some(driver) = self.driver.take() {
            let _ = driver.leak();
        }
        self.server.take();
    }

    /// Ends the session (which closes the app), then stops tauri-driver.
    pub async fn close(mut self) {
        let pids = self.pids();
        if let Some(driver) = self.driver.take() {
            let spare = driver.clone();
            match tokio::time::timeout(Duration::from_secs(15), driver.quit()).await {
                Ok(_) => drop(spare),
                // Don't let the session's drop try again, blocking.
                Err(_) => {
                    let _ = spare.leak();
                }
            }
        }
        if !wait_gone(&pids, Duration::from_secs(10)) {
            eprintln!("quire-desktop still ran 10 s after the session ended");
        }
        self.server.take();
        self.reap();
        println!(
            "{}: the app ran {:.1} s",
            self.name,
            self.started.elapsed().as_secs_f64()
        );
    }

    /// Kills whatever still runs on this fixture's folder.
    fn reap(&self) {
        let pids = self.pids();
        if pids.is_empty() {
            return;
        }
        for &pid in &pids {
            signal(pid, "TERM");
        }
        if !wait_gone(&pids, Duration::from_secs(5)) {
            for &pid in &pids {
                signal(pid, "KILL");
            }
            wait_gone(&pids, Duration::from_secs(5));
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if self.driver.is_none() && self.server.is_none() {
            return;
        }
        // A test failed (or forgot `close`). thirtyfour's own drop would end the session with a
        // blocking request that stalls for its whole timeout inside a test's runtime; instead
        // the session is abandoned, tauri-driver (and with it WebKitWebDriver) stopped, and the
        // app killed by pid.
        if let Some(driver) = self.driver.take() {
            let _ = driver.leak();
        }
        self.server.take();
        self.reap();
    }
}

/// Calls `check` every 100 ms until it returns `Some`, or `limit` passes.
pub async fn poll<T, F, Fut>(limit: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

// --- Export dialog and check panel helpers --------------------------------------------------

impl App {
    /// The 1-based line of the editor's cursor.
    pub async fn cursor_line(&self) -> i64 {
        self.js(
            "const v = window.__quire.view(); return v.state.doc.lineAt(v.state.selection.main.head).number;",
            &[],
        )
        .await
        .as_i64()
        .expect("a line number")
    }

    /// Whether keyboard focus is in the editor.
    pub async fn editor_has_focus(&self) -> bool {
        self.js("return window.__quire.view().hasFocus", &[])
            .await
            .as_bool()
            .unwrap_or(false)
    }
}

// --- History and conflicts ---------------------------------------------------------------------

impl Fixture {
    /// Rewrites an essay file the way another editor does: a temporary file renamed over it.
    pub fn write_outside(&self, file: &str, text: &str) {
        let temp = self.essays.join(format!(".{file}.e2e-tmp"));
        std::fs::write(&temp, text).expect("write the temporary file");
        std::fs::rename(&temp, self.essay(file)).expect("rename it over the essay");
    }
}

impl App {
    /// The essay's revisions, newest first, as `(source, text)`, read through the app's own
    /// commands (`essay_history`, then `revision_diff` against "" whose removed runs are the
    /// revision's whole text).
    pub async fn revision_texts(&self, id: i64) -> Vec<(String, String)> {
        let revisions = self.invoke("essay_history", json!({ "id": id })).await;
        let mut out = Vec::new();
        for revision in revisions.as_array().expect("a list of revisions") {
            let spans = self
                .invoke(
                    "revision_diff",
                    json!({ "revision": revision["id"], "text": "" }),
                )
                .await;
            let text: String = spans
                .as_array()
                .expect("a list of spans")
                .iter()
                .filter(|s| s["kind"] != "added")
                .map(|s| s["text"].as_str().unwrap_or_default())
                .collect();
            let source = revision["source"].as_str().unwrap_or_default().to_string();
            out.push((source, text));
        }
        out
    }

    /// Clicks the element `css` (waiting until it is shown). The library redraws its rows when
    /// an outside change is taken in, so the element found may be replaced before the click
    /// lands, or even while the query asks whether it is shown; a writer would then have
    /// clicked its successor, and so does this.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + timeout();
        loop {
            let clicked = match self
                .driver()
                .query(By::Css(css))
                .and_displayed()
                .wait(timeout(), POLL)
                .first()
                .await
            {
                Ok(element) => element.click().await,
                Err(e) => Err(e),
            };
            match clicked {
                Ok(()) => return,
                Err(e) if is_stale(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await
                }
                Err(e) => panic!("no {css} to click, or the click failed: {e}"),
            }
        }
    }

    /// The text of the element `css`, or None when there is none.
    pub async fn text_of(&self, css: &str) -> Option<String> {
        self.js(
            "const el = document.querySelector(arguments[0]); return el ? el.textContent : null;",
            &[json!(css)],
        )
        .await
        .as_str()
        .map(str::to_string)
    }
}

// --- Restarts, settings and the CLI (images and remembering tests) --------------------------

impl Fixture {
    /// The app's settings file for this fixture (`$XDG_CONFIG_HOME/quire/ui-state.json`): the
    /// window size, panes and last essay per folder. It survives a restart of the app.
    pub fn ui_state_file(&self) -> PathBuf {
        self.dir.path().join("config/quire/ui-state.json")
    }

    /// The settings file, parsed (null if there is none yet).
    pub fn ui_state(&self) -> Value {
        std::fs::read(self.ui_state_file())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or(Value::Null)
    }

    /// A folder inside the fixture's temporary folder (created), for exports or a second library.
    pub fn folder(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(&path).expect("create a folder");
        path
    }

    /// Runs the `quire` CLI (built if missing) with the fixture's store; panics on failure.
    pub fn quire_cli(&self, args: &[&std::ffi::OsStr]) -> String {
        let bin = target_dir().join("debug/quire");
        if !bin.is_file() {
            let status = Command::new("cargo")
                .args(["build", "-j2", "-p", "quire", "--bin", "quire"])
                .current_dir(workspace_root())
                .status()
                .expect("run cargo");
            assert!(status.success(), "cargo build -p quire failed");
        }
        let out = Command::new(&bin)
            .args(args)
            .env("QUIRE_DB", self.dir.path().join("cli.db"))
            .output()
            .expect("run quire");
        assert!(
            out.status.success(),
            "quire {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl App {
    /// Waits until the app has quit by itself (its window was closed from the UI), then lets go
    /// of the session, which ended with it, and stops tauri-driver.
    pub async fn wait_closed(mut self) {
        let pids = self.pids();
        if !wait_gone(&pids, timeout()) {
            self.fail("the app did not quit after its window was closed")
                .await;
        }
        if let Some(driver) = self.driver.take() {
            let _ = driver.leak();
        }
        self.server.take();
        println!(
            "{}: the app ran {:.1} s",
            self.name,
            self.started.elapsed().as_secs_f64()
        );
    }
}

// --- Accessibility -----------------------------------------------------------------------------

/// Moderate axe rules that a reader using a screen reader notices: a page without a level-one
/// heading, and content outside any landmark. Critical and serious ones always count.
pub const AXE_MODERATE_RULES: [&str; 2] = ["page-has-heading-one", "region"];

/// axe-core's violations in the page `driver` shows, at or above the threshold (critical,
/// serious, and [`AXE_MODERATE_RULES`]), as lines a developer can act on:
/// `impact rule: help` and one line per element with axe's advice.
pub async fn axe_violations(driver: &WebDriver) -> Vec<String> {
    let axe = std::fs::read_to_string(workspace_root().join("node_modules/axe-core/axe.min.js"))
        .expect("axe-core is installed (npm ci)");
    // The engine goes in as the script itself (the app's CSP allows no eval): it defines
    // window.axe, then runs on the whole document.
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];
         window.axe.run(document, {{ resultTypes: ['violations'] }}).then(
           (r) => done(JSON.stringify(r.violations.map((v) => ({{
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
           }})))),
           (e) => done(JSON.stringify({{ error: String(e) }})));"
    );
    let ret = driver
        .execute_async(&script, vec![])
        .await
        .expect("axe runs in the page");
    let text = ret
        .json()
        .as_str()
        .expect("axe's results as JSON")
        .to_string();
    let found: Value = serde_json::from_str(&text).expect("axe's results parse");
    if let Some(error) = found.get("error") {
        panic!("axe failed: {error}");
    }
    let mut out = Vec::new();
    for v in found.as_array().expect("a list of violations") {
        let id = v["id"].as_str().unwrap_or("");
        let impact = v["impact"].as_str().unwrap_or("");
        if impact == "critical" || impact == "serious" || AXE_MODERATE_RULES.contains(&id) {
            let nodes: Vec<&str> = v["nodes"]
                .as_array()
                .map(|n| n.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.push(format!(
                "{impact} {id}: {}\n      {}",
                v["help"].as_str().unwrap_or(""),
                nodes.join("\n      ")
            ));
        }
    }
    out
}
