//! One essay as a PDF, printed by the preview's own engine (WebKitGTK).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::problem::Problem;

use super::Exporter;

impl Exporter {
    /// Exports one essay as `<out>/<slug>.pdf`. Returns the file written and any warnings.
    pub fn pdf(&self, file: &Path, out: &Path) -> Result<(PathBuf, Vec<Problem>)> {
        let _ = (file, out);
        Err(Error::Invalid("PDF export is not built yet".into()))
    }
}
