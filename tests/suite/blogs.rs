//! Bring your blog: Hugo, Zola and Jekyll folders (`tests/fixtures/blogs/`, shaped like real
//! sites: bundles, drafts, dated names, taxonomies, aliases, shortcodes, section pages,
//! co-located images) opened, checked and exported as they are, compared with snapshots; and
//! not a byte of them changed. Where Hugo is installed, the Hugo fixture is built with Hugo too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use quire::essay::Status;
use quire::library::Library;

use crate::support::{copy_fixture, files, read, run, stderr, stdout};

/// The blogs, and the folder of each that a writer opens (a Hugo or Zola site's `content/`).
const BLOGS: [(&str, &str); 3] = [
    ("blogs/hugo", "content"),
    ("blogs/zola", "content"),
    ("blogs/jekyll", ""),
];

/// The first match of `start…end` in `html`, without the markers.
fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    Some(&html[from..from + html[from..].find(end)?])
}

/// What a reader of the exported site meets: each page (title, date, tags, summary) and each
/// redirect (where it sends), in file order.
fn site_summary(out: &Path) -> String {
    let mut summary = String::new();
    for file in files(out) {
        if !file.ends_with(".html") {
            summary.push_str(&format!("{file}\n"));
            continue;
        }
        let html = read(out.join(&file));
        if let Some(target) = between(&html, "content=\"0; url=", "\"") {
            summary.push_str(&format!("{file} -> redirect to {target}\n"));
            continue;
        }
        let title = between(&html, "<title>", "</title>").unwrap_or("?");
        summary.push_str(&format!("{file}: {title}\n"));
        if html.contains("class=\"essay\"") {
            let date = between(&html, "<time datetime=\"", "\"").unwrap_or("no date");
            let summary_text = between(&html, "<meta name=\"description\" content=\"", "\"");
            let tags: Vec<&str> = html
                .split("<ul class=\"tags\">")
                .nth(1)
                .and_then(|rest| rest.split("</ul>").next())
                .map(|list| {
                    list.split("/\">")
                        .skip(1)
                        .filter_map(|s| s.split('<').next())
                        .collect()
                })
                .unwrap_or_default();
            summary.push_str(&format!(
                "  date {date}; tags {tags:?}; summary {summary_text:?}\n"
            ));
            let shortcodes = html.matches("class=\"shortcode\"").count();
            if shortcodes > 0 {
                summary.push_str(&format!("  {shortcodes} shortcode placeholder(s)\n"));
            }
        }
    }
    summary
}

#[test]
fn each_blog_exports_the_posts_its_generator_publishes() {
    for (blog, content) in BLOGS {
        let (_guard, site) = copy_fixture(blog);
        let out = site.parent().unwrap().join("out");
        let output = run(
            &site.join(content),
            &["export", ".", "--out", out.to_str().unwrap()],
        );
        assert!(output.status.success(), "{blog}: {}", stderr(&output));
        let name = blog.replace('/', "-");
        insta::assert_snapshot!(format!("{name}-site"), site_summary(&out));
        if blog == "blogs/zola" {
            // Zola's `@/` link reaches the other post's page from where this one is.
            let page = read(out.join("blog/dated-post/index.html"));
            assert!(
                page.contains("<a href=\"../../blog/bundle/\">the page bundle</a>"),
                "{page}"
            );
        }
    }
}

#[test]
fn check_reports_only_the_real_problems() {
    for (blog, content) in BLOGS {
        let (_guard, site) = copy_fixture(blog);
        let folder = site.join(content);
        let output = run(&folder, &["check", "."]);
        let prefix = format!("{}/", folder.display());
        let text = format!("{}{}", stdout(&output), stderr(&output)).replace(&prefix, "");
        let name = blog.replace('/', "-");
        insta::assert_snapshot!(format!("{name}-check"), text);
    }
}

/// Every file below `root` and its bytes.
fn contents(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files(root)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(root.join(&f)).expect("read");
            (f, bytes)
        })
        .collect()
}

