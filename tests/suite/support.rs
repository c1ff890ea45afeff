//! Shared helpers: the built binary, fixture copies, file listings.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `quire` binary cargo built for these tests.
pub fn quire() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quire"));
    cmd.env_remove("QUIRE_ESSAYS").env("NO_COLOR", "1");
    cmd
}

/// Runs `quire` with arguments in a folder.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    quire()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("quire runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture folder into a fresh temporary folder, returning (guard, copy).
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let dest = dir.path().join(name);
    copy_dir(&fixture(name), &dest);
    (dir, dest)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Every file below `root`, relative, sorted, with `/` separators.
pub fn files(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(root)
        .into_iter()
        .map(|p| {
            p.strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// A file's bytes as text, whatever they are (an export holds fonts and images too).
pub fn read_lossy(path: impl AsRef<Path>) -> String {
    let bytes =
        std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()));
    String::from_utf8_lossy(&bytes).into_owned()
}
