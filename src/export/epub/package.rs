//! The EPUB container: a [`Book`] written as an OCF zip with its package document
//! (`content.opf`), navigation document (`nav.xhtml`), stylesheet, chapters and images.
//!
//! Written by hand rather than through epub-builder: the manifest must declare
//! `properties="mathml"` and `"svg"` per chapter, which that crate cannot, and the whole
//! package is a few templates. Every byte depends only on the book, never on the clock, so
//! exporting the same essays twice gives the same file.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::{Error, Result};

use super::xhtml::{escape_attr, escape_text};

const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

/// A book ready to be packed.
pub(super) struct Book {
    pub title: String,
    /// The writer, when known.
    pub creator: Option<String>,
    /// A BCP 47 tag.
    pub language: String,
    /// `YYYY-MM-DD`: the essay's date, or the newest essay's.
    pub date: Option<String>,
    pub description: Option<String>,
    /// `urn:uuid:…`, the same for every export of the same essays.
    pub identifier: String,
    /// `CCYY-MM-DDThh:mm:ssZ`.
    pub modified: String,
    pub css: String,
    pub chapters: Vec<BookChapter>,
    pub images: Vec<Image>,
}

/// One essay of the book.
pub(super) struct BookChapter {
    /// Its file inside `OEBPS/text/`.
    pub file: String,
    pub title: String,
    /// The whole XHTML document.
    pub xhtml: String,
    pub mathml: bool,
    pub svg: bool,
    /// Its headings for the table of contents: level, text, fragment (empty: none).
    pub toc: Vec<(u8, String, String)>,
}

