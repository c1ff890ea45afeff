//! Bring your blog, in the window: a Hugo site's content folder opens as it is. The library
//! says how it reads the folder, lists the posts (not the section pages), and the preview
//! shows a shortcode as a placeholder named after it. Run with `scripts/e2e.sh blog`.

use quire_e2e::{copy_dir, workspace_root, Fixture};
use serde_json::json;

#[tokio::test]
#[ignore = "end-to-end: needs a display and the built app; run scripts/e2e.sh"]
async fn a_hugo_blog_opens_as_it_is() {
    let fixture = Fixture::new("a_hugo_blog_opens_as_it_is");
    let site = fixture.folder("hugo");
    copy_dir(&workspace_root().join("tests/fixtures/blogs/hugo"), &site);
    let content = site.join("content");
    let before = std::fs::read(content.join("posts/first-post.md")).expect("the post");

    let app = fixture.launch().await;
    let opened = app
        .driver()
        .execute_async(
            "const [path, done] = arguments; window.__quire.openFolder(path).then(done, (e) => done(String(e)));",
            vec![json!(content.display().to_string())],
        )
        .await
        .expect("openFolder");
    assert_eq!(opened.json(), &json!(true), "the folder opens");

    app.wait_js(
        "the footer says the folder is read as a Hugo site",
        "const f = document.getElementById('library-footer');
         return f.textContent.includes('Hugo site') && f.title.includes('found ../hugo.toml')",
        &[],
    )
    .await;
    let titles = app
        .wait_js(
            "the posts are listed",
            "const t = [...document.querySelectorAll('#essay-list .essay-title')].map((e) => e.textContent);
             return t.length >= 4 ? t : null",
            &[],
        )
        .await;
    let titles: Vec<String> = serde_json::from_value(titles).expect("titles");
    assert!(
        titles.contains(&"My First Post".to_string())
            && titles.contains(&"A Title From the First Heading".to_string())
            && !titles.iter().any(|t| t == "Posts" || t == "Home"),
        "posts, not section pages: {titles:?}"
    );

    app.open_by_title("My First Post").await;
    app.wait_preview_contains("Welcome to the blog").await;
    let placeholder = app
        .in_preview(|app| async move {
            app.js(
                "const s = document.querySelector('.shortcode');
                 return s ? [s.textContent, s.title, getComputedStyle(s, '::before').content] : null",
                &[],
            )
            .await
        })
        .await;
    assert_eq!(
        placeholder,
        json!(["youtube", "{{< youtube dQw4w9WgXcQ >}}", "\"shortcode \""]),
        "the shortcode shows as a named placeholder"
    );
    app.screenshot("").await;
    app.close().await;
    assert_eq!(
        std::fs::read(content.join("posts/first-post.md")).expect("the post"),
        before,
        "opening the blog changed no byte of it"
    );
}
