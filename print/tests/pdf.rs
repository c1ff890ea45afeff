//! The PDF export end to end: the core's exporter, this printer under a real X server, and
//! the PDF read back with tools nobody here wrote (qpdf, poppler's pdffonts, pdftotext, pdfinfo).

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use quire::export::Exporter;

const PRINTER: &str = env!("CARGO_BIN_EXE_quire-print");

/// Starts Xvfb, says its display on stdout, and stops it when process `$1` has ended.
const XVFB_WATCHDOG: &str =
    "Xvfb -displayfd 1 -screen 0 1280x800x24 -nolisten tcp 2>/dev/null & x=$!; \
     trap 'kill $x 2>/dev/null' EXIT; while kill -0 \"$1\" 2>/dev/null; do sleep 0.5; done";

/// One Xvfb for the whole test binary; the printer (a child of the exporter) finds it through
/// DISPLAY, and the exporter finds the printer through QUIRE_PRINT.
fn display() {
    static XVFB: OnceLock<Child> = OnceLock::new();
    XVFB.get_or_init(|| {
        // A watchdog shell stops this Xvfb once the test binary is gone, however it ends.
        let mut xvfb = Command::new("sh")
            .args(["-c", XVFB_WATCHDOG, "sh", &std::process::id().to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (scripts/setup.sh installs it)");
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().expect("Xvfb's stdout"))
            .read_line(&mut line)
            .expect("Xvfb says its display");
        std::env::set_var("DISPLAY", format!(":{}", line.trim()));
        std::env::set_var("QUIRE_PRINT", PRINTER);
        xvfb
    });
}

fn essays() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path().join("essays");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../essays"),
        &root,
    );
    (dir, root)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/setup.sh installs it): {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn export(root: &Path, essay: &str) -> PathBuf {
    display();
    let exporter = Exporter::open(root).expect("the folder opens");
    let out = root.parent().expect("parent").join("out");
    let (pdf, problems) = exporter
        .pdf(&root.join(essay), &out)
        .expect("the essay prints");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        pdf,
        out.canonicalize()
            .expect("out")
            .join(essay.replace(".md", ".pdf"))
    );
    pdf
}

fn info(pdf: &Path, field: &str) -> String {
    tool("pdfinfo", &[pdf.to_str().expect("utf-8")])
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!("{field}:"))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

#[test]
fn the_feature_tour_prints_as_a_checked_pdf_with_its_words_in_order_and_every_font_embedded() {
    let (_dir, root) = essays();
    let pdf = export(&root, "feature-tour.md");
    let path = pdf.to_str().expect("utf-8");

    let check = tool("qpdf", &["--check", path]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );

    let fonts = tool("pdffonts", &[path]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "the PDF has text in real fonts: {fonts}");
    for row in rows {
        // name type encoding emb sub uni id: "emb" is the fourth column from the right.
        let columns: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(columns[columns.len() - 5], "yes", "not embedded: {row}");
    }

    let text = tool("pdftotext", &["-layout", path, "-"]);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!((2..=6).contains(&pages.len()), "{} pages", pages.len());
    assert_eq!(info(&pdf, "Pages"), pages.len().to_string());
    let mut at = 0;
    for words in [
        "A Tour of What Quire Renders",
        "Typography that takes care of itself",
        "Notes at the foot of the page",
        "Border security",
        "Code, highlighted",
        "fn word_count",
        "Formulas",
        "Images that travel with the essay",
        "That is the whole tour.",
        "The first note.",
    ] {
        let found = text[at..]
            .find(words)
            .unwrap_or_else(|| panic!("`{words}` is not in the PDF after byte {at}:\n{text}"));
        at += found + words.len();
    }
    // The running title heads every page but the first; every page is numbered "n / N".
    let total = pages.len();
    for (i, page) in pages.iter().enumerate() {
        let squeezed: String = page.split_whitespace().collect();
        assert!(
            squeezed.contains(&format!("{}/{total}", i + 1)),
            "page {} unnumbered",
            i + 1
        );
        let head = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if i > 0 {
            assert_eq!(
                head.trim(),
                "A Tour of What Quire Renders",
                "page {}",
                i + 1
            );
        }
    }
    assert_eq!(info(&pdf, "Title"), "A Tour of What Quire Renders");
    assert_eq!(info(&pdf, "Page size"), "595 x 842 pts (A4)");
    // No app chrome: the site's header and footer are not on paper.
    assert!(!text.contains("Subscribe to the feed") && !text.contains("Skip to the text"));
}

#[test]
fn the_paper_comes_from_the_settings_and_the_author_from_them_too() {
    let (_dir, root) = essays();
    std::fs::write(
        root.join("quire.toml"),
        "title = \"Field Notes\"\nauthor = \"Ada Writer\"\npaper = \"letter\"\n",
    )
    .expect("write quire.toml");
    let pdf = export(&root, "feature-tour.md");
    assert_eq!(info(&pdf, "Page size"), "612 x 792 pts (letter)");
    assert_eq!(info(&pdf, "Author"), "Ada Writer");
}