#[test]
fn opening_indexing_exporting_and_checking_change_no_byte() {
    for (blog, content) in BLOGS {
        let (guard, site) = copy_fixture(blog);
        let folder = site.join(content);
        let before = contents(&site);

        // The app's way in: a library over the folder, its store elsewhere, every essay read.
        let library = Library::open(&folder, &guard.path().join("quire.db")).expect("opens");
        library.scan().expect("scans");
        let essays = library.essays().expect("lists");
        assert!(essays.len() >= 3, "{blog}: {} essays", essays.len());
        for essay in &essays {
            library.open_essay(essay.id).expect("opens the essay");
        }
        let published = essays
            .iter()
            .filter(|e| e.status == Status::Published)
            .count();
        assert!(published >= 2, "{blog}: {published} published");
        drop(library);

        let out = guard.path().join("out");
        let export = run(&folder, &["export", ".", "--out", out.to_str().unwrap()]);
        assert!(export.status.success(), "{}", stderr(&export));
        run(&folder, &["check", "."]);
        assert_eq!(
            contents(&site),
            before,
            "{blog}: a file in the folder changed"
        );
    }
}

/// The `hugo` binary, or None (with a note) where it is not installed. Under CI it must be:
/// `scripts/setup.sh` installs it.
fn hugo() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("hugo"))
            .find(|path| path.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "hugo is not installed; scripts/setup.sh installs it (apt package hugo)"
        );
        eprintln!("note: hugo is not installed; the comparison with Hugo is skipped");
    }
    found
}

