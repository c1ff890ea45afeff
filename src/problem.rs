//! [`Problem`]s: findings worth a writer's attention, printed as `path:line: level: message`.
//!
//! `quire check` reports them, an export reports the ones that did not stop it, and the CLI
//! and the app show them; they live here, below all three, so none has to import another.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Publishing would be wrong or broken: `quire check` exits 1.
    Error,
    /// Worth fixing, but the essay can be published.
    Warning,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// One finding, printed as `path:line: level: message` (`path: level: message` without a line).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file, or the folder when the problem is a file that is missing.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file or folder.
    pub line: usize,
    /// Error or warning.
    pub level: Level,
    /// What is wrong and, where it helps, what to do.
    pub message: String,
}

impl Problem {
    /// A problem at a file and line.
    pub fn new(path: PathBuf, line: usize, level: Level, message: impl Into<String>) -> Problem {
        Problem {
            path,
            line,
            level,
            message: message.into(),
        }
    }

    /// A problem from a core error, which names its own file and line.
    pub fn from_error(error: &Error, fallback: &Path) -> Problem {
        let message = match error {
            Error::Essay { message, .. }
            | Error::Render { message, .. }
            | Error::Theme { message, .. } => message.clone(),
            Error::Io { source, .. } => source.to_string(),
            Error::UnsafePath { message, .. } | Error::Store { message, .. } => message.clone(),
            Error::Remote { message, .. } | Error::Drift { message, .. } => message.clone(),
            Error::Invalid(message)
            | Error::NotFound(message)
            | Error::Conflict(message)
            | Error::Exists(message)
            | Error::Stale(message)
            | Error::Pruned(message)
            | Error::Internal(message) => message.clone(),
        };
        let path = error
            .path()
            .map_or_else(|| fallback.to_path_buf(), Path::to_path_buf);
        Problem::new(path, error.line().unwrap_or(1), Level::Error, message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.path.display())?;
        if self.line > 0 {
            write!(f, "{}:", self.line)?;
        }
        write!(f, " {}: {}", self.level, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_without_a_line_prints_no_line_number() {
        let at_line = Problem::new("a.md".into(), 3, Level::Error, "bad");
        assert_eq!(at_line.to_string(), "a.md:3: error: bad");
        let whole = Problem::new("essays".into(), 0, Level::Warning, "no quire.toml");
        assert_eq!(whole.to_string(), "essays: warning: no quire.toml");
    }
}