#[test]
fn a_printed_essay_reaches_no_server_and_no_local_file() {
    let server = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = server.local_addr().expect("addr").port();
    let knocks = Arc::new(AtomicUsize::new(0));
    {
        let knocks = Arc::clone(&knocks);
        server.set_nonblocking(false).expect("blocking");
        std::thread::spawn(move || {
            for stream in server.incoming() {
                knocks.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
    }
    let (_dir, root) = essays();
    let secret = root.parent().expect("parent").join("secret.png");
    tool(
        "convert",
        &["-size", "16x16", "xc:red", secret.to_str().expect("utf-8")],
    );
    std::fs::write(
        root.join("hostile.md"),
        format!(
            "---\ntitle: Hostile\n---\n\nText before.\n\n\
             ![remote](http://127.0.0.1:{port}/pixel.png)\n\n\
             <img src=\"http://127.0.0.1:{port}/raw.png\">\n\n\
             <link rel=\"stylesheet\" href=\"http://127.0.0.1:{port}/style.css\">\n\n\
             <iframe src=\"http://127.0.0.1:{port}/frame\"></iframe>\n\n\
             ![local](file://{})\n\n\
             <script>document.write('SCRIPT RAN')</script>\n\n\
             <p style=\"background: url(http://127.0.0.1:{port}/bg.png)\">Text after.</p>\n",
            secret.display()
        ),
    )
    .expect("write the essay");
    display();
    let exporter = Exporter::open(&root).expect("open");
    let out = root.parent().expect("parent").join("out");
    let (pdf, _problems) = exporter
        .pdf(&root.join("hostile.md"), &out)
        .expect("the essay prints");
    let text = tool("pdftotext", &[pdf.to_str().expect("utf-8"), "-"]);
    assert!(
        text.contains("Text before.") && text.contains("Text after."),
        "{text}"
    );
    assert!(!text.contains("SCRIPT RAN"), "{text}");
    let images = tool("pdfimages", &["-list", pdf.to_str().expect("utf-8")]);
    assert_eq!(
        images.lines().count(),
        2,
        "an image came from outside the page: {images}"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        knocks.load(Ordering::SeqCst),
        0,
        "the printed page reached the network"
    );
    // Nothing but the PDF is left in the output folder.
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["hostile.pdf"]);
}

#[test]
fn without_a_display_the_printer_says_to_use_xvfb_run() {
    let mut child = Command::new(PRINTER)
        .arg(std::env::temp_dir().join("quire-no-display.pdf"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the printer runs");
    drop(child.stdin.take());
    let mut said = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut said)
        .expect("read");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(3), "{said}");
    assert!(
        said.contains("needs a display") && said.contains("xvfb-run"),
        "{said}"
    );
}

#[test]
fn links_are_live_and_the_headings_are_bookmarks_to_their_pages() {
    let (_dir, root) = essays();
    let pdf = export(&root, "feature-tour.md");
    let path = pdf.to_str().expect("utf-8");
    // poppler's own reading of the PDF: links with their targets, then the outline.
    let xml = tool("pdftohtml", &["-xml", "-stdout", "-i", "-q", path]);
    let links: Vec<&str> = xml
        .split("<a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(links.contains(&"https://commonmark.org/help/"), "{links:?}");
    assert!(links.contains(&"https://example.org/"), "{links:?}");

    // Each page's text, to know where a heading really is.
    let text = tool("pdftotext", &[path, "-"]);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let page_of = |words: &str| {
        1 + pages
            .iter()
            .position(|p| p.contains(words))
            .unwrap_or_else(|| panic!("`{words}` is on no page"))
    };
    let outline: Vec<(usize, String)> = xml
        .split("<item page=\"")
        .skip(1)
        .filter_map(|s| {
            let (page, rest) = s.split_once("\">")?;
            let (title, _) = rest.split_once("</item>")?;
            Some((page.parse().ok()?, title.replace("&amp;", "&")))
        })
        .collect();
    let titles: Vec<&str> = outline.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "A Tour of What Quire Renders",
            "Typography that takes care of itself",
            "Notes at the foot of the page",
            "Tables for the numbers",
            "Code, highlighted",
            "Lists and tasks",
            "Formulas",
            "Diagrams",
            "Images that travel with the essay",
            "A little raw HTML",
        ]
    );
    for (page, title) in &outline {
        assert_eq!(
            *page,
            page_of(title),
            "the bookmark `{title}` opens its page"
        );
    }
    // The essay's title holds the sections: they are nested one level below it.
    let nested = xml.split("<outline>").nth(2).expect("a nested outline");
    assert!(nested.contains("Typography that takes care of itself"));

    // In-page links go to the page their target is on: the heading, the footnotes.
    let tables = format!("#{}", page_of("Tables for the numbers"));
    assert!(
        links.iter().any(|l| l.ends_with(&tables)),
        "{links:?} lacks {tables}"
    );
    let notes = format!("#{}", page_of("The first note."));
    assert!(
        links.iter().filter(|l| l.ends_with(&notes)).count() >= 2,
        "both footnote marks link to the notes: {links:?}"
    );
}

#[test]
fn every_bundled_essay_prints_without_a_warning() {
    let (_dir, root) = essays();
    for essay in ["a-misplaced-focus.md", "feature-tour.md"] {
        let pdf = export(&root, essay);
        assert!(
            info(&pdf, "Pages").parse::<usize>().unwrap_or(0) >= 1,
            "{essay}"
        );
    }
}
