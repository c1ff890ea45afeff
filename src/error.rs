//! Typed errors for the core library.
//!
//! Every error that concerns an essay carries the file, and a line where one is known, so the
//! CLI can print `path:line: error: message` and the desktop app can show the same words. The
//! UI branches on [`Error::kind`], never on message text: [`ErrorKind`] is the closed set of
//! kinds a program can tell apart, and the only part of an error that is not for reading.

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
    /// The caller asked for something that cannot be done (a bad name, argument or query).
    #[error("{0}")]
    Invalid(String),
    /// What the caller named does not exist (an essay id, a revision, a file Quire does not know).
    #[error("{0}")]
    NotFound(String),
    /// The essay has a conflict with an outside edit, to be resolved before this can be done.
    #[error("{0}")]
    Conflict(String),
    /// The name asked for is taken by another file or essay.
    #[error("{0}")]
    Exists(String),
    /// The request was made against a state that has moved on (a conflict already resolved,
    /// choices for another merge, a render the core no longer holds): ask again from the start.
    #[error("{0}")]
    Stale(String),
    /// The text of a revision was pruned from the history.
    #[error("{0}")]
    Pruned(String),
    /// Quire itself failed (a worker stopped, a value could not be encoded): a bug, not the
    /// writer's doing.
    #[error("{0}")]
    Internal(String),
    /// A publishing target refused, failed or could not be reached; nothing was recorded as
    /// published.
    #[error("{target}: {message}")]
    Remote {
        /// The target's name.
        target: String,
        /// What happened and what to do.
        message: String,
    },
    /// The post was changed on the site since Quire last pushed it: publishing again would
    /// overwrite someone's edit, so it waits for the writer's choice.
    #[error("{target}: {message}")]
    Drift {
        /// The target's name.
        target: String,
        /// What changed there.
        message: String,
        /// What the writer may do about it (the CLI names its flags, the app its buttons).
        remedy: Remedy,
    },
}

/// The writer's ways out of an [`Error::Drift`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Remedy {
    /// Edited on the site: replace the site's version, or keep the site's text as a revision.
    OverwriteOrPull,
    /// Deleted on the site: publish it as a new post.
    Anew,
    /// The branch has commits Quire did not push: put the site on top of them.
    Overwrite,
    /// Changed while Quire was publishing: publishing again shows what changed.
    Retry,
}

/// The kinds of [`Error`], as a program tells them apart. Serialised in kebab case
/// (`not-found`, `unsafe-path`), which is what crosses to the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// [`Error::Io`].
    Io,
    /// [`Error::Essay`].
    Essay,
    /// [`Error::Render`].
    Render,
    /// [`Error::Theme`].
    Theme,
    /// [`Error::Store`].
    Store,
    /// [`Error::UnsafePath`].
    UnsafePath,
    /// [`Error::Invalid`].
    Invalid,
    /// [`Error::NotFound`].
    NotFound,
    /// [`Error::Conflict`].
    Conflict,
    /// [`Error::Exists`].
    Exists,
    /// [`Error::Stale`].
    Stale,
    /// [`Error::Pruned`].
    Pruned,
    /// [`Error::Internal`].
    Internal,
    /// [`Error::Remote`].
    Remote,
    /// [`Error::Drift`].
    Drift,
}

impl ErrorKind {
    /// The kind's name as it is serialised (`not-found`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Essay => "essay",
            ErrorKind::Render => "render",
            ErrorKind::Theme => "theme",
            ErrorKind::Store => "store",
            ErrorKind::UnsafePath => "unsafe-path",
            ErrorKind::Invalid => "invalid",
            ErrorKind::NotFound => "not-found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Exists => "exists",
            ErrorKind::Stale => "stale",
            ErrorKind::Pruned => "pruned",
            ErrorKind::Internal => "internal",
            ErrorKind::Remote => "remote",
            ErrorKind::Drift => "drift",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// What kind of failure this is, for the UI and scripts to branch on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::Essay { .. } => ErrorKind::Essay,
            Error::Render { .. } => ErrorKind::Render,
            Error::Theme { .. } => ErrorKind::Theme,
            Error::Store { .. } => ErrorKind::Store,
            Error::UnsafePath { .. } => ErrorKind::UnsafePath,
            Error::Invalid(_) => ErrorKind::Invalid,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Exists(_) => ErrorKind::Exists,
            Error::Stale(_) => ErrorKind::Stale,
            Error::Pruned(_) => ErrorKind::Pruned,
            Error::Internal(_) => ErrorKind::Internal,
            Error::Remote { .. } => ErrorKind::Remote,
            Error::Drift { .. } => ErrorKind::Drift,
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
            _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_as_their_names() {
        for kind in [ErrorKind::NotFound, ErrorKind::UnsafePath, ErrorKind::Stale] {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}
