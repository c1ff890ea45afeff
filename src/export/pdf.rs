//! One essay as a PDF, printed by the preview's own engine.
//!
//! The page is the standalone export (theme CSS inlined, images as data URIs) with a
//! Content-Security-Policy that lets it load nothing at all, handed on standard input to
//! `quire-print`, a small program that lays it out with WebKitGTK, as the preview does, and
//! prints it to a file. Printing lives in its own program so that the core and the CLI link no
//! GUI toolkit, and so that a page that upsets the engine takes down that process, not Quire.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::markdown::{render_essay, RenderOptions};
use crate::problem::Problem;

use super::out::Out;
use super::paths::{ImageMode, PageUrls};
use super::{url_problems, with_path, Exporter};

/// The printer's program name; `QUIRE_PRINT` names another.
const PRINTER: &str = "quire-print";

/// Nothing but the inlined styles and data URIs: a printed page never reaches the network or
/// the disk, whatever an essay's Markdown says.
const PRINT_CSP: &str =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
     style-src 'unsafe-inline'; img-src data:; font-src data:\">";

impl Exporter {
    /// Exports one essay as `<out>/<slug>.pdf`. Returns the file written and any warnings.
    pub fn pdf(&self, file: &Path, out: &Path) -> Result<(PathBuf, Vec<Problem>)> {
        let relative = self.relative_to_root(file)?;
        let essay = self
            .library
            .read_essay(&relative)
            .map_err(|e| with_path(e, file))?;
        let slugs = HashMap::new();
        let urls = PageUrls::new(&self.library, &relative, &slugs, ImageMode::Inline, "");
        let rendered =
            render_essay(&essay, &RenderOptions::essay(), &urls).map_err(|e| with_path(e, file))?;
        let page = self.page_html(&essay, &rendered, "", true)?;
        let page = page.replacen("<head>", &format!("<head>\n{PRINT_CSP}"), 1);
        let out = Out::create(out)?;
        let name = PathBuf::from(format!("{}.pdf", essay.slug));
        let printed = out.root.join(format!(".{}.printing.pdf", essay.slug));
        let author = essay
            .front
            .extra
            .get("author")
            .and_then(|a| a.as_str())
            .unwrap_or(&self.settings.author);
        let result = print(
            &page,
            &printed,
            &essay.title(),
            author,
            self.settings.paper.name(),
        )
        .and_then(|()| std::fs::read(&printed).map_err(|e| Error::io(&printed, e)));
        let _ = std::fs::remove_file(&printed);
        let bytes = result.map_err(|e| match e {
            Error::Invalid(message) => Error::Invalid(format!("{}: {message}", file.display())),
            other => other,
        })?;
        out.write(&name, &bytes)?;
        let problems = url_problems(file, &rendered, urls.problems.into_inner());
        Ok((out.root.join(name), problems))
    }
}

/// Where `quire-print` is: `QUIRE_PRINT`, else beside this program (a build's target folder,
/// `/usr/bin`), else where the packages put helpers (`/usr/lib/quire`), else on `PATH`.
fn printer() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os("QUIRE_PRINT") {
        return Some(PathBuf::from(named));
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    let mut places = vec![dir.join(PRINTER)];
    // Test binaries live one level down, in target/<profile>/deps.
    if dir.ends_with("deps") {
        places.push(dir.parent()?.join(PRINTER));
    }
    places.push(dir.join("../lib/quire").join(PRINTER));
    if let Some(path) = std::env::var_os("PATH") {
        places.extend(std::env::split_paths(&path).map(|d| d.join(PRINTER)));
    }
    places.into_iter().find(|p| p.is_file())
}

fn print(page: &str, to: &Path, title: &str, author: &str, paper: &str) -> Result<()> {
    let Some(program) = printer() else {
        return Err(Error::Invalid(format!(
            "a PDF is printed by {PRINTER}, which comes with Quire, and it is not installed \
             beside this program or on PATH (a source build makes it with \
             `cargo build -p quire-print`)"
        )));
    };
    let mut child = Command::new(&program)
        .arg(to)
        .args(["--paper", paper, "--title", title, "--author", author])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::io(&program, e))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A printer that died early closes its end; its own words on stderr say why.
        let _ = stdin.write_all(page.as_bytes());
    }
    let output = child
        .wait_with_output()
        .map_err(|e| Error::io(&program, e))?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let said = said
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && l.starts_with("quire-print:"))
        .map(|l| l.trim_start_matches("quire-print:").trim().to_string())
        .unwrap_or_else(|| match output.status.code() {
            Some(code) => format!("{PRINTER} stopped with status {code}"),
            None => format!("{PRINTER} was stopped by a signal"),
        });
    Err(Error::Invalid(format!(
        "the PDF could not be printed: {said}"
    )))
}
