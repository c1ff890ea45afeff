//! Whole-site export: the fixture folder `tests/fixtures/site` exported through the CLI and
//! compared with snapshots, then changed in the ways writers change things.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use crate::support::{copy_fixture, files, read, run, stderr};

fn export(site: &Path) -> std::process::Output {
    run(site, &["export", ".", "--out", "out"])
}

/// Modification times of every file in the output, to prove what was not rewritten.
fn mtimes(out: &Path) -> BTreeMap<String, SystemTime> {
    files(out)
        .into_iter()
        .map(|f| {
            let modified = std::fs::metadata(out.join(&f))
                .and_then(|m| m.modified())
                .expect("mtime");
            (f, modified)
        })
        .collect()
}

fn rewritten(
    before: &BTreeMap<String, SystemTime>,
    after: &BTreeMap<String, SystemTime>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(f, t)| before.get(*f) != Some(t))
        .map(|(f, _)| f.clone())
        .filter(|f| f != ".quire-export.json")
        .collect()
}

fn wrote_lines(output: &std::process::Output) -> Vec<String> {
    let mut lines: Vec<String> = stderr(output)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("wrote ").map(str::to_string))
        .collect();
    lines.sort();
    lines
}

#[test]
fn exported_site_matches_snapshots_and_reports_the_broken_essay() {
    let (_guard, site) = copy_fixture("site");
    let output = export(&site);
    let err = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a failing essay makes the exit code 1:\n{err}"
    );
    assert!(
        err.contains("broken.md:3: error: `date: not-a-date` is not a date"),
        "{err}"
    );
    let out = site.join("out");
    insta::assert_snapshot!("site_files", files(&out).join("\n"));
    for page in [
        "index.html",
        "feed.xml",
        "sitemap.xml",
        "first/index.html",
        "second-thoughts/index.html",
        "nested/index.html",
        "tags/policy/index.html",
        "tags/index.html",
    ] {
        insta::assert_snapshot!(
            format!("site_{}", page.replace('/', "_")),
            read(out.join(page))
        );
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    assert!(!site.join("out/draft").exists());
    assert!(!read(site.join("out/index.html")).contains("Not Yet"));
    run(&site, &["export", ".", "--out", "with-drafts", "--drafts"]);
    assert!(site.join("with-drafts/draft/index.html").is_file());
    assert!(read(site.join("with-drafts/draft/index.html")).contains("class=\"badge\">Draft"));
}

#[test]
fn a_second_export_with_nothing_changed_writes_nothing() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    let before = mtimes(&site.join("out"));
    let output = export(&site);
    assert!(wrote_lines(&output).is_empty(), "{}", stderr(&output));
    assert_eq!(
        rewritten(&before, &mtimes(&site.join("out"))),
        Vec::<String>::new()
    );
}

#[test]
fn a_body_change_rewrites_only_that_page_and_the_feed() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    let before = mtimes(&site.join("out"));
    let essay = site.join("first.md");
    std::fs::write(&essay, read(&essay) + "\nA new closing line.\n").expect("edit");
    let output = export(&site);
    let expected = ["feed.xml", "first/index.html"];
    assert_eq!(wrote_lines(&output), expected, "{}", stderr(&output));
    assert_eq!(rewritten(&before, &mtimes(&site.join("out"))), expected);
}

#[test]
fn a_title_change_rewrites_the_page_index_tag_pages_and_feed() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    let before = mtimes(&site.join("out"));
    let essay = site.join("first.md");
    std::fs::write(
        &essay,
        read(&essay).replace("The First Essay", "The Very First Essay"),
    )
    .expect("edit");
    let output = export(&site);
    let expected = [
        "feed.xml",
        "first/index.html",
        "index.html",
        "tags/history/index.html",
        "tags/policy/index.html",
    ];
    assert_eq!(wrote_lines(&output), expected, "{}", stderr(&output));
    assert_eq!(rewritten(&before, &mtimes(&site.join("out"))), expected);
}

#[test]
fn a_new_slug_rebuilds_linking_pages_and_removes_the_old_page() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    let essay = site.join("first.md");
    std::fs::write(
        &essay,
        read(&essay).replace("status: published", "status: published\nslug: beginnings"),
    )
    .expect("edit");
    let output = export(&site);
    let out = site.join("out");
    assert!(
        !out.join("first").exists(),
        "old page removed: {}",
        stderr(&output)
    );
    assert!(out.join("beginnings/index.html").is_file());
    assert!(out.join("beginnings/assets/dot.svg").is_file());
    assert!(
        read(out.join("second-thoughts/index.html")).contains("href=\"../beginnings/#beginnings\"")
    );
    assert!(
        stderr(&output).contains("removed first/index.html"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_template_override_rebuilds_every_page_with_it() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    let base = quire::export::theme::BUILT_IN
        .iter()
        .find(|(name, _)| *name == "base.html")
        .expect("base")
        .1;
    let changed = base.replace("<main id=\"text\">", "<main id=\"text\" class=\"wide\">");
    std::fs::write(site.join("_theme/base.html"), changed).expect("theme");
    let output = export(&site);
    let wrote = wrote_lines(&output);
    for page in [
        "first/index.html",
        "second-thoughts/index.html",
        "nested/index.html",
        "index.html",
    ] {
        assert!(
            wrote.contains(&page.to_string()),
            "{page} not rewritten: {wrote:?}"
        );
        assert!(
            read(site.join("out").join(page)).contains("<main id=\"text\" class=\"wide\">"),
            "{page}"
        );
    }
}

#[test]
fn a_stylesheet_override_rewrites_the_stylesheet_alone() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    std::fs::write(
        site.join("_theme/style.css"),
        "body { color: rebeccapurple; }\n",
    )
    .expect("theme");
    let output = export(&site);
    // Pages link the stylesheet, so their bytes do not change and they are not rewritten.
    assert_eq!(wrote_lines(&output), ["style.css"]);
    assert_eq!(
        read(site.join("out/style.css")),
        "body { color: rebeccapurple; }\n"
    );
}

