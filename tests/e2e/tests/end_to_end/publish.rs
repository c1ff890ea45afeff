//! The Publish dialog in the real window against the real WordPress that
//! `scripts/servers.sh run` starts (with a Secret Service keyring for the app): the writer adds
//! the blog (the secret typed once, kept in the keyring), publishes, edits, publishes again
//! into the same post, and when someone edits the post on the site the dialog stops, keeps the
//! site's text as a revision on request, and replaces it only when asked.
//!
//! Run with `bash scripts/servers.sh run bash scripts/e2e.sh publish`; without the servers'
//! variables the test fails with a sentence saying so, never passes by skipping.

use quire_e2e::{App, By, Fixture, Key};
use serde_json::{json, Value};

fn server_var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run this test with `bash scripts/servers.sh run bash scripts/e2e.sh publish`")
    })
}

/// The WordPress the servers started, read and edited behind Quire's back.
struct WordPress {
    base: String,
    user: String,
    password: String,
    http: reqwest::Client,
}

impl WordPress {
    fn new() -> WordPress {
        WordPress {
            base: server_var("QUIRE_TEST_WP_URL"),
            user: server_var("QUIRE_TEST_WP_USER"),
            password: server_var("QUIRE_TEST_WP_PASSWORD"),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, route: &str, query: &str) -> String {
        format!("{}/?rest_route=/wp/v2/{route}&{query}", self.base)
    }

    /// Every post with this slug, whatever its status.
    async fn posts(&self, slug: &str) -> Vec<Value> {
        let url = self.url(
            "posts",
            &format!("slug={slug}&status=publish,future,draft,pending,private&context=edit"),
        );
        let reply = self
            .http
            .get(url)
            .basic_auth(&self.user, Some(&self.password))
            .send()
            .await
            .expect("WordPress answers");
        let value: Value = reply.json().await.expect("JSON");
        value.as_array().cloned().unwrap_or_default()
    }

    /// What the site holds under this title, whatever the slug, for a failure's message.
    async fn titled(&self, title: &str) -> String {
        let url = self.url(
            "posts",
            &format!(
                "search={title}&status=publish,future,draft,pending,private,trash&context=edit"
            ),
        );
        let reply = self
            .http
            .get(url)
            .basic_auth(&self.user, Some(&self.password))
            .send()
            .await
            .expect("WordPress answers");
        let value: Value = reply.json().await.expect("JSON");
        value
            .as_array()
            .map(|posts| {
                posts
                    .iter()
                    .map(|p| {
                        format!(
                            "#{} {} {} {}",
                            p["id"], p["slug"], p["status"], p["title"]["raw"]
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    }

    async fn edit(&self, id: &Value, content: &str) {
        let reply = self
            .http
            .post(self.url(&format!("posts/{id}"), ""))
            .basic_auth(&self.user, Some(&self.password))
            .json(&json!({ "content": content }))
            .send()
            .await
            .expect("WordPress answers");
        assert!(
            reply.status().is_success(),
            "the edit on the site: {}",
            reply.status()
        );
    }
}

async fn type_into(app: &App, css: &str, text: &str) {
    let input = app
        .driver()
        .find(By::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    input.clear().await.expect("clear");
    input.send_keys(text).await.expect("type");
}

/// The dialog's outcome sentence once the publish has finished.
async fn outcome(app: &App) -> String {
    app.wait_js(
        "the publish has an outcome",
        "const s = document.querySelector('.publish-result:not([hidden]) .publish-summary');
         const d = document.querySelector('.publish-drift:not([hidden])');
         const e = document.querySelector('.publish-error:not([hidden])');
         return (s && s.textContent) || (d && 'DRIFT ' + d.textContent) || (e && 'ERROR ' + e.textContent);",
        &[],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[tokio::test]
#[ignore = "end-to-end: needs the servers, a display and the built app; run scripts/servers.sh run bash scripts/e2e.sh"]
async fn the_publish_dialog_publishes_updates_and_stops_on_an_edit_made_on_the_site() {
    let wordpress = WordPress::new();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis();
    let slug = format!("from-the-window-{stamp}");
    let essay = format!(
        "---\ntitle: From the Window\nslug: {slug}\ndate: 2024-03-01\nstatus: published\ntags: [walking]\nsummary: Seen from the desk.\n---\n\nThe first paragraph, as written in Quire.\n"
    );
    let fixture =
        Fixture::new("the_publish_dialog_publishes_updates_and_stops_on_an_edit_made_on_the_site")
            .with_essay("from-the-window.md", &essay);
    let app = fixture.launch().await;
    let id = app.open_by_title("From the Window").await;

    // No target yet: Ctrl+Shift+E opens the dialog on the form that adds one.
    app.press(Key::Control + Key::Shift + "e" + Key::Null).await;
    app.wait_js(
        "the dialog asks for a target",
        "const f = document.querySelector('.publish-add'); return f && !f.hidden",
        &[],
    )
    .await;
    // A Micropub site can be signed in to instead of pasting a token: the form says so.
    let kind = |k: &str| {
        format!("const s = document.getElementById('publish-new-kind'); s.value = '{k}'; s.dispatchEvent(new Event('change'));")
    };
    app.js(&kind("micropub"), &[]).await;
    let label = app
        .text_of("label[for=publish-new-secret]")
        .await
        .unwrap_or_default();
    assert!(label.contains("leave it empty to sign in"), "{label}");
    app.screenshot("add-target-micropub").await;
    app.js(&kind("wordpress"), &[]).await;
    let name = format!("wp{stamp}");
    type_into(&app, "#publish-new-name", &name).await;
    type_into(&app, "#publish-new-url", &server_var("QUIRE_TEST_WP_URL")).await;
    type_into(&app, "#publish-new-user", &server_var("QUIRE_TEST_WP_USER")).await;
    type_into(
        &app,
        "#publish-new-secret",
        &server_var("QUIRE_TEST_WP_PASSWORD"),
    )
    .await;
    app.screenshot("add-target").await;
    app.click("#publish-add-save").await;
    app.wait_js(
        "the target is added and chosen",
        "const s = document.getElementById('publish-target'); return s && !s.hidden && s.value === arguments[0]",
        &[json!(name)],
    )
    .await;
    // The secret is in the keyring, not in the store or the page.
    let store = std::fs::read(&fixture.db).unwrap_or_default();
    let secret = server_var("QUIRE_TEST_WP_PASSWORD");
    assert!(
        !store.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "the application password is not in the store"
    );

    // First publish: one post, with the essay's title, body, excerpt and slug.
    app.click("#publish-run").await;
    let said = outcome(&app).await;
    assert!(said.starts_with(&format!("Published on {name}")), "{said}");
    app.screenshot("published").await;
    let posts = wordpress.posts(&slug).await;
    assert_eq!(posts.len(), 1, "one post: {posts:?}");
    let post = &posts[0];
    assert_eq!(post["title"]["raw"], "From the Window");
    assert_eq!(post["status"], "publish");
    assert!(
        post["content"]["raw"]
            .as_str()
            .unwrap_or_default()
            .contains("The first paragraph, as written in Quire."),
        "{post}"
    );
    assert!(
        post["excerpt"]["raw"]
            .as_str()
            .unwrap_or_default()
            .contains("Seen from the desk."),
        "{post}"
    );
    let post_id = post["id"].clone();
    app.press_focused(Key::Escape + "").await;

    // An edit in the editor, published again: the same post is updated.
    app.type_at_end(Key::Enter + "A second paragraph, added later.")
        .await;
    let text = app.editor_text().await;
    assert!(
        text.starts_with("---\ntitle: From the Window\n")
            && text.ends_with("A second paragraph, added later."),
        "the edit went to the end of the essay: {text:?}"
    );
    app.press(Key::Control + Key::Shift + "e" + Key::Null).await;
    app.wait_js(
        "the dialog offers to update the post",
        "const b = document.getElementById('publish-run'); return b && !b.disabled && b.textContent === 'Update'",
        &[],
    )
    .await;
    app.click("#publish-run").await;
    let said = outcome(&app).await;
    assert!(
        said.starts_with(&format!("Updated the post on {name}")),
        "{said}"
    );
    let posts = wordpress.posts(&slug).await;
    assert_eq!(
        posts.len(),
        1,
        "still one post: {posts:?}; the site has: {}",
        wordpress.titled("From the Window").await
    );
    assert!(
        posts[0]["content"]["raw"]
            .as_str()
            .unwrap_or_default()
            .contains("A second paragraph, added later."),
        "{}",
        posts[0]
    );

    // Someone edits the post on the site: publishing stops and says so; nothing is sent.
    wordpress
        .edit(&post_id, "<p>Rewritten by an editor on the site.</p>")
        .await;
    app.click("#publish-run").await;
    let said = outcome(&app).await;
    assert!(said.starts_with("DRIFT"), "{said}");
    assert!(said.contains("edited on the site"), "{said}");
    app.screenshot("drift").await;
    let posts = wordpress.posts(&slug).await;
    assert!(
        posts[0]["content"]["raw"]
            .as_str()
            .unwrap_or_default()
            .contains("Rewritten by an editor"),
        "the site's edit is untouched"
    );

    // "Keep the site's text as a revision": History gets it; the site stays as it is.
    app.click(".publish-drift button[data-choice=keep]").await;
    let said = outcome(&app).await;
    assert!(said.contains("Kept the site's text"), "{said}");
    let revisions = app.revision_texts(id).await;
    assert!(
        revisions
            .iter()
            .any(|(source, text)| source == "remote" && text.contains("Rewritten by an editor")),
        "a revision holds the site's text: {revisions:?}"
    );

    // Publish again, and this time replace the site's version.
    app.click("#publish-run").await;
    let said = outcome(&app).await;
    assert!(said.starts_with("DRIFT"), "{said}");
    app.click(".publish-drift button[data-choice=overwrite]")
        .await;
    let said = outcome(&app).await;
    assert!(
        said.starts_with(&format!("Updated the post on {name}")),
        "{said}"
    );
    let posts = wordpress.posts(&slug).await;
    assert_eq!(
        posts.len(),
        1,
        "still one post: {posts:?}; the site has: {}",
        wordpress.titled("From the Window").await
    );
    assert!(
        posts[0]["content"]["raw"]
            .as_str()
            .unwrap_or_default()
            .contains("A second paragraph, added later."),
        "{}",
        posts[0]
    );
    // The essay file was never written by publishing.
    let file = String::from_utf8(fixture.read("from-the-window.md")).expect("UTF-8");
    assert!(file.starts_with("---\ntitle: From the Window\n"), "{file}");
    assert!(!file.contains("Rewritten by an editor"), "{file}");
    app.close().await;
}
