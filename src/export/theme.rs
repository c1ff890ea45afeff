//! The [`Theme`]: minijinja templates and CSS, built in and overridable file by file.
//!
//! The built-in files are embedded with `include_str!`. A writer overrides any one of them by
//! putting a file of the same name in `<essays>/_theme/`; the rest stay built in. The site's
//! [`Settings`] shape every page, so they are part of the theme's fingerprint.

use std::path::{Path, PathBuf};

use minijinja::Environment;

use crate::error::{Error, Result};
use crate::settings::Settings;

/// The template and CSS files a theme is made of, with their built-in text.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("theme/base.html")),
    ("essay.html", include_str!("theme/essay.html")),
    ("index.html", include_str!("theme/index.html")),
    ("list.html", include_str!("theme/list.html")),
    ("tag.html", include_str!("theme/tag.html")),
    ("tags.html", include_str!("theme/tags.html")),
    ("style.css", include_str!("theme/style.css")),
];

/// The math font every theme's formulas are set in: TeX Gyre Pagella Math (GUST Font License,
/// see `theme/quire-math.LICENSE`), as WOFF2. Readers' machines rarely have a math font, and
/// without one MathML falls back to text fonts with no stretchy brackets or big operators.
pub const MATH_FONT: &[u8] = include_bytes!("theme/quire-math.woff2");

/// Where an export puts [`MATH_FONT`], relative to `style.css` (which names it so).
pub const MATH_FONT_FILE: &str = "fonts/quire-math.woff2";

/// The stylesheet of EPUB books: the site's look made for readers, who choose the fonts and
/// the page width. Overridable from `<essays>/_theme/epub.css` like the others, but not part of
/// the site's fingerprint: it shapes no page of the site.
const EPUB_CSS: (&str, &str) = ("epub.css", include_str!("theme/epub.css"));

/// Theme files larger than this are refused (they are read from a folder that syncs).
const MAX_THEME_FILE_BYTES: u64 = 1024 * 1024;

/// Templates ready to render, and the CSS, with a fingerprint of everything that shapes a page.
pub struct Theme {
    env: Environment<'static>,
    /// The stylesheet.
    pub css: String,
    /// The stylesheet of EPUB books.
    pub epub_css: String,
    /// Changes whenever a template, the CSS, the settings or Quire itself change; exported
    /// pages made with another fingerprint are rebuilt.
    pub fingerprint: String,
    /// The CSS with [`MATH_FONT`] inside it, made the first time a page with a formula is
    /// exported on its own (a standalone page, a PDF, the preview).
    css_with_font: std::sync::OnceLock<String>,
}

impl Theme {
    /// Loads the built-in theme with the overrides found in `<essays>/_theme/`.
    pub fn load(essays: &Path, settings: &Settings) -> Result<Theme> {
        let dir = essays.join("_theme");
        let mut hasher = blake3::Hasher::new();
        hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.update(
            serde_json::to_string(settings)
                .unwrap_or_default()
                .as_bytes(),
        );
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let mut css = String::new();
        for (name, built_in) in BUILT_IN {
            let path = dir.join(name);
            let (text, origin) = match read_override(&path)? {
                Some(text) => (text, path),
                None => (
                    built_in.to_string(),
                    PathBuf::from(format!("(built-in {name})")),
                ),
            };
            hasher.update(name.as_bytes());
            hasher.update(&(text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
            if *name == "style.css" {
                css = text;
                continue;
            }
            env.add_template_owned(name.to_string(), text)
                .map_err(|e| template_error(&origin, &e))?;
        }
        let epub_css = read_override(&dir.join(EPUB_CSS.0))?.unwrap_or_else(|| EPUB_CSS.1.into());
        Ok(Theme {
            env,
            css,
            epub_css,
            fingerprint: hasher.finalize().to_hex().to_string(),
            css_with_font: std::sync::OnceLock::new(),
        })
    }

    /// The built-in theme alone, for a single essay rendered outside any folder.
    pub fn built_in() -> Theme {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let mut css = String::new();
        for (name, text) in BUILT_IN {
            if *name == "style.css" {
                css = text.to_string();
            } else if let Err(e) = env.add_template(name, text) {
                unreachable_template(name, &e);
            }
        }
        Theme {
            env,
            css,
            epub_css: EPUB_CSS.1.to_string(),
            fingerprint: String::new(),
            css_with_font: std::sync::OnceLock::new(),
        }
    }

    /// The CSS for a page that must stand alone: with a formula on the page, the math font
    /// goes inside as a data URI (only then: it is 300 KB).
    pub fn standalone_css(&self, has_math: bool) -> &str {
        if !has_math {
            return &self.css;
        }
        self.css_with_font.get_or_init(|| {
            use base64::Engine as _;
            let data = format!(
                "url(\"data:font/woff2;base64,{}\")",
                base64::engine::general_purpose::STANDARD.encode(MATH_FONT)
            );
            self.css
                .replace(&format!("url(\"{MATH_FONT_FILE}\")"), &data)
        })
    }

    /// Renders one template with a context.
    pub fn render(&self, name: &str, context: minijinja::Value) -> Result<String> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(Path::new(name), &e))?;
        template
            .render(context)
            .map_err(|e| template_error(Path::new(name), &e))
    }
}

/// The built-in templates are tested; failing to parse one is a bug in Quire, not in the essays.
fn unreachable_template(name: &str, error: &minijinja::Error) {
    debug_assert!(false, "built-in template {name} does not parse: {error}");
}

fn read_override(path: &Path) -> Result<Option<String>> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    if meta.len() > MAX_THEME_FILE_BYTES {
        return Err(Error::Theme {
            path: path.to_path_buf(),
            line: 0,
            message: "theme file is larger than 1 MB".into(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(Some(text))
}

fn template_error(path: &Path, error: &minijinja::Error) -> Error {
    let path = match error.name() {
        Some(name) if path.file_name().is_some_and(|f| f != name) => path.with_file_name(name),
        _ => path.to_path_buf(),
    };
    Error::Theme {
        path,
        line: error.line().unwrap_or(0),
        message: format!(
            "template error: {}",
            error.detail().unwrap_or(&error.to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_when_quire_toml_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::load(dir.path()).unwrap();
        assert_eq!(settings.title, "Essays");
    }

    #[test]
    fn settings_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("quire.toml"),
            "title = \"A\"\nauthr = \"typo\"\n",
        )
        .unwrap();
        let err = Settings::load(dir.path()).unwrap_err();
        assert_eq!(err.line(), Some(2), "{err}");
    }

    #[test]
    fn a_theme_file_overrides_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("_theme")).unwrap();
        std::fs::write(dir.path().join("_theme/style.css"), "body{color:red}").unwrap();
        let theme = Theme::load(dir.path(), &Settings::default()).unwrap();
        assert_eq!(theme.css, "body{color:red}");
        assert_ne!(
            theme.fingerprint,
            Theme::load(tempfile::tempdir().unwrap().path(), &Settings::default())
                .unwrap()
                .fingerprint
        );
    }

    #[test]
    fn a_broken_template_override_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("_theme")).unwrap();
        std::fs::write(dir.path().join("_theme/tag.html"), "ok\n{% if %}\n").unwrap();
        let err = Theme::load(dir.path(), &Settings::default()).err().unwrap();
        assert!(err.to_string().contains("tag.html:2:"), "{err}");
    }
}