#[test]
fn an_essay_deleted_from_the_folder_disappears_from_the_site() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    std::fs::remove_file(site.join("notes/nested.md")).expect("delete");
    export(&site);
    assert!(!site.join("out/nested").exists());
    assert!(!read(site.join("out/index.html")).contains("Nested TOML Essay"));
}

#[test]
fn standalone_export_is_one_self_contained_file() {
    let (_guard, site) = copy_fixture("site");
    let output = run(
        &site,
        &["export", "first.md", "--standalone", "--out", "usb"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(files(&site.join("usb")), ["first.html"]);
    let html = read(site.join("usb/first.html"));
    assert!(html.contains("<style>"), "CSS inlined");
    assert!(
        !html.contains("rel=\"stylesheet\""),
        "no external stylesheet"
    );
    assert!(
        html.contains("src=\"data:image/svg+xml;base64,"),
        "image embedded"
    );
    assert!(!html.contains("href=\"../"), "no links up out of the file");
}

#[test]
fn post_export_writes_the_page_its_images_and_the_stylesheet() {
    let (_guard, site) = copy_fixture("site");
    let output = run(&site, &["export", "first.md", "--out", "post"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        files(&site.join("post")),
        ["first/assets/dot.svg", "first/index.html", "style.css"]
    );
}

#[test]
fn without_a_base_url_there_is_no_sitemap_and_check_says_so() {
    let (_guard, site) = copy_fixture("site");
    export(&site);
    assert!(site.join("out/sitemap.xml").is_file());
    let settings = site.join("quire.toml");
    let without: String = read(&settings)
        .lines()
        .filter(|l| !l.starts_with("base_url"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&settings, without).expect("edit");
    let output = export(&site);
    assert!(
        !site.join("out/sitemap.xml").exists(),
        "a sitemap of relative links is invalid; the old one is removed: {}",
        stderr(&output)
    );
    assert!(site.join("out/feed.xml").is_file());
    let check = crate::support::stdout(&run(&site, &["check", "."]));
    assert!(
        check.contains("./quire.toml:1: warning: base_url is not set, so sitemap.xml is left out"),
        "{check}"
    );

    std::fs::remove_file(&settings).expect("remove");
    let check = crate::support::stdout(&run(&site, &["check", "."]));
    assert!(
        check.contains(".: warning: base_url is not set (there is no quire.toml)"),
        "names the folder, not a file that does not exist:\n{check}"
    );
    assert!(!check.contains("quire.toml:"), "{check}");
}

#[test]
fn an_essay_in_another_language_says_so_on_its_page() {
    let (_guard, site) = copy_fixture("site");
    std::fs::write(
        site.join("french.md"),
        "---\ntitle: En français\ndate: 2024-03-01\nstatus: published\nlang: fr\n---\n\nBonjour.\n",
    )
    .expect("write");
    std::fs::write(
        site.join("odd.md"),
        "---\ntitle: Odd\ndate: 2024-03-02\nstatus: published\nlang: \"en\\\" onload=x\"\n---\n\nHello.\n",
    )
    .expect("write");
    export(&site);
    let out = site.join("out");
    assert!(read(out.join("french/index.html")).contains("<html lang=\"fr\">"));
    // Not a language tag: the site's language, and nothing of the value.
    let odd = read(out.join("odd/index.html"));
    assert!(odd.contains("<html lang=\"en\">"), "{odd}");
    assert!(!odd.contains("onload"), "{odd}");
    assert!(read(out.join("index.html")).contains("<html lang=\"en\">"));
}

#[test]
fn the_math_font_travels_with_pages_that_have_formulas_and_only_those() {
    let dir = tempfile::tempdir().expect("tempdir");
    let essays = dir.path().join("essays");
    std::fs::create_dir_all(&essays).expect("mkdir");
    std::fs::write(
        essays.join("math.md"),
        "# Sums\n\nThe area is $\\pi r^2$.\n",
    )
    .expect("write");
    std::fs::write(essays.join("prose.md"), "# Prose\n\nNo formulas here.\n").expect("write");
    let font = quire::export::theme::MATH_FONT;

    for (essay, has_math) in [("math", true), ("prose", false)] {
        let file = format!("essays/{essay}.md");
        let out = format!("usb-{essay}");
        let output = run(
            dir.path(),
            &["export", &file, "--standalone", "--out", &out],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        let page = read(dir.path().join(&out).join(format!("{essay}.html")));
        assert_eq!(
            page.contains("url(\"data:font/woff2;base64,"),
            has_math,
            "{essay}"
        );
        assert_eq!(page.contains("<math"), has_math, "{essay}");

        let out = format!("post-{essay}");
        let output = run(dir.path(), &["export", &file, "--out", &out]);
        assert!(output.status.success(), "{}", stderr(&output));
        let written = dir.path().join(&out).join("fonts/quire-math.woff2");
        assert_eq!(written.is_file(), has_math, "{essay}");
        if has_math {
            assert_eq!(std::fs::read(&written).expect("font"), font);
            let css = read(dir.path().join(&out).join("style.css"));
            assert!(css.contains("src: url(\"fonts/quire-math.woff2\") format(\"woff2\")"));
        }
    }
    // A real WOFF2 file, not a placeholder.
    assert_eq!(&font[..4], b"wOF2");
    assert!(font.len() > 100_000);
}
