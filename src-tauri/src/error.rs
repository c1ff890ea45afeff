//! [`UiError`]: how every failure crosses to the UI, as `{kind, message}`. The UI branches on
//! `kind` and shows `message`; it never parses text.

use serde::Serialize;

/// An error for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiError {
    /// A stable name: the core's [`quire::Error::kind`], or `internal`.
    pub kind: String,
    /// A sentence for the writer, naming the file and line where there is one.
    pub message: String,
}

impl UiError {
    /// An error the shell itself raises.
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        UiError {
            kind: kind.to_string(),
            message: message.into(),
        }
    }
}

impl From<quire::Error> for UiError {
    fn from(error: quire::Error) -> Self {
        UiError {
            kind: error.kind().to_string(),
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
