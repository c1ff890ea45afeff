//! The end-to-end tests, one test binary: each file here was a test target of its own, and each
//! linked thirtyfour, reqwest, tokio and SQLite anew (twelve links of the same libraries in every
//! run of the test command). A test's name starts with its file's (`app::`, `export::`...), so
//! `scripts/e2e.sh export` still runs one file's tests.

mod accessibility;
mod answering;
mod app;
mod blogs;
mod export;
mod history;
mod images;
mod keyboard;
mod modes;
mod preview;
mod publish;
mod site_accessibility;
