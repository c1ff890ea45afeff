//! The UI's TypeScript types for everything that crosses IPC, written from the Rust types
//! (ts-rs) into `ui/src/ipc/generated.ts` rather than copied by hand. The derives exist only in
//! test builds (`cfg(test)` here, the core's `ts` feature, which only this crate's
//! dev-dependency turns on), so neither the app nor the CLI carries ts-rs. The test fails when
//! the committed file differs from what the types say; regenerate with
//! `QUIRE_WRITE_TS=1 cargo test -p quire-desktop ipc_types` (see ui/README.md).

use std::path::PathBuf;

use ts_rs::{Config, TS};

use quire::library::diff::{Span, SpanKind};
use quire::library::images::AddedImage;
use quire::library::watch::WatchHealth;
use quire::library::{Change, OpenedEssay, ReadProgress};
use quire::markdown::Heading;
use quire::store::Source;
use quire::ErrorKind;

use quire::preview::{BlockChange, PageShell, Preview, TextEdit};

use crate::commands::{EssaySummary, LibraryInfo, ListedChange, SearchHit, WatchNews, WindowStart};
use crate::error::UiError;
use crate::panels::{
    CheckView, ChoiceView, ExportKind, ExportOutcome, ExportProgress, ExportRequest, HunkView,
    ProblemView, RevisionView,
};
use crate::publishing::{
    DriftChoice, PlanView, PublicationView, PublishProgress, PublishReply, PublishRequest,
    TargetInput, TargetView,
};

const HEADER: &str = "\
// Generated from the Rust types by src-tauri/src/ipc_types.rs: do not edit by hand.
// Regenerate with `QUIRE_WRITE_TS=1 cargo test -p quire-desktop ipc_types`.
";

/// The declarations, in the order the UI reads them.
fn generated() -> String {
    // Ids and counts are well below 2^53: numbers, not bigints.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(HEADER);
    let mut declare = |decl: String| {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    };
    // Any word a file says is kept as the status; the UI knows two of them.
    declare(r#"type Status = "draft" | "published" | (string & {});"#.to_string());
    declare(ErrorKind::decl(&cfg));
    declare(UiError::decl(&cfg));
    declare(EssaySummary::decl(&cfg));
    declare(ReadProgress::decl(&cfg));
    declare(LibraryInfo::decl(&cfg));
    declare(SearchHit::decl(&cfg));
    declare(OpenedEssay::decl(&cfg));
    declare(Source::decl(&cfg));
    declare(Change::decl(&cfg));
    declare(ListedChange::decl(&cfg));
    declare(WatchHealth::decl(&cfg));
    declare(WatchNews::decl(&cfg));
    declare(Heading::decl(&cfg));
    declare(PageShell::decl(&cfg));
    declare(BlockChange::decl(&cfg));
    declare(TextEdit::decl(&cfg));
    declare(Preview::decl(&cfg));
    declare(WindowStart::decl(&cfg));
    declare(RevisionView::decl(&cfg));
    declare(SpanKind::decl(&cfg));
    declare(Span::decl(&cfg));
    declare(HunkView::decl(&cfg));
    declare(ChoiceView::decl(&cfg));
    declare(ProblemView::decl(&cfg));
    declare(CheckView::decl(&cfg));
    declare(ExportKind::decl(&cfg));
    declare(ExportRequest::decl(&cfg));
    declare(ExportProgress::decl(&cfg));
    declare(ExportOutcome::decl(&cfg));
    declare(AddedImage::decl(&cfg));
    // The core's publishing words, as serde writes them.
    declare(r#"type TargetKind = "wordpress" | "ghost" | "micropub" | "git";"#.to_string());
    declare(r#"type PostStatus = "draft" | "publish" | "scheduled";"#.to_string());
    declare(r#"type Remedy = "overwrite-or-pull" | "anew" | "overwrite" | "retry";"#.to_string());
    declare(TargetView::decl(&cfg));
    declare(TargetInput::decl(&cfg));
    declare(PublicationView::decl(&cfg));
    declare(PlanView::decl(&cfg));
    declare(DriftChoice::decl(&cfg));
    declare(PublishRequest::decl(&cfg));
    declare(PublishProgress::decl(&cfg));
    declare(PublishReply::decl(&cfg));
    out
}

#[test]
fn the_committed_ipc_types_are_what_the_rust_types_say() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/generated.ts");
    let now = generated();
    if std::env::var_os("QUIRE_WRITE_TS").is_some() {
        std::fs::write(&path, &now).expect("generated.ts written");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == now,
        "ui/src/ipc/generated.ts is not what the Rust types say: regenerate it with \
         `QUIRE_WRITE_TS=1 cargo test -p quire-desktop ipc_types` and commit it"
    );
}