/// An image packed into `OEBPS/images/`.
pub(super) struct Image {
    /// Its path inside `OEBPS/`.
    pub href: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The `.epub` file's bytes.
pub(super) fn pack(book: &Book) -> Result<Vec<u8>> {
    let zip_error = |e: zip::result::ZipError| Error::Invalid(format!("EPUB not written: {e}"));
    let io_error = |e: std::io::Error| Error::Invalid(format!("EPUB not written: {e}"));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let fixed = SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
    // The OCF wants `mimetype` first and stored, so that `file` and readers can sniff it.
    zip.start_file(
        "mimetype",
        fixed.compression_method(CompressionMethod::Stored),
    )
    .map_err(zip_error)?;
    zip.write_all(b"application/epub+zip").map_err(io_error)?;
    let deflated = fixed.compression_method(CompressionMethod::Deflated);
    let mut files: Vec<(String, &[u8])> = Vec::new();
    let opf = package_document(book);
    let nav = navigation_document(book);
    files.push(("META-INF/container.xml".into(), CONTAINER.as_bytes()));
    files.push(("OEBPS/content.opf".into(), opf.as_bytes()));
    files.push(("OEBPS/nav.xhtml".into(), nav.as_bytes()));
    files.push(("OEBPS/epub.css".into(), book.css.as_bytes()));
    for chapter in &book.chapters {
        files.push((
            format!("OEBPS/text/{}", chapter.file),
            chapter.xhtml.as_bytes(),
        ));
    }
    for image in &book.images {
        files.push((format!("OEBPS/{}", image.href), &image.bytes));
    }
    for (name, bytes) in files {
        zip.start_file(name, deflated).map_err(zip_error)?;
        zip.write_all(bytes).map_err(io_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

fn element(out: &mut String, open: &str, close: &str, text: &str) {
    out.push_str(open);
    escape_text(text, out);
    out.push_str(close);
}

/// `content.opf`.
pub(super) fn package_document(book: &Book) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"book-id\" xml:lang=\"");
    escape_attr(&book.language, &mut out);
    out.push_str("\">\n  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    element(
        &mut out,
        "    <dc:identifier id=\"book-id\">",
        "</dc:identifier>\n",
        &book.identifier,
    );
    element(&mut out, "    <dc:title>", "</dc:title>\n", &book.title);
    element(
        &mut out,
        "    <dc:language>",
        "</dc:language>\n",
        &book.language,
    );
    if let Some(creator) = &book.creator {
        element(&mut out, "    <dc:creator>", "</dc:creator>\n", creator);
    }
    if let Some(date) = &book.date {
        element(&mut out, "    <dc:date>", "</dc:date>\n", date);
    }
    if let Some(description) = &book.description {
        element(
            &mut out,
            "    <dc:description>",
            "</dc:description>\n",
            description,
        );
    }
    element(
        &mut out,
        "    <meta property=\"dcterms:modified\">",
        "</meta>\n",
        &book.modified,
    );
    out.push_str("  </metadata>\n  <manifest>\n");
    out.push_str("    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n");
    out.push_str("    <item id=\"css\" href=\"epub.css\" media-type=\"text/css\"/>\n");
    for (i, chapter) in book.chapters.iter().enumerate() {
        out.push_str(&format!(
            "    <item id=\"c{}\" href=\"text/{}\" media-type=\"application/xhtml+xml\"",
            i + 1,
            chapter.file
        ));
        let properties: Vec<&str> = [(chapter.mathml, "mathml"), (chapter.svg, "svg")]
            .iter()
            .filter_map(|&(has, name)| has.then_some(name))
            .collect();
        if !properties.is_empty() {
            out.push_str(&format!(" properties=\"{}\"", properties.join(" ")));
        }
        out.push_str("/>\n");
    }
    for (i, image) in book.images.iter().enumerate() {
        out.push_str(&format!(
            "    <item id=\"i{}\" href=\"{}\" media-type=\"{}\"/>\n",
            i + 1,
            image.href,
            image.media_type
        ));
    }
    out.push_str("  </manifest>\n  <spine>\n");
    for i in 0..book.chapters.len() {
        out.push_str(&format!("    <itemref idref=\"c{}\"/>\n", i + 1));
    }
    out.push_str("  </spine>\n</package>\n");
    out
}

/// The start of an XHTML document in the book's language.
pub(super) fn xhtml_head(out: &mut String, language: &str, title: &str, css: &str) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    out.push_str("<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"");
    escape_attr(language, out);
    out.push_str("\" xml:lang=\"");
    escape_attr(language, out);
    out.push_str("\">\n<head>\n");
    element(out, "<title>", "</title>\n", title);
    out.push_str("<link rel=\"stylesheet\" type=\"text/css\" href=\"");
    out.push_str(css);
    out.push_str("\"/>\n</head>\n");
}

/// `nav.xhtml`: one entry per essay, its headings nested below.
pub(super) fn navigation_document(book: &Book) -> String {
    let mut out = String::new();
    xhtml_head(&mut out, &book.language, &book.title, "epub.css");
    out.push_str("<body>\n<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\">\n");
    element(&mut out, "<h1>", "</h1>\n", &book.title);
    out.push_str("<ol>\n");
    for chapter in &book.chapters {
        out.push_str("<li>");
        link(&mut out, &chapter.file, "", &chapter.title);
        nested(&mut out, &chapter.file, &chapter.toc);
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</nav>\n</body>\n</html>\n");
    out
}

fn link(out: &mut String, file: &str, fragment: &str, text: &str) {
    out.push_str("<a href=\"text/");
    out.push_str(file);
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(fragment);
    }
    out.push_str("\">");
    // A table of contents entry must not be empty.
    let text = text.trim();
    escape_text(if text.is_empty() { "(untitled)" } else { text }, out);
    out.push_str("</a>");
}

/// Headings as nested lists: a deeper heading opens a list inside the entry before it, however
/// many levels it skips, so that every list item holds a link.
fn nested(out: &mut String, file: &str, headings: &[(u8, String, String)]) {
    let mut open: Vec<u8> = Vec::new();
    for (level, text, fragment) in headings {
        match open.last() {
            Some(&last) if *level <= last => {
                while let [.., parent, last] = open[..] {
                    if *level >= last {
                        break;
                    }
                    if parent < *level {
                        // Between the two lists' levels: it joins the inner one.
                        open.pop();
                        open.push(*level);
                        break;
                    }
                    out.push_str("</li></ol>");
                    open.pop();
                }
                out.push_str("</li>");
            }
            _ => {
                out.push_str("<ol>");
                open.push(*level);
            }
        }
        out.push_str("<li>");
        link(out, file, fragment, text);
    }
    for _ in open {
        out.push_str("</li></ol>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toc(levels: &[u8]) -> String {
        let headings: Vec<(u8, String, String)> = levels
            .iter()
            .enumerate()
            .map(|(i, &l)| (l, format!("h{i}"), String::new()))
            .collect();
        let mut out = String::new();
        nested(&mut out, "f", &headings);
        out.replace("<a href=\"text/f\">", "").replace("</a>", "")
    }

    #[test]
    fn headings_nest_whatever_levels_they_skip() {
        assert_eq!(toc(&[2, 2]), "<ol><li>h0</li><li>h1</li></ol>");
        assert_eq!(
            toc(&[2, 4, 3, 2]),
            "<ol><li>h0<ol><li>h1</li><li>h2</li></ol></li><li>h3</li></ol>"
        );
        assert_eq!(
            toc(&[3, 2, 4]),
            "<ol><li>h0</li><li>h1<ol><li>h2</li></ol></li></ol>"
        );
        assert_eq!(toc(&[]), "");
    }
}
