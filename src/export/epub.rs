//! EPUB 3: one essay as a small book, or the published essays of a folder as one book.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::problem::Problem;

use super::{Exporter, Report, SiteOptions};

impl Exporter {
    /// Exports one essay as `<out>/<slug>.epub`. Returns the file written and any warnings.
    pub fn epub(&self, file: &Path, out: &Path) -> Result<(PathBuf, Vec<Problem>)> {
        let _ = (file, out);
        Err(Error::Invalid("EPUB export is not built yet".into()))
    }

    /// Exports the folder's published essays (drafts too when asked) as one book in `options.out`.
    pub fn book(
        &self,
        options: &SiteOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Report> {
        let _ = (options, progress);
        Err(Error::Invalid("EPUB export is not built yet".into()))
    }
}
