//! One essay as a Word document (`.docx`).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::problem::Problem;

use super::Exporter;

impl Exporter {
    /// Exports one essay as `<out>/<slug>.docx`. Returns the file written and any warnings.
    pub fn docx(&self, file: &Path, out: &Path) -> Result<(PathBuf, Vec<Problem>)> {
        let _ = (file, out);
        Err(Error::Invalid("DOCX export is not built yet".into()))
    }
}
