//! Word documents, read back by tools nobody here wrote: python-docx for the structure Word
//! shows (styles, numbering, tables, pictures, links, properties) and LibreOffice for opening
//! it at all, printing it, and reading its formulas as equations.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{copy_dir, run, stderr, stdout};

fn validators() -> PathBuf {
    std::env::var_os("QUIRE_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/validators"))
}

fn python(script: &str, docx: &Path) -> String {
    let python = validators().join("bin/python");
    let output = Command::new(&python)
        .args(["-c", script])
        .arg(docx)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/setup.sh", python.display()));
    assert!(
        output.status.success(),
        "python-docx failed (run scripts/setup.sh if it is missing): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The fixture exported through the CLI (a fresh process: docx-rs numbers pictures and notes
/// from process-wide counters).
fn exported() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docx"),
        &dir.path().join("essays"),
    );
    let output = run(
        dir.path(),
        &[
            "export",
            "essays/everything.md",
            "--format",
            "docx",
            "--out",
            "out",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let docx = dir
        .path()
        .join("out/everything.docx")
        .canonicalize()
        .expect("written");
    assert_eq!(stdout(&output).trim(), docx.display().to_string());
    assert_eq!(stderr(&output), "", "no warnings for the fixture");
    (dir, docx)
}

fn part(docx: &Path, name: &str) -> String {
    let file = std::fs::File::open(docx).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("text");
    text
}

const READ_BACK: &str = r#"
import docx, json, sys
d = docx.Document(sys.argv[1])
body = [{"style": p.style.name, "text": p.text,
         "numbered": p._p.pPr is not None and p._p.pPr.numPr is not None}
        for p in d.paragraphs]
print(json.dumps({
    "body": body,
    "tables": [[[c.text for c in r.cells] for r in t.rows] for t in d.tables],
    "links": sorted(r.target_ref for r in d.part.rels.values() if r.is_external),
    "pictures": [s._inline.docPr.get("descr") for s in d.inline_shapes],
    "title": d.core_properties.title, "author": d.core_properties.author,
}))
"#;

#[test]
fn a_word_document_has_word_s_own_structure() {
    let (_dir, docx) = exported();
    let read: serde_json::Value = serde_json::from_str(&python(READ_BACK, &docx)).expect("json");
    let body = read["body"].as_array().expect("paragraphs");
    let style_of = |text: &str| {
        body.iter()
            .find(|p| p["text"].as_str().is_some_and(|t| t.starts_with(text)))
            .map(|p| p["style"].as_str().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("no paragraph `{text}` in {body:?}"))
    };
    assert_eq!(style_of("Everything a Word Document Holds"), "Title");
    assert_eq!(style_of("A section"), "Heading 2");
    assert_eq!(style_of("A smaller section"), "Heading 3");
    assert_eq!(style_of("A quotation, set apart."), "Quote");
    assert_eq!(style_of("fn main() {"), "Code Block");
    // Lists are Word's numbering, nested ones included; a task list keeps its boxes.
    for item in [
        "First, numbered",
        "a bullet",
        "another bullet",
        "Third",
        "☒ done",
        "☐ not yet",
    ] {
        let p = body
            .iter()
            .find(|p| p["text"] == item)
            .unwrap_or_else(|| panic!("no item `{item}`"));
        assert_eq!(p["numbered"], true, "{item} is a list item");
    }
    assert_eq!(
        read["tables"],
        serde_json::json!([[["Year", "Budget"], ["2013", "420"], ["2014", "1,150"]]])
    );
    assert_eq!(
        read["links"],
        serde_json::json!(["https://example.org/docx"])
    );
    // The picture and the drawn diagram, each with its description.
    assert_eq!(
        read["pictures"],
        serde_json::json!(["A small swatch", "Diagram: flowchart LR Draft --> Publish"])
    );
    assert_eq!(read["title"], "Everything a Word Document Holds");
    assert_eq!(read["author"], "Ada Writer");
    // Emphasis survives as Word's, the link to another essay as its words, raw HTML's words too.
    let opening = style_of("An opening paragraph");
    assert_eq!(opening, "Normal");
    assert!(body.iter().any(|p| p["text"]
        .as_str()
        .is_some_and(|t| t.contains("A link to another essay keeps its words only."))));
    assert!(body.iter().any(|p| p["text"] == "Press Ctrl+S."));

    // Footnotes are Word's notes, each with its text (one holds a formula).
    let notes = part(&docx, "word/footnotes.xml");
    assert!(notes.contains("The first note, with ") && notes.contains("The second note."));
    assert!(notes.contains("<m:oMath><m:sSup>"), "{notes}");
    let document = part(&docx, "word/document.xml");
    assert_eq!(document.matches("<w:footnoteReference ").count(), 2);
}

#[test]
fn libreoffice_opens_it_prints_it_and_reads_its_formulas_as_equations() {
    let (dir, docx) = exported();
    let profile = dir.path().join("lo-profile");
    let convert = |to: &str| {
        let output = Command::new("soffice")
            .arg("--headless")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args(["--convert-to", to, "--outdir"])
            .arg(dir.path().join("lo"))
            .arg(&docx)
            .output()
            .expect("LibreOffice runs (scripts/setup.sh installs it)");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        dir.path().join("lo").join(format!("everything.{to}"))
    };
    let pdf = convert("pdf");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("An opening paragraph with emphasis") && text.contains("A smaller section"),
        "{text}"
    );

    // In an .odt each formula is an object holding MathML and its StarMath source.
    let odt = convert("odt");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(odt).expect("odt")).expect("zip");
    let mut formulas = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        if entry.name().starts_with("Object ") && entry.name().ends_with("/content.xml") {
            let mut xml = String::new();
            entry.read_to_string(&mut xml).expect("xml");
            formulas.push(xml);
        }
    }
    assert!(
        formulas.len() >= 2,
        "{} formulas came through",
        formulas.len()
    );
    assert!(
        formulas
            .iter()
            .any(|f| f.contains("<mfrac") && f.contains("<msqrt")),
        "the display formula is a fraction and a root"
    );
    assert!(
        formulas.iter().any(|f| f.contains("<msup")),
        "A = πr² has its square"
    );
}

#[test]
fn the_document_xml_of_the_fixture_is_pinned() {
    let (_dir, docx) = exported();
    let document = part(&docx, "word/document.xml");
    // Readable: one element a line from each paragraph on.
    insta::assert_snapshot!(
        "docx_everything_document",
        document.replace("<w:p ", "\n<w:p ")
    );
}

#[test]
fn every_bundled_essay_makes_a_word_document_without_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("essays"),
        &dir.path().join("essays"),
    );
    for essay in ["feature-tour.md", "a-misplaced-focus.md"] {
        let file = format!("essays/{essay}");
        let output = run(
            dir.path(),
            &["export", &file, "--format", "docx", "--out", "out"],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(stderr(&output), "", "{essay}: no warnings");
    }
}

#[test]
fn an_essay_nested_too_deep_is_refused_with_its_line_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("essays")).expect("mkdir");
    std::fs::write(
        dir.path().join("essays/deep.md"),
        format!("---\ntitle: Deep\n---\n\n{}x\n", "> ".repeat(10_000)),
    )
    .expect("write");
    let output = run(
        dir.path(),
        &[
            "export",
            "essays/deep.md",
            "--format",
            "docx",
            "--out",
            "out",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("deep.md:5:"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("out/deep.docx").exists());
}