/// Builds the Hugo site `site` into `built` with `hugo` (quietly); fails the test if Hugo does.
fn build_with_hugo(hugo: &Path, site: &Path, built: &Path) {
    let output = Command::new(hugo)
        .args(["--quiet", "--source"])
        .arg(site)
        .arg("--destination")
        .arg(built)
        .output()
        .expect("hugo runs");
    assert!(
        output.status.success(),
        "hugo failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The posts of a built site: page address (its folder) → title, from each page with a
/// level-one heading, leaving out the front page, tag pages and redirects.
fn posts(out: &Path) -> BTreeMap<String, String> {
    files(out)
        .into_iter()
        .filter_map(|f| {
            let page = f.strip_suffix("/index.html")?.to_string();
            if page.starts_with("tags") {
                return None;
            }
            let html = read(out.join(&f));
            if html.contains("http-equiv=\"refresh\"") || !html.contains("<h1") {
                return None;
            }
            let title = between(&html, "<h1", "</h1>")
                .and_then(|h| h.split('>').nth(1))
                .unwrap_or("")
                .to_string();
            Some((page, title))
        })
        .collect()
}

#[test]
fn the_hugo_blog_has_the_pages_addresses_and_titles_hugo_builds() {
    let Some(hugo) = hugo() else { return };
    let (guard, site) = copy_fixture("blogs/hugo");
    let built = guard.path().join("hugo-out");
    build_with_hugo(&hugo, &site, &built);
    let ours = guard.path().join("quire-out");
    let export = run(
        &site.join("content"),
        &["export", ".", "--out", ours.to_str().unwrap()],
    );
    assert!(export.status.success(), "{}", stderr(&export));

    // The same pages at the same addresses (posts/…/), with the same titles; Hugo's title is
    // the front matter's only, where Quire also takes a first heading.
    let mut hugo_posts = posts(&built);
    let quire_posts = posts(&ours);
    for (page, title) in hugo_posts.iter_mut() {
        if title.is_empty() {
            *title = quire_posts.get(page).cloned().unwrap_or_default();
        }
    }
    assert_eq!(quire_posts, hugo_posts);
    assert!(quire_posts.len() >= 3, "{quire_posts:?}");
}

#[test]
fn a_new_essay_follows_the_folders_conventions() {
    let expected = [
        (
            "blogs/hugo",
            "posts/a-new-post.md",
            "---\ntitle: \"A New Post\"\ndate: ",
        ),
        (
            "blogs/zola",
            "blog/a-new-post.md",
            "+++\ntitle = \"A New Post\"\ndate = ",
        ),
        (
            "blogs/jekyll",
            "_drafts/a-new-post.md",
            "---\nlayout: post\ntitle: \"A New Post\"\n",
        ),
    ];
    for ((blog, content), (_, file, start)) in BLOGS.into_iter().zip(expected) {
        let (guard, site) = copy_fixture(blog);
        let folder = site.join(content);
        let db = guard.path().join("new.db");
        let output = run(
            &folder,
            &[
                "new",
                "A New Post",
                "--essays",
                ".",
                "--db",
                db.to_str().unwrap(),
            ],
        );
        assert!(output.status.success(), "{blog}: {}", stderr(&output));
        let text = read(folder.join(file));
        assert!(text.starts_with(start), "{blog}: {text}");
        // A draft to the generator too, and nothing for check to complain about.
        let check = run(&folder, &["check", "."]);
        assert!(
            !stdout(&check).contains("a-new-post"),
            "{blog}: {}",
            stdout(&check)
        );
        let export = run(
            &folder,
            &[
                "export",
                ".",
                "--out",
                guard.path().join("out").to_str().unwrap(),
            ],
        );
        assert!(export.status.success(), "{}", stderr(&export));
        assert!(
            !guard.path().join("out/a-new-post").exists(),
            "{blog}: a draft is not published"
        );
        // The old generator still builds the folder, and keeps the new essay a draft.
        if blog == "blogs/hugo" {
            if let Some(hugo) = hugo() {
                let built = guard.path().join("hugo-out");
                build_with_hugo(&hugo, &site, &built);
                assert!(
                    built.join("2022/07/my-first-post/index.html").is_file(),
                    "Hugo built the blog"
                );
                let built_pages = files(&built);
                assert!(
                    !built_pages
                        .iter()
                        .any(|f| f.ends_with(".html") && read(built.join(f)).contains("A New Post")),
                    "Hugo keeps it a draft"
                );
            }
        }
    }
}

#[test]
fn a_hugo_or_zola_site_opened_at_its_root_is_read_from_its_content_folder() {
    for blog in ["blogs/hugo", "blogs/zola"] {
        let (guard, site) = copy_fixture(blog);
        // What a site has besides its posts: a README and a theme's Markdown are not essays.
        std::fs::write(site.join("README.md"), "# How to build this site\n").expect("write");
        std::fs::create_dir_all(site.join("themes/plain")).expect("mkdir");
        std::fs::write(site.join("themes/plain/README.md"), "# A theme\n").expect("write");
        let from_content = guard.path().join("from-content");
        let from_root = guard.path().join("from-root");
        let a = run(
            &site.join("content"),
            &["export", ".", "--out", from_content.to_str().unwrap()],
        );
        let b = run(
            &site,
            &["export", ".", "--out", from_root.to_str().unwrap()],
        );
        assert!(
            a.status.success() && b.status.success(),
            "{}{}",
            stderr(&a),
            stderr(&b)
        );
        assert_eq!(
            site_summary(&from_root),
            site_summary(&from_content),
            "{blog}"
        );
    }
}

/// The pages of an export (`path/index.html: title`), redirects and the rest left out.
fn page_list(out: &Path) -> Vec<String> {
    posts(out)
        .into_iter()
        .map(|(page, title)| format!("{page}: {title}"))
        .collect()
}

#[test]
fn a_section_or_jekylls_posts_opened_alone_export_their_posts_at_the_same_addresses() {
    let export = |folder: &Path, out: &Path| {
        let output = run(folder, &["export", ".", "--out", out.to_str().unwrap()]);
        assert!(output.status.success(), "{}", stderr(&output));
        page_list(out)
    };

    // Hugo: one section of the content opened alone (its [permalinks] and its pages' places
    // are the section's all the same).
    let (guard, site) = copy_fixture("blogs/hugo");
    let from_content = export(&site.join("content"), &guard.path().join("a"));
    let from_section = export(&site.join("content/posts"), &guard.path().join("b"));
    assert_eq!(from_section, from_content);
    assert!(from_content.len() >= 3, "{from_content:?}");

    // Jekyll: _posts/ opened alone, its posts at the site's permalink.
    let (guard, site) = copy_fixture("blogs/jekyll");
    let whole = export(&site, &guard.path().join("a"));
    let posts_only = export(&site.join("_posts"), &guard.path().join("b"));
    assert_eq!(
        posts_only,
        [
            "2021/03/04/hello-jekyll: Hello, Jekyll",
            "2021/05/06/liquid-tags: Liquid Tags"
        ]
    );
    assert!(posts_only.iter().all(|p| whole.contains(p)), "{whole:?}");
}

#[test]
fn a_new_post_in_a_jekyll_site_without_drafts_is_dated_and_held_back_in_posts() {
    let (guard, site) = copy_fixture("blogs/jekyll");
    std::fs::remove_dir_all(site.join("_drafts")).unwrap();
    let db = guard.path().join("new.db");
    let output = run(
        &site,
        &[
            "new",
            "A New Post",
            "--essays",
            ".",
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let file = format!("_posts/{today}-a-new-post.md");
    assert!(stdout(&output).contains(&file), "{}", stdout(&output));
    let text = read(site.join(&file));
    assert!(text.contains("\npublished: false\n"), "{text}");
    let check = run(&site, &["check", "."]);
    assert!(!stdout(&check).contains("a-new-post"), "{}", stdout(&check));
    let out = guard.path().join("out");
    let export = run(&site, &["export", ".", "--out", out.to_str().unwrap()]);
    assert!(export.status.success(), "{}", stderr(&export));
    assert!(
        !page_list(&out).iter().any(|p| p.contains("a-new-post")),
        "a post Jekyll holds back is not published"
    );
}

#[test]
fn a_new_post_opens_with_the_front_matter_most_of_the_blogs_posts_use() {
    // This Hugo blog's posts are mostly TOML (+++): a new one too, still a draft to Hugo.
    let (guard, site) = copy_fixture("blogs/hugo");
    let posts = site.join("content/posts");
    for name in ["toml-one", "toml-two", "toml-three"] {
        std::fs::write(
            posts.join(format!("{name}.md")),
            format!("+++\ntitle = \"{name}\"\ndate = 2023-01-01\n+++\n\nText.\n"),
        )
        .unwrap();
    }
    let db = guard.path().join("new.db");
    let output = run(
        &site.join("content"),
        &[
            "new",
            "A New Post",
            "--essays",
            ".",
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = read(posts.join("a-new-post.md"));
    assert!(
        text.starts_with("+++\ntitle = \"A New Post\"\ndate = ")
            && text.contains("\ndraft = true\n"),
        "{text}"
    );
    if let Some(hugo) = hugo() {
        let built = guard.path().join("hugo-out");
        build_with_hugo(&hugo, &site, &built);
        // The blog's [permalinks] put posts at /:year/:month/:slug/.
        assert!(built.join("2023/01/toml-one/index.html").is_file());
        let built_pages = files(&built);
        assert!(
            !built_pages
                .iter()
                .any(|f| f.ends_with(".html") && read(built.join(f)).contains("A New Post")),
            "Hugo keeps it a draft"
        );
    }
}

#[test]
fn render_reads_a_post_as_its_blog_does() {
    let (_guard, site) = copy_fixture("blogs/hugo");
    let output = run(&site, &["render", "content/posts/first-post.md"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = stdout(&output);
    assert!(
        html.contains(
            "<span class=\"shortcode\" title=\"{{&lt; youtube dQw4w9WgXcQ &gt;}}\">youtube</span>"
        ),
        "{html}"
    );
    assert!(!html.contains("<p>{{"), "{html}");
}

#[test]
fn an_export_with_no_folder_named_goes_where_the_old_generator_does_not_build_from() {
    for (blog, content) in BLOGS {
        let (guard, site) = copy_fixture(blog);
        let folder = site.join(content);
        let before = files(&folder);
        let output = run(&folder, &["export", "."]);
        assert!(output.status.success(), "{blog}: {}", stderr(&output));
        // Beside the generator's folders, not in the content (where it would be built into
        // the old site as pages) nor in Hugo's public/.
        assert!(
            site.join("_quire-site/index.html").is_file(),
            "{blog}: {}",
            stdout(&output)
        );
        if !content.is_empty() {
            assert_eq!(files(&folder), before, "{blog}: the content folder changed");
        }
        if blog == "blogs/hugo" {
            if let Some(hugo) = hugo() {
                let built = guard.path().join("hugo-out");
                build_with_hugo(&hugo, &site, &built);
                let pages = files(&built);
                assert!(
                    pages.iter().all(|p| !p.contains("quire")),
                    "Hugo built Quire's export into the site: {pages:?}"
                );
            }
        }
    }
}

/// The addresses of a built site's redirect pages (`posts/old/`, `2022/07/first.html`).
fn redirects(out: &Path) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html") && read(out.join(f)).contains("http-equiv=\"refresh\""))
        .map(|f| {
            f.strip_suffix("index.html")
                .map_or(f.clone(), str::to_string)
        })
        .collect()
}

#[test]
fn the_hugo_blogs_old_addresses_are_where_hugo_puts_them() {
    let Some(hugo) = hugo() else { return };
    let (guard, site) = copy_fixture("blogs/hugo");
    // Aliases as Hugo reads them: from the site's root, or beside the page's address.
    std::fs::write(
        site.join("content/posts/moved.md"),
        "---\ntitle: \"Moved\"\ndate: 2023-04-05\naliases: [\"was-here\", \"../gone/\", \"/abs/\", \"old.html\"]\n---\n\nText.\n",
    )
    .expect("write");
    let built = guard.path().join("hugo-out");
    build_with_hugo(&hugo, &site, &built);
    let ours = guard.path().join("quire-out");
    let export = run(
        &site.join("content"),
        &["export", ".", "--out", ours.to_str().unwrap()],
    );
    assert!(export.status.success(), "{}", stderr(&export));
    assert_eq!(redirects(&ours), redirects(&built));
    assert!(redirects(&ours).contains(&"2023/04/was-here/".to_string()));
}

#[test]
fn check_asks_a_date_of_posts_not_of_pages() {
    // A page (about, contact) has no date in any of the three; a post in a section does.
    let cases = [
        ("blogs/jekyll", "", "contact.md", "_posts/undated.md"),
        ("blogs/zola", "content", "about.md", "blog/undated.md"),
        ("blogs/hugo", "content", "about.md", "posts/undated.md"),
    ];
    for (blog, content, page, post) in cases {
        let (_guard, site) = copy_fixture(blog);
        let folder = site.join(content);
        let front = if blog == "blogs/zola" {
            "+++\ntitle = \"T\"\n+++\n\nText.\n"
        } else {
            "---\ntitle: T\n---\n\nText.\n"
        };
        std::fs::write(folder.join(page), front).expect("write");
        std::fs::write(folder.join(post), front).expect("write");
        let output = run(&folder, &["check", "."]);
        let text = stdout(&output) + &stderr(&output);
        assert!(
            !text.contains(&format!("{page}:1: error: missing date"))
                && !text.contains(&format!("{page}: error: missing date")),
            "{blog}: {text}"
        );
        if blog != "blogs/jekyll" {
            // Jekyll leaves an undated file in _posts out altogether.
            assert!(
                text.contains("undated.md:1: error: missing date"),
                "{blog}: {text}"
            );
        }
    }
}
