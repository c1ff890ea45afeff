//! Snapshot tests of the render pipeline: every `tests/fixtures/render/*.md` is rendered and its
//! HTML, outline, word count and source map compared with `snapshots/`.

use quire::essay::Essay;
use quire::markdown::{render_essay, KeepUrls, RenderOptions};

#[test]
fn render_fixtures_match_their_snapshots() {
    insta::glob!("../fixtures/render", "*.md", |path| {
        let bytes = std::fs::read(path).expect("fixture readable");
        let name = path.file_name().expect("file name");
        let essay = Essay::parse(Path::new(name), bytes).expect("fixture parses");
        let rendered =
            render_essay(&essay, &RenderOptions::essay(), &KeepUrls).expect("fixture renders");
        let outline: Vec<String> = rendered
            .outline
            .iter()
            .map(|h| format!("h{} #{} line {}: {}", h.level, h.id, h.line, h.text))
            .collect();
        let report = format!(
            "words: {}, reading minutes: {}\nsource map: {:?}\noutline:\n{}\n---- html ----\n{}",
            rendered.words,
            rendered.reading_minutes,
            rendered.source_map,
            outline.join("\n"),
            rendered.html
        );
        insta::assert_snapshot!(report);
    });
}

#[test]
fn preview_and_export_share_the_pipeline_output() {
    // What the writer previews (render) is byte for byte what the exported page's body holds.
    let (_guard, site) = crate::support::copy_fixture("site");
    let out = site.join("out");
    let essay = Essay::read(&site.join("notes/nested.md")).expect("reads");
    let rendered = render_essay(&essay, &RenderOptions::essay(), &KeepUrls).expect("renders");
    crate::support::run(&site, &["export", ".", "--out", "out", "-q"]);
    let page = crate::support::read(out.join("nested/index.html"));
    // The only difference export makes is rewriting links between essays to their pages.
    let expected = rendered.html.replace("../second.md", "../second-thoughts/");
    assert!(
        page.contains(&expected),
        "page:\n{page}\nexpected body:\n{expected}"
    );
}
