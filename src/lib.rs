//! Quire's core: essays in, published HTML out. No Tauri here, ever.
//!
//! - [`essay`]: an [`Essay`](essay::Essay) is one Markdown file; front matter split at byte 0
//!   and parsed into [`FrontMatter`](essay::FrontMatter), the body left byte for byte.
//! - [`markdown`]: the one render pipeline ([`render`](markdown::render)) used by the preview,
//!   `quire render` and export: safe HTML, outline, word count, source lines.
//! - [`library`]: an essays folder ([`Library`](library::Library)): which files are essays.
//! - [`export`]: the [`Exporter`](export::Exporter): one post, one standalone file, or a site
//!   with index, tag pages, feed and sitemap, from overridable templates.
//! - [`check`]: pre-publish [`Problem`](check::Problem)s as `path:line: level: message`.
//! - [`error`]: the typed [`Error`] every fallible function returns.

pub mod check;
pub mod error;
pub mod essay;
pub mod export;
pub mod library;
pub mod markdown;
pub mod store;

pub use error::{Error, ErrorKind, Result};
