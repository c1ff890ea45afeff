//! Quire's core: essays in, published HTML out. No Tauri here, ever.
//!
//! - [`essay`]: an [`Essay`](essay::Essay) is one Markdown file; front matter split at byte 0
//!   and parsed into [`FrontMatter`](essay::FrontMatter), the body left byte for byte.
//! - [`markdown`]: the one render pipeline ([`render`](markdown::render)) used by the preview,
//!   `quire render` and export: safe HTML, outline, word count, source lines.
//! - [`library`]: an essays folder ([`Library`](library::Library)): which files are essays.
//! - [`export`]: the [`Exporter`](export::Exporter): one post, one standalone file, or a site
//!   with index, tag pages, feed and sitemap, from overridable templates.
//! - [`preview`]: the live preview's protocol: the export's page in parts, and the changed
//!   blocks of each keystroke ([`SentBlocks`](preview::SentBlocks)).
//! - [`check`]: pre-publish checks of a whole folder ([`check_folder`](check::check_folder)).
//! - [`publish`]: essays to WordPress (and the site to a git branch), updated in place, with
//!   drift found before anything on the site is overwritten.
//! - [`error`]: the typed [`Error`] every fallible function returns.
//!
//! Shared pieces sit below the modules that use them, so imports go one way (check and the
//! CLI over export over library over markdown; `tests/suite/layers.rs` keeps it so):
//! - [`url`]: URLs as a browser reads them ([`Url`](url::Url)), the one parser of local link
//!   targets ([`LocalLink`](url::LocalLink)), percent-decoding, resolving inside the folder.
//! - [`settings`]: [`Settings`](settings::Settings) from `quire.toml`, and where an export goes
//!   ([`export_folder`](settings::Settings::export_folder)).
//! - [`problem`]: [`Problem`](problem::Problem)s as `path:line: level: message`, found by
//!   check and export and shown by the CLI and the app.

pub mod check;
pub mod conventions;
pub mod error;
pub mod essay;
pub mod export;
pub mod library;
pub mod markdown;
pub mod preview;
pub mod problem;
pub mod publish;
pub mod settings;
pub mod store;
pub mod url;

pub use error::{Error, ErrorKind, Remedy, Result};

/// Quire's version and the commit it was built from ("0.1.0 (commit 3856626)"), as
/// `quire --version` and the app's About say it. The commit comes from `QUIRE_COMMIT` at build
/// time, which the scripts that build for people (start, package) set from git: a build.rs
/// asking git would rebuild the core and the app on every commit during development.
pub fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        let commit = option_env!("QUIRE_COMMIT").filter(|c| !c.trim().is_empty());
        format!(
            "{} (commit {})",
            env!("CARGO_PKG_VERSION"),
            commit.map_or("unknown", str::trim)
        )
    })
}
