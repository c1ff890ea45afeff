//! Typed errors for the core library.
//!
//! Every error that concerns an essay carries the file, and a line where one is known, so the
//! CLI can print `path:line: error: message` and the desktop app can show the same words. The
//! UI branches on [`Error::kind`], never on message text.

use std::io;
use std::path::{Path, PathBuf};

/// Everything the core can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// An essay's content could not be read as an essay (front matter, encoding, size).
    #[error("{}:{line}: {message}", path.display())]
    Essay {
        /// The essay file.
        path: PathBuf,
        /// 1-based line the problem was found on.
        line: usize,
        /// What is wrong and what to do about it.
        message: String,
    },
    /// Rendering an essay's Markdown failed (pathological nesting, output too large, a bug).
    #[error("{}:{line}: {message}", path.display())]
    Render {
        /// The essay file.
        path: PathBuf,
        /// 1-based line the problem was found on.
        line: usize,
        /// What is wrong and what to do about it.
        message: String,
    },
    /// A theme template or the site settings are broken.
    #[error("{}:{line}: {message}", path.display())]
    Theme {
        /// The template or `quire.toml` file.
        path: PathBuf,
        /// 1-based line, 0 when unknown.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The SQLite store cannot be used (locked, damaged, read-only, full, too new).
    #[error("{}: {message}", path.display())]
    Store {
        /// The store file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// A path would have left the folder it must stay in.
    #[error("{}: {message}", path.display())]
    UnsafePath {
        /// The offending path.
        path: PathBuf,
        /// Why it was refused.
        message: String,
    },
    /// The caller asked for something that cannot be done (bad arguments, an existing file).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// A stable, machine-readable name for the UI and scripts.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Essay { .. } => "essay",
            Error::Render { .. } => "render",
            Error::Theme { .. } => "theme",
            Error::Store { .. } => "store",
            Error::UnsafePath { .. } => "unsafe-path",
            Error::Invalid(_) => "invalid",
        }
    }

    /// The file the error is about, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::Essay { path, .. }
            | Error::Render { path, .. }
            | Error::Theme { path, .. }
            | Error::Store { path, .. }
            | Error::UnsafePath { path, .. } => Some(path),
            Error::Invalid(_) => None,
        }
    }

    /// The 1-based line the error is about, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Essay { line, .. } | Error::Render { line, .. } => Some(*line),
            Error::Theme { line, .. } if *line > 0 => Some(*line),
            _ => None,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
