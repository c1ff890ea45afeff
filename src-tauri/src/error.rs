//! [`UiError`]: how every failure crosses to the UI, as `{kind, message}`. The UI branches on
//! `kind` and shows `message`; it never parses text. The kinds are the core's closed set
//! ([`ErrorKind`]), so the shell adds none of its own and the UI's type lists them all.

use quire::ErrorKind;
use serde::Serialize;

/// An error for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "QuireError"))]
pub struct UiError {
    /// What kind of failure it is: the one thing the UI branches on.
    pub kind: ErrorKind,
    /// A sentence for the writer, naming the file and line where there is one.
    pub message: String,
}

impl UiError {
    /// An error the shell itself raises.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        UiError {
            kind,
            message: message.into(),
        }
    }
}

impl From<quire::Error> for UiError {
    fn from(error: quire::Error) -> Self {
        UiError {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UiError {}
