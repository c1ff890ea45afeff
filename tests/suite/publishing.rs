//! Publishing to real servers: WordPress (Debian's package under Apache and MariaDB) and a git
//! daemon, started by `scripts/servers.sh run`, which also gives these tests a Secret Service
//! keyring. Run them with
//!
//!     bash scripts/servers.sh run cargo test -p quire --test suite publishing -- --ignored --test-threads=1
//!
//! They are `#[ignore]`d so that a plain `cargo test` does not need the servers; without the
//! servers' variables they fail, never pass by skipping. The tests that need no server (bad
//! addresses, servers that misbehave) run everywhere.
//!
//! Each test has its own essays folder, store and target name; posts are told apart by slug.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{quire, stderr, stdout};

fn server_var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run these tests with `bash scripts/servers.sh run cargo test …`")
    })
}

/// A small PNG whose pixels come from `seed`, so that each test's image has its own hash.
fn png(seed: &str) -> Vec<u8> {
    let shade = seed
        .bytes()
        .fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    let picture =
        image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([shade, x as u8 * 30, y as u8 * 30]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("PNG");
    bytes.into_inner()
}

/// One writer: an essays folder and a store of their own.
struct Desk {
    _dir: tempfile::TempDir,
    essays: PathBuf,
    db: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().expect("temp dir");
        let essays = dir.path().join("essays");
        std::fs::create_dir_all(essays.join("assets")).expect("essays folder");
        std::fs::write(
            essays.join("quire.toml"),
            "title = \"A Desk\"\nbase_url = \"https://desk.example\"\n",
        )
        .expect("quire.toml");
        let db = dir.path().join("quire.db");
        Desk {
            _dir: dir,
            essays,
            db,
        }
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.essays.join(name);
        std::fs::write(&path, text).expect("write essay");
        path
    }

    fn quire(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = quire()
            .arg("--db")
            .arg(&self.db)
            .arg("--essays")
            .arg(&self.essays)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("quire runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("quire ends")
    }

    /// Runs quire and insists that it worked; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.quire(args, "");
        assert!(
            out.status.success(),
            "quire {args:?} failed:\n{}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    }

    fn add_wordpress(&self, name: &str) {
        let user = server_var("QUIRE_TEST_WP_USER");
        self.add_blog(
            name,
            &[
                "--kind",
                "wordpress",
                "--url",
                &server_var("QUIRE_TEST_WP_URL"),
                "--user",
                &user,
            ],
            &server_var("QUIRE_TEST_WP_PASSWORD"),
        );
    }

    fn add_blog(&self, name: &str, settings: &[&str], secret: &str) {
        let mut args = vec!["targets", "add", name];
        args.extend_from_slice(settings);
        let out = self.quire(&args, &format!("{secret}\n"));
        assert!(out.status.success(), "targets add: {}", stderr(&out));
    }

    fn publish(&self, file: &Path, target: &str, extra: &[&str]) -> Output {
        let file = file.to_string_lossy().into_owned();
        let mut args = vec!["publish", file.as_str(), "--to", target];
        args.extend_from_slice(extra);
        self.quire(&args, "")
    }
}

/// The WordPress the servers started, read and changed behind Quire's back as a writer's
/// co-editor would, through its REST API.
struct WordPress {
    base: String,
    auth: String,
}

impl WordPress {
    fn new() -> WordPress {
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            server_var("QUIRE_TEST_WP_USER"),
            server_var("QUIRE_TEST_WP_PASSWORD")
        ));
        WordPress {
            base: server_var("QUIRE_TEST_WP_URL"),
            auth: format!("Basic {token}"),
        }
    }

    fn url(&self, route: &str, query: &str) -> String {
        format!("{}/?rest_route=/wp/v2/{route}&{query}", self.base)
    }

    fn get(&self, route: &str, query: &str) -> Value {
        ureq::get(&self.url(route, query))
            .header("Authorization", &self.auth)
            .call()
            .expect("WordPress answers")
            .body_mut()
            .read_json()
            .expect("JSON")
    }

    fn post(&self, route: &str, body: Value) -> Value {
        ureq::post(&self.url(route, ""))
            .header("Authorization", &self.auth)
            .send_json(body)
            .expect("WordPress answers")
            .body_mut()
            .read_json()
            .expect("JSON")
    }

    fn delete(&self, route: &str) {
        ureq::delete(&self.url(route, "force=true"))
            .header("Authorization", &self.auth)
            .call()
            .expect("WordPress deletes");
    }

    /// Every post with this slug, whatever its status (drafts and scheduled too).
    fn posts(&self, slug: &str) -> Vec<Value> {
        let found = self.get(
            "posts",
            &format!("slug={slug}&status=publish,future,draft,pending,private&context=edit"),
        );
        found.as_array().cloned().unwrap_or_default()
    }

    fn only_post(&self, slug: &str) -> Value {
        let posts = self.posts(slug);
        assert_eq!(posts.len(), 1, "one post with slug {slug}: {posts:#?}");
        posts.into_iter().next().unwrap_or_default()
    }

    fn media_named(&self, stem: &str) -> usize {
        self.get("media", &format!("search={stem}&per_page=100"))
            .as_array()
            .map_or(0, Vec::len)
    }

    fn tag_names(&self, post: &Value) -> Vec<String> {
        let mut names: Vec<String> = post["tags"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|id| {
                self.get(&format!("tags/{id}"), "")["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        names.sort();
        names
    }
}

fn raw(post: &Value, field: &str) -> String {
    post[field]["raw"].as_str().unwrap_or_default().to_string()
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn wordpress_publish_makes_one_post_and_updates_it_with_the_image_uploaded_once() {
    let desk = Desk::new();
    let wp = WordPress::new();
    std::fs::write(desk.essays.join("assets/gull-one.png"), png("gull-one")).expect("image");
    let essay = desk.write(
        "harbour.md",
        "---\ntitle: The Harbour at Dawn\ndate: 2024-03-01\nstatus: published\nslug: harbour-at-dawn\n\
         summary: Boats, gulls and the first ferry.\ntags: [harbours, quire-test-tag-one]\n---\n\n\
         The first ferry leaves at *six*.\n\n![A gull on a post](assets/gull-one.png)\n",
    );
    desk.add_wordpress("wp-one");

    let first = desk.publish(&essay, "wp-one", &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("1 image uploaded"),
        "{}",
        stderr(&first)
    );
    let post = wp.only_post("harbour-at-dawn");
    assert_eq!(
        stdout(&first).trim(),
        post["link"].as_str().unwrap_or_default()
    );
    assert_eq!(raw(&post, "title"), "The Harbour at Dawn");
    assert_eq!(raw(&post, "excerpt"), "Boats, gulls and the first ferry.");
    assert_eq!(post["status"], "publish");
    assert!(post["date"]
        .as_str()
        .unwrap_or_default()
        .starts_with("2024-03-01"));
    assert_eq!(wp.tag_names(&post), ["harbours", "quire-test-tag-one"]);
    let content = raw(&post, "content");
    assert!(
        content.contains("<p>The first ferry leaves at <em>six</em>.</p>"),
        "{content}"
    );
    // The image points at its uploaded copy, not at a path only this machine has.
    assert!(content.contains("/wp-content/uploads/"), "{content}");
    assert!(content.contains("alt=\"A gull on a post\""), "{content}");
    assert!(!content.contains("assets/gull-one.png"), "{content}");
    assert_eq!(wp.media_named("gull-one"), 1);

    // Nothing changed: nothing is sent.
    let again = desk.publish(&essay, "wp-one", &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("Nothing changed"),
        "{}",
        stderr(&again)
    );

    // An edit: the same post is updated, the image is not uploaded again.
    let text = std::fs::read_to_string(&essay).expect("read");
    std::fs::write(&essay, text.replace("at *six*", "at *half past six*")).expect("edit");
    let dry = desk.publish(&essay, "wp-one", &["--dry-run"]);
    assert!(stderr(&dry).contains("would update"), "{}", stderr(&dry));
    assert!(raw(&wp.only_post("harbour-at-dawn"), "content").contains("at <em>six</em>"));
    let update = desk.publish(&essay, "wp-one", &[]);
    assert!(update.status.success(), "{}", stderr(&update));
    assert!(
        stderr(&update).contains("Updated the post"),
        "{}",
        stderr(&update)
    );
    assert!(
        stderr(&update).contains("1 image already there"),
        "{}",
        stderr(&update)
    );
    let post = wp.only_post("harbour-at-dawn");
    assert!(raw(&post, "content").contains("at <em>half past six</em>"));
    assert_eq!(wp.media_named("gull-one"), 1);

    // Publishing never writes the essay.
    let after = std::fs::read_to_string(&essay).expect("read");
    assert_eq!(after, text.replace("at *six*", "at *half past six*"));

    let listed = desk.ok(&["published"]);
    assert!(listed.contains("harbour.md"), "{listed}");
    assert!(
        listed.contains(post["link"].as_str().unwrap_or_default()),
        "{listed}"
    );
    assert!(listed.contains("same here, same on the site"), "{listed}");
    std::fs::write(&essay, after + "\nA last line.\n").expect("edit");
    let listed = desk.ok(&["published"]);
    assert!(
        listed.contains("changed here, same on the site"),
        "{listed}"
    );
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn wordpress_edit_made_on_the_site_is_drift_and_is_never_overwritten_without_a_choice() {
    let desk = Desk::new();
    let wp = WordPress::new();
    let essay = desk.write(
        "ferry.md",
        "---\ntitle: The Ferry\ndate: 2024-03-02\nstatus: published\nslug: the-ferry-drift\n---\n\nMy words.\n",
    );
    desk.add_wordpress("wp-drift");
    assert!(desk.publish(&essay, "wp-drift", &[]).status.success());
    let id = wp.only_post("the-ferry-drift")["id"].clone();
    wp.post(
        &format!("posts/{id}"),
        json!({"content": "<p>An editor's words.</p>"}),
    );

    let listed = desk.ok(&["published"]);
    assert!(listed.contains("edited on the site"), "{listed}");

    std::fs::write(
        &essay,
        "---\ntitle: The Ferry\ndate: 2024-03-02\nstatus: published\nslug: the-ferry-drift\n---\n\nMy new words.\n",
    )
    .expect("edit");
    let refused = desk.publish(&essay, "wp-drift", &[]);
    assert!(!refused.status.success());
    let said = stderr(&refused);
    assert!(
        said.contains("wp-drift") && said.contains("edited on the site"),
        "{said}"
    );
    assert!(
        said.contains("--overwrite") && said.contains("--pull"),
        "{said}"
    );
    assert!(raw(&wp.only_post("the-ferry-drift"), "content").contains("An editor's words."));

    // Pull: the site's text becomes a revision to look at; the site and the file are untouched.
    let pulled = desk.publish(&essay, "wp-drift", &["--pull"]);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    let history = desk.ok(&["history", &essay.to_string_lossy(), "--json"]);
    let revisions: Value = serde_json::from_str(&history).expect("history JSON");
    let remote = revisions
        .as_array()
        .and_then(|all| all.iter().find(|r| r["source"] == "remote"))
        .unwrap_or_else(|| panic!("a revision from the site: {history}"));
    let id_text = remote["id"].to_string();
    let before_restore = std::fs::read_to_string(&essay).expect("read");
    assert!(before_restore.contains("My new words."));
    desk.ok(&["restore", &essay.to_string_lossy(), &id_text]);
    let restored = std::fs::read_to_string(&essay).expect("read");
    assert!(restored.contains("An editor's words."), "{restored}");
    assert!(restored.starts_with("---\ntitle: The Ferry"), "{restored}");
    std::fs::write(&essay, before_restore).expect("back to mine");

    // Overwrite: the writer chose.
    let forced = desk.publish(&essay, "wp-drift", &["--overwrite"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let post = wp.only_post("the-ferry-drift");
    assert!(raw(&post, "content").contains("My new words."));
    assert_eq!(post["id"], id);
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn wordpress_post_deleted_on_the_site_is_reported_and_made_anew_only_when_asked() {
    let desk = Desk::new();
    let wp = WordPress::new();
    let essay = desk.write(
        "gone.md",
        "---\ntitle: Gone\ndate: 2024-03-03\nstatus: published\nslug: gone-deleted\n---\n\nHere, then gone.\n",
    );
    desk.add_wordpress("wp-gone");
    assert!(desk.publish(&essay, "wp-gone", &[]).status.success());
    let id = wp.only_post("gone-deleted")["id"].clone();
    wp.delete(&format!("posts/{id}"));
    assert!(wp.posts("gone-deleted").is_empty());

    let listed = desk.ok(&["published"]);
    assert!(listed.contains("deleted on the site"), "{listed}");
    let refused = desk.publish(&essay, "wp-gone", &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("deleted on the site"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("--anew"), "{}", stderr(&refused));
    assert!(wp.posts("gone-deleted").is_empty());

    let anew = desk.publish(&essay, "wp-gone", &["--anew"]);
    assert!(anew.status.success(), "{}", stderr(&anew));
    assert_ne!(wp.only_post("gone-deleted")["id"], id);
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn wordpress_future_date_is_scheduled_and_draft_stays_a_draft() {
    let desk = Desk::new();
    let wp = WordPress::new();
    let later = desk.write(
        "later.md",
        "---\ntitle: Later\ndate: 2099-06-01T09:30:00+02:00\nstatus: published\nslug: later-scheduled\n---\n\nNot yet.\n",
    );
    let unsure = desk.write(
        "unsure.md",
        "---\ntitle: Unsure\ndate: 2024-01-01\nstatus: published\nslug: unsure-draft\n---\n\nMaybe.\n",
    );
    desk.add_wordpress("wp-when");
    let out = desk.publish(&later, "wp-when", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("(scheduled)"), "{}", stderr(&out));
    let post = wp.only_post("later-scheduled");
    assert_eq!(post["status"], "future");
    assert_eq!(post["date_gmt"], "2099-06-01T07:30:00");

    let out = desk.publish(&unsure, "wp-when", &["--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(wp.only_post("unsure-draft")["status"], "draft");
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn wordpress_wrong_password_is_refused_and_nothing_is_kept() {
    let desk = Desk::new();
    let out = desk.quire(
        &[
            "targets",
            "add",
            "wp-wrong",
            "--kind",
            "wordpress",
            "--url",
            &server_var("QUIRE_TEST_WP_URL"),
            "--user",
            "admin",
        ],
        "not the password\n",
    );
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(said.contains("wp-wrong"), "{said}");
    assert!(said.contains("password"), "{said}");
    assert_eq!(desk.ok(&["targets", "list"]).trim(), "");
}

/// The servers' git daemon: a branch of `site.git` per test.
fn git(args: &[&str], dir: Option<&Path>) -> String {
    let mut cmd = std::process::Command::new("git");
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let out = cmd
        .args([
            "-c",
            "user.name=Editor",
            "-c",
            "user.email=editor@example.invalid",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    stdout(&out)
}

fn tip(branch: &str) -> String {
    git(
        &[
            "ls-remote",
            &server_var("QUIRE_TEST_GIT_URL"),
            &format!("refs/heads/{branch}"),
        ],
        None,
    )
    .split_whitespace()
    .next()
    .unwrap_or_default()
    .to_string()
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn git_target_gets_the_site_as_commits_and_never_loses_someone_elses() {
    let desk = Desk::new();
    let url = server_var("QUIRE_TEST_GIT_URL");
    desk.write(
        "pier.md",
        "---\ntitle: The Pier\ndate: 2024-04-01\nstatus: published\n---\n\nWood and salt.\n",
    );
    desk.ok(&[
        "targets",
        "add",
        "pages",
        "--kind",
        "git",
        "--url",
        &url,
        "--branch",
        "site-test",
    ]);
    let essays = desk.essays.to_string_lossy().into_owned();
    let first = desk.quire(&["publish", &essays, "--to", "pages"], "");
    assert!(first.status.success(), "{}", stderr(&first));
    let pushed = tip("site-test");
    assert_eq!(
        pushed.len(),
        40,
        "the branch exists after the first publish"
    );

    let clone = tempfile::tempdir().expect("temp");
    let work = clone.path().join("w");
    git(
        &[
            "clone",
            "-q",
            "-b",
            "site-test",
            &url,
            &work.to_string_lossy(),
        ],
        None,
    );
    let page = std::fs::read_to_string(work.join("pier/index.html"))
        .or_else(|_| std::fs::read_to_string(work.join("pier.html")))
        .expect("the essay's page is on the branch");
    assert!(page.contains("Wood and salt."));
    assert!(work.join("index.html").is_file());
    assert!(!work.join(".quire-export.json").exists());

    // Nothing changed: no new commit.
    desk.ok(&["publish", &essays, "--to", "pages"]);
    assert_eq!(tip("site-test"), pushed);

    // An edit: a fast-forward on top of Quire's own commit.
    desk.write(
        "pier.md",
        "---\ntitle: The Pier\ndate: 2024-04-01\nstatus: published\n---\n\nWood, salt and tar.\n",
    );
    desk.ok(&["publish", &essays, "--to", "pages"]);
    let second = tip("site-test");
    assert_ne!(second, pushed);
    git(&["fetch", "-q", "origin", "site-test"], Some(&work));
    assert_eq!(
        git(&["rev-parse", "FETCH_HEAD~1"], Some(&work)).trim(),
        pushed
    );

    // Someone else pushes: Quire refuses and leaves their commit where it is.
    git(&["reset", "-q", "--hard", "FETCH_HEAD"], Some(&work));
    std::fs::write(work.join("CNAME"), "desk.example\n").expect("CNAME");
    git(&["add", "CNAME"], Some(&work));
    git(&["commit", "-qm", "custom domain"], Some(&work));
    git(&["push", "-q", "origin", "site-test"], Some(&work));
    let theirs = tip("site-test");
    desk.write(
        "pier.md",
        "---\ntitle: The Pier\ndate: 2024-04-01\nstatus: published\n---\n\nWood, salt, tar and rope.\n",
    );
    let listed = desk.ok(&["published"]);
    assert!(
        listed.contains("(the site)") && listed.contains("edited on the site"),
        "{listed}"
    );
    let refused = desk.quire(&["publish", &essays, "--to", "pages"], "");
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("did not push"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(tip("site-test"), theirs);

    // The writer chose: the site goes on top; their commit stays in the history.
    desk.ok(&["publish", &essays, "--to", "pages", "--overwrite"]);
    git(&["fetch", "-q", "origin", "site-test"], Some(&work));
    assert_eq!(
        git(&["rev-parse", "FETCH_HEAD~1"], Some(&work)).trim(),
        theirs
    );
}

/// A server that answers every connection with `reply` (or holds it open, if None), for the
/// failures no real server gives on demand.
fn bad_server(reply: Option<&'static [u8]>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                match reply {
                    Some(reply) => {
                        let _ = stream.write_all(reply);
                    }
                    None => std::thread::sleep(Duration::from_secs(60)),
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// `quire targets add` against `url`: it must fail within `within`, naming the target, and
/// keep nothing. Returns what it said.
fn add_fails(url: &str, within: Duration) -> String {
    let desk = Desk::new();
    let started = Instant::now();
    let mut cmd = quire();
    let out = cmd
        .env("QUIRE_PUBLISH_TIMEOUT", "2")
        .arg("--db")
        .arg(&desk.db)
        .args([
            "targets",
            "add",
            "shaky",
            "--kind",
            "wordpress",
            "--url",
            url,
            "--user",
            "me",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("quire runs");
    out.stdin
        .as_ref()
        .expect("stdin")
        .write_all(b"abcd efgh ijkl mnop\n")
        .expect("stdin");
    let out = out.wait_with_output().expect("quire ends");
    assert!(started.elapsed() < within, "took {:?}", started.elapsed());
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(said.contains("shaky"), "names the target: {said}");
    assert_eq!(desk.ok(&["targets", "list"]).trim(), "", "nothing kept");
    said
}

#[test]
fn unreachable_site_is_a_sentence_in_bounded_time() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // The listener is dropped: nothing listens there now.
    let said = add_fails(&format!("http://127.0.0.1:{port}"), Duration::from_secs(15));
    assert!(
        said.contains("could not connect") || said.contains("refused the connection"),
        "{said}"
    );
}

#[test]
fn silent_server_times_out_with_a_sentence() {
    let said = add_fails(&bad_server(None), Duration::from_secs(15));
    assert!(
        said.contains("did not answer") || said.contains("timed out"),
        "{said}"
    );
}

#[test]
fn server_errors_and_garbage_are_sentences() {
    let said = add_fails(
        &bad_server(Some(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops!",
        )),
        Duration::from_secs(15),
    );
    assert!(said.contains("500"), "{said}");
    let said = add_fails(
        &bad_server(Some(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<html>hi</html",
        )),
        Duration::from_secs(15),
    );
    assert!(
        said.contains("JSON") || said.contains("not a WordPress"),
        "{said}"
    );
}

#[test]
fn redirect_to_another_host_is_not_followed() {
    let said = add_fails(
        &bad_server(Some(
            b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://elsewhere.invalid/wp-json/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )),
        Duration::from_secs(15),
    );
    assert!(said.contains("elsewhere.invalid"), "{said}");
}

#[test]
fn endless_reply_is_cut_off() {
    // A body that claims to go on forever: the reader stops at its cap instead of filling memory.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[");
            let chunk = "1,".repeat(64 * 1024);
            while stream.write_all(chunk.as_bytes()).is_ok() {}
        }
    });
    let said = add_fails(&format!("http://127.0.0.1:{port}"), Duration::from_secs(30));
    assert!(said.contains("more than 16 MB"), "{said}");
}

/// A post as a blog shows it, read behind Quire's back.
#[derive(Debug, Default)]
struct SitePost {
    id: String,
    title: String,
    html: String,
    excerpt: String,
    tags: Vec<String>,
    status: String,
    date: String,
}

/// What the scenario below needs of a blog: read, edit and delete posts as a co-editor would,
/// and count what was stored.
trait Blog {
    fn add_target(&self, desk: &Desk, name: &str);
    /// The post at `url` (as `quire publish` printed it), None when gone.
    fn read(&self, url: &str) -> Option<SitePost>;
    /// How many posts carry this title.
    fn count(&self, title: &str) -> usize;
    fn edit_body(&self, post: &SitePost, html: &str);
    fn delete(&self, post: &SitePost);
    /// How many stored image files came from an upload of `stem`.png.
    fn images(&self, stem: &str) -> usize;
    /// The status a scheduled post has there.
    fn scheduled(&self) -> &'static str;
}

fn image_files(dir: &Path, stem: &str) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.path().components().any(|c| c.as_os_str() == "size"))
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            let Some(rest) = name.strip_prefix(stem).and_then(|r| r.strip_suffix(".png")) else {
                return false;
            };
            rest.is_empty()
                || rest
                    .strip_prefix('-')
                    .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .count()
}

/// Publish, update, the image once, drift refused then overwritten by choice, a deleted post
/// reported then made anew, a future date scheduled: what every blog target must do.
fn a_writer_publishes_to(blog: &dyn Blog, name: &str) {
    let desk = Desk::new();
    let stem = format!("tern-{name}");
    std::fs::write(desk.essays.join(format!("assets/{stem}.png")), png(&stem)).expect("image");
    let title = format!("Terns over the {name} Estuary");
    let front = format!(
        "---\ntitle: {title}\ndate: 2024-05-01\nstatus: published\nslug: terns-{name}\n\
         summary: Where the river meets the sea.\ntags: [birds, quire-{name}-tag]\n---\n\n"
    );
    let essay = desk.write(
        "terns.md",
        &format!("{front}Terns dive *fast*.\n\n![A tern](assets/{stem}.png)\n"),
    );
    blog.add_target(&desk, name);
    let images_before = blog.images(&stem);

    let first = desk.publish(&essay, name, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let url = stdout(&first).trim().to_string();
    let post = blog.read(&url).expect("the post is on the site");
    assert_eq!(post.title, title);
    assert!(
        post.html.contains("Terns dive <em>fast</em>."),
        "{}",
        post.html
    );
    assert!(
        !post.html.contains("assets/"),
        "the image points at its upload: {}",
        post.html
    );
    assert!(post.html.contains("alt=\"A tern\""), "{}", post.html);
    assert_eq!(post.excerpt, "Where the river meets the sea.");
    assert_eq!(
        post.tags,
        ["birds".to_string(), format!("quire-{name}-tag")]
    );
    assert!(post.status.starts_with("publish"), "{}", post.status);
    assert_eq!(blog.count(&title), 1);
    assert_eq!(blog.images(&stem), images_before + 1);

    // An edit updates the same post; the image is not sent again.
    desk.write(
        "terns.md",
        &format!("{front}Terns dive *faster*.\n\n![A tern](assets/{stem}.png)\n"),
    );
    let update = desk.publish(&essay, name, &[]);
    assert!(update.status.success(), "{}", stderr(&update));
    assert!(
        stderr(&update).contains("Updated the post"),
        "{}",
        stderr(&update)
    );
    assert_eq!(stdout(&update).trim(), url);
    let post = blog.read(&url).expect("still there");
    assert!(post.html.contains("<em>faster</em>"), "{}", post.html);
    assert_eq!(blog.count(&title), 1);
    assert_eq!(blog.images(&stem), images_before + 1);

    // Edited on the site: seen, refused, then replaced only when the writer chooses.
    blog.edit_body(&post, "<p>An editor was here.</p>");
    assert!(desk.ok(&["published"]).contains("edited on the site"));
    desk.write("terns.md", &format!("{front}Terns dive *fastest*.\n"));
    let refused = desk.publish(&essay, name, &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("edited on the site"),
        "{}",
        stderr(&refused)
    );
    assert!(blog
        .read(&url)
        .expect("there")
        .html
        .contains("An editor was here."));
    let forced = desk.publish(&essay, name, &["--overwrite"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let post = blog.read(&url).expect("there");
    assert!(post.html.contains("<em>fastest</em>"), "{}", post.html);
    assert_eq!(blog.count(&title), 1);

    // Deleted on the site: reported; a new post only when asked.
    blog.delete(&post);
    assert!(blog.read(&url).is_none());
    assert!(desk.ok(&["published"]).contains("deleted on the site"));
    let refused = desk.publish(&essay, name, &[]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("--anew"), "{}", stderr(&refused));
    assert_eq!(blog.count(&title), 0);
    let anew = desk.publish(&essay, name, &["--anew"]);
    assert!(anew.status.success(), "{}", stderr(&anew));
    assert_eq!(blog.count(&title), 1);

    // A future date: scheduled there.
    let later = desk.write(
        "later.md",
        &format!("---\ntitle: Later on {name}\ndate: 2099-06-01T09:30:00Z\nstatus: published\n---\n\nSoon.\n"),
    );
    let out = desk.publish(&later, name, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let post = blog.read(stdout(&out).trim()).expect("the scheduled post");
    assert_eq!(post.status, blog.scheduled());
    assert!(post.date.starts_with("2099-06-01"), "{}", post.date);
}

struct GhostSite {
    base: String,
    key: String,
}

impl GhostSite {
    fn new() -> GhostSite {
        GhostSite {
            base: server_var("QUIRE_TEST_GHOST_URL"),
            key: server_var("QUIRE_TEST_GHOST_KEY"),
        }
    }

    /// A token made by a script nobody here wrote into Quire (tests/servers/jwt.py).
    fn auth(&self) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/jwt.py");
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(&self.key)
            .output()
            .expect("python3 runs");
        format!("Ghost {}", String::from_utf8_lossy(&out.stdout).trim())
    }

    fn get(&self, query: &str) -> Vec<Value> {
        let url = format!(
            "{}/ghost/api/admin/posts/?{query}&formats=html&include=tags",
            self.base
        );
        let value: Value = ureq::get(&url)
            .header("Authorization", &self.auth())
            .call()
            .expect("Ghost answers")
            .body_mut()
            .read_json()
            .expect("JSON");
        value["posts"].as_array().cloned().unwrap_or_default()
    }

    fn post_of(value: &Value) -> SitePost {
        let text = |k: &str| value[k].as_str().unwrap_or_default().to_string();
        SitePost {
            id: text("id"),
            title: text("title"),
            html: text("html"),
            excerpt: text("custom_excerpt"),
            tags: value["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            status: text("status"),
            date: text("published_at"),
        }
    }
}

impl Blog for GhostSite {
    fn add_target(&self, desk: &Desk, name: &str) {
        desk.add_blog(name, &["--kind", "ghost", "--url", &self.base], &self.key);
    }

    fn read(&self, url: &str) -> Option<SitePost> {
        // Every post, drafts and scheduled ones too, matched on the URL Quire printed.
        self.get("limit=all&filter=status:[draft,published,scheduled]")
            .iter()
            .find(|p| p["url"] == url)
            .map(GhostSite::post_of)
    }

    fn count(&self, title: &str) -> usize {
        self.get("limit=all&filter=status:[draft,published,scheduled]")
            .iter()
            .filter(|p| p["title"] == title)
            .count()
    }

    fn edit_body(&self, post: &SitePost, html: &str) {
        let now = self.get(&format!("filter=id:{}", post.id));
        let updated_at = now[0]["updated_at"].clone();
        // updated_at has a resolution of a second; an edit in the same second as the publish
        // would carry the same stamp.
        std::thread::sleep(Duration::from_millis(1100));
        ureq::put(&format!(
            "{}/ghost/api/admin/posts/{}/?source=html",
            self.base, post.id
        ))
        .header("Authorization", &self.auth())
        .send_json(json!({"posts": [{"html": html, "updated_at": updated_at}]}))
        .expect("Ghost takes the edit");
    }

    fn delete(&self, post: &SitePost) {
        ureq::delete(&format!("{}/ghost/api/admin/posts/{}/", self.base, post.id))
            .header("Authorization", &self.auth())
            .call()
            .expect("Ghost deletes");
    }

    fn images(&self, stem: &str) -> usize {
        image_files(
            &PathBuf::from(server_var("QUIRE_TEST_SERVERS_DIR")).join("ghost/content/images"),
            stem,
        )
    }

    fn scheduled(&self) -> &'static str {
        "scheduled"
    }
}

struct MicropubSite {
    endpoint: String,
    token: String,
}

impl MicropubSite {
    fn new() -> MicropubSite {
        MicropubSite {
            endpoint: format!("{}indieweb/micropub/", server_var("QUIRE_TEST_MP_URL")),
            token: server_var("QUIRE_TEST_MP_TOKEN"),
        }
    }

    fn send(&self, body: Value) -> Option<String> {
        let reply = ureq::post(&self.endpoint)
            .header("Authorization", &format!("Bearer {}", self.token))
            .send_json(body)
            .expect("Micropub answers");
        reply
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
    }

    /// The number of the next entry the server will make: a probe post, deleted again.
    fn entries_so_far(&self) -> usize {
        let probe = self
            .send(json!({"type": ["h-entry"], "properties": {"content": ["probe"]}}))
            .expect("probe made");
        self.send(json!({"action": "delete", "url": probe}));
        let number = probe
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        number.parse::<usize>().expect("entries are numbered") - 1
    }
}

impl Blog for MicropubSite {
    fn add_target(&self, desk: &Desk, name: &str) {
        // The site's address: the endpoint is discovered from its home page.
        desk.add_blog(
            name,
            &[
                "--kind",
                "micropub",
                "--url",
                &server_var("QUIRE_TEST_MP_URL"),
            ],
            &self.token,
        );
    }

    fn read(&self, url: &str) -> Option<SitePost> {
        let reply = ureq::get(&self.endpoint)
            .query("q", "source")
            .query("url", url)
            .header("Authorization", &format!("Bearer {}", self.token))
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .expect("Micropub answers");
        if reply.status() != 200 {
            return None;
        }
        let value: Value = reply.into_body().read_json().expect("JSON");
        let props = &value["properties"];
        let first = |k: &str| match &props[k][0] {
            Value::String(s) => s.clone(),
            other => other["html"].as_str().unwrap_or_default().to_string(),
        };
        Some(SitePost {
            id: url.to_string(),
            title: first("name"),
            html: first("content"),
            excerpt: first("summary"),
            tags: props["category"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .map(|t| t.as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default(),
            status: first("post-status"),
            date: first("published"),
        })
    }

    fn count(&self, title: &str) -> usize {
        // Entries are numbered 1, 2, …: read each one back.
        (1..=self.entries_so_far())
            .filter_map(|n| self.read(&format!("{}entries/{n}/", server_var("QUIRE_TEST_MP_URL"))))
            .filter(|p| p.title == title)
            .count()
    }

    fn edit_body(&self, post: &SitePost, html: &str) {
        self.send(
            json!({"action": "update", "url": post.id, "replace": {"content": [{"html": html}]}}),
        );
    }

    fn delete(&self, post: &SitePost) {
        self.send(json!({"action": "delete", "url": post.id}));
    }

    fn images(&self, _stem: &str) -> usize {
        // The media endpoint names what it stores itself: every stored file counts.
        let media = PathBuf::from(server_var("QUIRE_TEST_SERVERS_DIR")).join("micropub/data/media");
        walkdir::WalkDir::new(media)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .count()
    }

    fn scheduled(&self) -> &'static str {
        // Micropub has no scheduled status: a published post with a future date is how
        // Micro.blog is asked to schedule.
        "published"
    }
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn ghost_publish_update_images_drift_deletion_and_schedule() {
    a_writer_publishes_to(&GhostSite::new(), "ghost");
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn micropub_publish_update_images_drift_deletion_and_schedule() {
    a_writer_publishes_to(&MicropubSite::new(), "micropub");
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn ghost_and_micropub_wrong_secrets_are_refused_and_nothing_is_kept() {
    let desk = Desk::new();
    let ghost_id = server_var("QUIRE_TEST_GHOST_KEY");
    let ghost_id = ghost_id.split(':').next().unwrap_or_default();
    let cases = [
        (
            "ghost-wrong",
            "ghost",
            server_var("QUIRE_TEST_GHOST_URL"),
            format!("{ghost_id}:{}", "0".repeat(64)),
        ),
        (
            "ghost-garbled",
            "ghost",
            server_var("QUIRE_TEST_GHOST_URL"),
            "not a key".to_string(),
        ),
        (
            "mp-wrong",
            "micropub",
            server_var("QUIRE_TEST_MP_URL"),
            "wrong-token".to_string(),
        ),
    ];
    for (name, kind, url, secret) in cases {
        let out = desk.quire(
            &["targets", "add", name, "--kind", kind, "--url", &url],
            &format!("{secret}\n"),
        );
        assert!(!out.status.success(), "{name} was accepted");
        assert!(stderr(&out).contains(name), "{}", stderr(&out));
    }
    assert_eq!(desk.ok(&["targets", "list"]).trim(), "");
}

#[test]
fn plain_http_where_tls_was_expected_is_a_sentence() {
    let url = bad_server(Some(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
    let said = add_fails(&url.replace("http://", "https://"), Duration::from_secs(15));
    assert!(said.contains("secure connection"), "{said}");
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn a_failed_publish_leaves_no_record_and_the_essay_untouched() {
    let desk = Desk::new();
    let text = "---\ntitle: Unsent\nstatus: published\n---\n\nStill here.\n";
    let essay = desk.write("unsent.md", text);
    let url = bad_server(Some(
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    ));
    let out = desk.quire(
        &[
            "targets",
            "add",
            "broken",
            "--kind",
            "wordpress",
            "--url",
            &url,
            "--user",
            "me",
            "--no-check",
        ],
        "abcd efgh\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let failed = desk.publish(&essay, "broken", &[]);
    assert!(!failed.status.success());
    assert!(
        stderr(&failed).contains("broken") && stderr(&failed).contains("500"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(
        desk.ok(&["published", "--offline"]).trim(),
        "",
        "no record claims success"
    );
    assert_eq!(std::fs::read_to_string(&essay).expect("read"), text);
    desk.ok(&["targets", "remove", "broken"]);
    assert_eq!(desk.ok(&["targets", "list"]).trim(), "");
}

/// A browser as a writer uses one to sign in: it keeps the site's cookies, reads forms and
/// follows redirects, including the last one back to Quire on this computer.
struct Browser {
    cookies: Vec<(String, String)>,
}

impl Browser {
    fn request(&mut self, method: &str, url: &str, form: &[(&str, &str)]) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let reply = if method == "POST" {
            agent
                .post(url)
                .header("Cookie", &cookie)
                // Django's CSRF check wants a same-origin Referer on a form post.
                .header("Referer", url)
                .send_form(form.iter().copied())
        } else {
            agent.get(url).header("Cookie", &cookie).call()
        };
        let mut reply = reply.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        for set in reply.headers().get_all("set-cookie") {
            let pair = set
                .to_str()
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies.retain(|(name, _)| name != k);
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
        let location = reply
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let status = reply.status().as_u16();
        let body = reply.body_mut().read_to_string().unwrap_or_default();
        (status, location, body)
    }

    /// The hidden fields and the CSRF token of the page's form.
    fn fields(page: &str) -> Vec<(String, String)> {
        page.split("<input")
            .skip(1)
            .filter(|tag| tag.contains("type=\"hidden\""))
            .filter_map(|tag| {
                let attr = |name: &str| {
                    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
                    Some(
                        tag[start..]
                            .split('"')
                            .next()?
                            .replace("&amp;", "&")
                            .replace("&#x27;", "'"),
                    )
                };
                Some((attr("name")?, attr("value")?))
            })
            .collect()
    }
}

/// Signs in to the Micropub site through the CLI's `--sign-in` with `decision` ("approve" or
/// "deny") taken on the consent page; returns quire's output.
fn sign_in_through_the_browser(desk: &Desk, name: &str, decision: &str) -> Output {
    let site = server_var("QUIRE_TEST_MP_URL");
    let mut child = quire()
        .arg("--db")
        .arg(&desk.db)
        .arg("--essays")
        .arg(&desk.essays)
        .args([
            "targets",
            "add",
            name,
            "--kind",
            "micropub",
            "--url",
            &site,
            "--sign-in",
        ])
        // The test is the browser: quire's attempt to open one does nothing.
        .env("BROWSER", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("quire runs");
    let mut said = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut printed = String::new();
    let address = loop {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut said, &mut line).expect("stderr") == 0 {
            panic!("quire printed no address to sign in at:\n{printed}");
        }
        printed.push_str(&line);
        if let Some(address) = line.trim().strip_prefix("http") {
            break format!("http{address}");
        }
    };
    assert!(printed.contains("Sign in to"), "{printed}");

    // The writer is signed in to their own site already (the login page of this server loses
    // the sign-in's address when it sends the browser on), then opens the page Quire printed.
    let mut browser = Browser {
        cookies: Vec::new(),
    };
    let login = format!("{site}accounts/login/");
    let (_, _, page) = browser.request("GET", &login, &[]);
    let token = Browser::fields(&page)
        .into_iter()
        .find(|(k, _)| k == "csrfmiddlewaretoken")
        .expect("the login form's CSRF token")
        .1;
    let (status, _, _) = browser.request(
        "POST",
        &login,
        &[
            ("csrfmiddlewaretoken", &token),
            ("username", &server_var("QUIRE_TEST_MP_USER")),
            ("password", &server_var("QUIRE_TEST_MP_PASSWORD")),
        ],
    );
    assert_eq!(status, 302, "the site's login takes the writer's password");
    let (status, _, consent) = browser.request("GET", &address, &[]);
    assert_eq!(status, 200, "the consent page: {consent}");
    assert!(
        consent.contains("127.0.0.1"),
        "the page names the app asking"
    );
    let mut fields = Browser::fields(&consent);
    fields.push(("action".into(), decision.into()));
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, back, _) = browser.request("POST", &format!("{site}indieweb/auth/"), &form);
    assert_eq!(status, 302, "the consent sends the browser back");
    assert!(
        back.starts_with("http://127.0.0.1:"),
        "back to Quire: {back}"
    );
    let (status, _, page) = browser.request("GET", &back, &[]);
    assert_eq!(status, 200);
    let word = if decision == "approve" {
        "You are signed in"
    } else {
        "did not sign you in"
    };
    assert!(page.contains(word), "the tab tells the writer: {page}");

    let mut rest = String::new();
    std::io::Read::read_to_string(&mut said, &mut rest).expect("stderr");
    let mut out = child.wait_with_output().expect("quire ends");
    out.stderr = format!("{printed}{rest}").into_bytes();
    out
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn micropub_sign_in_through_the_browser_gives_a_token_that_publishes() {
    let desk = Desk::new();
    let out = sign_in_through_the_browser(&desk, "mp-signed-in", "approve");
    assert!(out.status.success(), "sign-in failed: {}", stderr(&out));
    assert!(
        stderr(&out).contains("secret is in the system keyring"),
        "{}",
        stderr(&out)
    );
    assert!(desk.ok(&["targets", "list"]).contains("mp-signed-in"));
    let site = MicropubSite::new();
    let essay = desk.write(
        "signed.md",
        "---\ntitle: Signed In\nslug: signed-in-essay\n---\n\nPublished with a token from IndieAuth.\n",
    );
    let out = desk.publish(&essay, "mp-signed-in", &[]);
    assert!(out.status.success(), "publish: {}", stderr(&out));
    assert_eq!(site.count("Signed In"), 1);
}

#[test]
#[ignore = "needs the publishing servers: scripts/servers.sh run"]
fn micropub_sign_in_denied_in_the_browser_keeps_nothing() {
    let desk = Desk::new();
    let out = sign_in_through_the_browser(&desk, "mp-denied", "deny");
    assert!(!out.status.success(), "a denied sign-in was kept");
    assert!(
        stderr(&out).contains("refused the sign-in: access_denied"),
        "{}",
        stderr(&out)
    );
    assert_eq!(desk.ok(&["targets", "list"]).trim(), "");
}
