//! The exported site is readable by everyone: axe-core, in a real browser (Debian's Chromium,
//! headless, through chromium-driver), finds nothing at or above its threshold on each kind of
//! page the site export writes for the bundled essays. Run with `scripts/e2e.sh site_`.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use quire_e2e::{axe_violations, Fixture};
use serde_json::json;
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities, WebDriver};

/// chromium-driver on a port of its own, stopped when dropped (also when the test fails).
struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    fn start() -> ChromeDriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/setup.sh installs chromium-driver)");
        let driver = ChromeDriver { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver is not listening on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
#[ignore = "end-to-end: needs chromium and chromium-driver; run scripts/e2e.sh"]
async fn axe_finds_nothing_on_the_exported_site() {
    let fixture = Fixture::new("axe_finds_nothing_on_the_exported_site");
    let site = fixture.folder("site");
    fixture.quire_cli(&[
        "export".as_ref(),
        fixture.essays.as_os_str(),
        "--out".as_ref(),
        site.as_os_str(),
    ]);
    let pages = [
        "index.html",
        "a-misplaced-focus/index.html",
        "feature-tour/index.html",
        "tags/index.html",
        "tags/writing/index.html",
    ];

    let server = ChromeDriver::start();
    let mut found = Vec::new();
    // The pages follow the reader's system theme (prefers-color-scheme): both are checked.
    for (scheme, setting) in [("light", 1), ("dark", 0)] {
        let mut caps = DesiredCapabilities::chrome();
        caps.set_headless().expect("headless");
        // Root (CI) cannot use Chromium's sandbox; /dev/shm may be small in containers.
        caps.add_arg("--no-sandbox").expect("no sandbox");
        caps.add_arg("--disable-dev-shm-usage")
            .expect("no /dev/shm");
        // Blink's PreferredColorScheme: 0 dark, 1 light.
        caps.add_arg(&format!("--blink-settings=preferredColorScheme={setting}"))
            .expect("the colour scheme");
        let driver = WebDriver::new(format!("http://127.0.0.1:{}", server.port), caps)
            .await
            .expect("a Chromium session");
        for page in pages {
            let path = site.join(page);
            assert!(path.is_file(), "the export wrote {page}");
            driver
                .goto(format!("file://{}", path.display()))
                .await
                .expect("open the page");
            let dark = driver
                .execute(
                    "return matchMedia('(prefers-color-scheme: dark)').matches",
                    vec![],
                )
                .await
                .expect("a script runs");
            assert_eq!(
                dark.json(),
                &json!(scheme == "dark"),
                "{page} is shown {scheme}"
            );
            // A reader on a keyboard: the first Tab reaches "Skip to the text", which goes to
            // the page's main landmark; and the page has one level-one heading.
            let page_facts = driver
                .execute(
                    "const main = document.querySelector('main');
                     return [document.querySelectorAll('h1').length,
                             document.querySelector('a.skip-link')?.getAttribute('href') === '#' + main.id,
                             document.documentElement.lang];",
                    vec![],
                )
                .await
                .expect("a script runs");
            assert_eq!(
                page_facts.json(),
                &json!([1, true, "en"]),
                "{page}: h1 count, skip link to main, lang"
            );
            driver
                .active_element()
                .await
                .expect("the page")
                .send_keys(thirtyfour::Key::Tab + "")
                .await
                .expect("Tab");
            let first = driver
                .execute("return document.activeElement.className", vec![])
                .await
                .expect("a script runs");
            assert_eq!(first.json(), &json!("skip-link"), "{page}: the first Tab");
            for v in axe_violations(&driver).await {
                found.push(format!("[{scheme}, {page}] {v}"));
            }
        }
        driver.quit().await.expect("end the session");
    }
    assert!(
        found.is_empty(),
        "axe-core finds {} violation(s) on the site:\n{}",
        found.len(),
        found.join("\n")
    );
}
