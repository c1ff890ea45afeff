//! Commands behind the Publish dialog: the targets (kept in the store, their secrets in the
//! system keyring, never in the UI after they are typed), what publishing the open essay
//! would do, and the publish itself with progress on a [`Channel`] and a Cancel button. Like
//! [`crate::panels`], each is a thin adapter over [`quire::publish`]; the network is the
//! core's, on a blocking thread, so the webview never talks to a blog (no CORS, no secrets).
//!
//! Publishing opens its own connection to the store rather than holding the library's while
//! it waits on a server: the editor keeps autosaving during a slow publish.

use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use quire::library::EssayId;
use quire::publish::{
    self, Action, Cancel, OnDrift, PostStatus, PublishOptions, Publisher, Step, Target, TargetKind,
};
use quire::store::Store;
use quire::{Error, ErrorKind, Remedy};

use crate::commands::{blocking, Result};
use crate::error::UiError;
use crate::panels::{known_paths, problem_views, ProblemView};
use crate::state::AppState;

/// The publish under way, so that Cancel can stop it between requests.
#[derive(Default)]
pub struct Publishing(Mutex<Option<Cancel>>);

impl Publishing {
    fn set(&self, cancel: Option<Cancel>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = cancel;
    }

    fn cancel(&self) {
        if let Some(cancel) = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
        {
            cancel.cancel();
        }
    }
}

/// A target as the dialog lists it (its secret stays in the keyring).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "PublishTarget"))]
#[serde(rename_all = "camelCase")]
pub struct TargetView {
    name: String,
    #[cfg_attr(test, ts(type = "TargetKind"))]
    kind: TargetKind,
    url: String,
    user: Option<String>,
    branch: Option<String>,
}

impl From<Target> for TargetView {
    fn from(t: Target) -> Self {
        TargetView {
            name: t.name,
            kind: t.kind,
            url: t.url,
            user: t.user,
            branch: t.branch,
        }
    }
}

/// A target the writer typed in the dialog, with its secret.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "NewPublishTarget"))]
#[serde(rename_all = "camelCase")]
pub struct TargetInput {
    name: String,
    /// `wordpress`, `ghost`, `micropub` or `git`.
    kind: String,
    url: String,
    user: Option<String>,
    branch: Option<String>,
    /// The application password, Admin API key or token; straight to the keyring.
    secret: Option<String>,
}

fn open_store(state: &AppState) -> quire::Result<Store> {
    Store::open(&state.db)
}

fn view_all(store: &Store) -> Result<Vec<TargetView>> {
    Ok(publish::targets(store)?
        .into_iter()
        .map(TargetView::from)
        .collect())
}

/// Every target, by name.
#[tauri::command]
pub async fn publish_targets(state: State<'_, AppState>) -> Result<Vec<TargetView>> {
    let store = open_store(&state)?;
    blocking(move || view_all(&store)).await
}

/// Adds a target after asking the site whether its settings and secret work; returns them all.
/// A Micropub target typed without a token is signed in to instead (IndieAuth): the site's
/// sign-in page opens in the writer's browser, and Cancel (`cancel_publish`) stops the wait.
#[tauri::command]
pub async fn add_publish_target<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    publishing: State<'_, Publishing>,
    target: TargetInput,
) -> Result<Vec<TargetView>> {
    let trimmed = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let kind = TargetKind::parse(&target.kind)?;
    let new = Target {
        name: target.name.trim().to_string(),
        kind,
        url: target.url.trim().to_string(),
        user: trimmed(target.user).filter(|_| kind == TargetKind::Wordpress),
        branch: trimmed(target.branch).filter(|_| kind == TargetKind::Git),
    };
    let typed = trimmed(target.secret).filter(|_| kind.is_blog());
    let mut store = open_store(&state)?;
    let sign_in = kind == TargetKind::Micropub && typed.is_none();
    let cancel = Cancel::new();
    if sign_in {
        publishing.set(Some(cancel.clone()));
    }
    let added = blocking(move || {
        new.validate()?;
        let secret = if sign_in {
            let sign_in = publish::SignIn::start(&new, cancel)?;
            use tauri_plugin_opener::OpenerExt;
            app.opener()
                .open_url(sign_in.address(), None::<&str>)
                .map_err(|e| Error::Remote {
                    target: new.name.clone(),
                    message: format!(
                        "no browser opened for the sign-in ({e}); paste an app token from the site instead"
                    ),
                })?;
            Some(sign_in.finish(publish::SignIn::WAIT)?)
        } else {
            typed
        };
        publish::add_target(&mut store, &new, secret.as_deref(), true)?;
        view_all(&store)
    })
    .await;
    if sign_in {
        publishing.set(None);
    }
    added
}

/// Forgets a target, its secret and its publish records (the posts stay on the site).
#[tauri::command]
pub async fn remove_publish_target(
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<TargetView>> {
    let mut store = open_store(&state)?;
    blocking(move || {
        publish::remove_target(&mut store, &name)?;
        view_all(&store)
    })
    .await
}

/// Where the open essay already is.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "Publication"))]
#[serde(rename_all = "camelCase")]
pub struct PublicationView {
    target: String,
    url: String,
    /// Unix milliseconds of the last push.
    at: i64,
    status: String,
    /// Whether the essay changed since it was pushed (null: can't tell).
    changed_here: Option<bool>,
}

/// What publishing the essay would do, before anything is sent.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "PublishPlan"))]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    title: String,
    /// How "Publish" sends it: `publish`, `scheduled` (its date is to come) or `draft` (the
    /// essay's own status is draft).
    #[cfg_attr(test, ts(type = "PostStatus"))]
    status: PostStatus,
    /// The essay's date, RFC 3339.
    date: Option<String>,
    /// The essay's own `status` is not `published`.
    draft_essay: bool,
    publications: Vec<PublicationView>,
}

fn essay_file(
    state: &AppState,
    id: EssayId,
) -> Result<(std::sync::Arc<crate::state::Opened>, String)> {
    let opened = state.current();
    let path = opened.library.essay(id)?.path.ok_or_else(|| {
        UiError::new(
            ErrorKind::Invalid,
            "save the essay to a file before publishing it",
        )
    })?;
    Ok((opened, path))
}

/// The essay's title, how it would go out, and where it already is (from the store only: the
/// dialog opens without waiting on any server).
#[tauri::command]
pub async fn publish_plan(state: State<'_, AppState>, id: EssayId) -> Result<PlanView> {
    let (opened, path) = essay_file(&state, id)?;
    let mut store = open_store(&state)?;
    blocking(move || {
        let essay = opened.exporter.library.read_essay(Path::new(&path))?;
        let publisher = Publisher {
            exporter: &opened.exporter,
            store: &mut store,
        };
        let publications = publisher
            .published_essay(&path, true, &Cancel::new())?
            .into_iter()
            .map(|p| PublicationView {
                target: p.target,
                url: p.url,
                at: p.at,
                status: p.status,
                changed_here: p.changed_locally,
            })
            .collect();
        Ok(PlanView {
            title: essay.title(),
            status: publish::post_status(&essay, false),
            date: essay.front.date.map(|d| d.rfc3339()),
            draft_essay: !essay.is_published(),
            publications,
        })
    })
    .await
}

/// What the writer chose when the post was changed on the site.
#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "DriftChoice"))]
#[serde(rename_all = "lowercase")]
pub enum DriftChoice {
    /// Stop and say what changed.
    #[default]
    Ask,
    /// Replace the site's version.
    Overwrite,
    /// Keep the site's text as a revision; publish nothing.
    Keep,
}

/// Publish the essay `id` to `target`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PublishRequest {
    id: EssayId,
    target: String,
    /// As a draft on the site, whatever the essay says.
    draft: bool,
    on_drift: DriftChoice,
    /// The post was deleted on the site: make a new one.
    anew: bool,
}

/// A step of the publish, for the progress bar.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PublishProgress {
    done: usize,
    total: usize,
    doing: String,
}

/// What a publish came to: done, or stopped for the writer's choice.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "PublishOutcome"))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PublishReply {
    /// Sent (or nothing needed sending).
    #[serde(rename_all = "camelCase")]
    Done {
        /// `created`, `updated`, `up-to-date` or `kept` (the site's text kept as a revision).
        action: String,
        url: String,
        #[cfg_attr(test, ts(type = "PostStatus"))]
        status: PostStatus,
        images_uploaded: usize,
        images_reused: usize,
        /// The revision that now holds the site's text: for `kept`, and for an update that
        /// replaced an edit made on the site.
        revision: Option<i64>,
        warnings: Vec<ProblemView>,
    },
    /// Changed or deleted on the site since the last publish: nothing was sent.
    #[serde(rename_all = "camelCase")]
    Drift {
        #[cfg_attr(test, ts(type = "Remedy"))]
        remedy: Remedy,
        message: String,
    },
}

/// Publishes the essay, reporting each step; a change made on the site since the last publish
/// comes back as [`PublishReply::Drift`] for the writer to choose, not as an error.
#[tauri::command]
pub async fn publish_essay(
    state: State<'_, AppState>,
    publishing: State<'_, Publishing>,
    request: PublishRequest,
    on_progress: Channel<PublishProgress>,
) -> Result<PublishReply> {
    let (opened, path) = essay_file(&state, request.id)?;
    let mut store = open_store(&state)?;
    let cancel = Cancel::new();
    publishing.set(Some(cancel.clone()));
    let reply = blocking(move || {
        let target = publish::target(&store, &request.target)?;
        let root = opened.library.folder().root.clone();
        let file = if target.kind.is_blog() {
            root.join(&path)
        } else {
            root.clone()
        };
        let options = |on_drift| PublishOptions {
            draft: request.draft,
            dry_run: false,
            on_drift,
            anew: request.anew,
            cancel: cancel.clone(),
        };
        let progress = |step: &Step| {
            // A window that went away mid-publish only loses the progress bar.
            let _ = on_progress.send(PublishProgress {
                done: step.done,
                total: step.total,
                doing: step.doing.clone(),
            });
        };
        let mut publisher = Publisher {
            exporter: &opened.exporter,
            store: &mut store,
        };
        let mut publish =
            |on_drift| publisher.publish(&file, &target, &options(on_drift), &progress);
        let mut kept = None;
        let outcome = match request.on_drift {
            DriftChoice::Ask => publish(OnDrift::Stop),
            DriftChoice::Keep => publish(OnDrift::Pull),
            // Replacing the site's version first keeps its text as a revision, so the choice
            // loses nobody's words: an edit made on the site can be brought back from History.
            DriftChoice::Overwrite if target.kind.is_blog() => match publish(OnDrift::Pull) {
                Ok(first) => match first.action {
                    Action::Pulled { revision } => {
                        kept = Some(revision);
                        publish(OnDrift::Overwrite)
                    }
                    _ => Ok(first),
                },
                Err(e) => Err(e),
            },
            DriftChoice::Overwrite => publish(OnDrift::Overwrite),
        };
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(Error::Drift {
                target,
                message,
                remedy,
            }) => {
                return Ok(PublishReply::Drift {
                    remedy,
                    message: format!("{target}: {message}"),
                })
            }
            Err(e) => return Err(e.into()),
        };
        let known = known_paths(&opened.library)?;
        let (action, revision) = match outcome.action {
            Action::Created => ("created", kept),
            Action::Updated => ("updated", kept),
            Action::UpToDate => ("up-to-date", kept),
            Action::Pulled { revision } => ("kept", Some(revision)),
            Action::WouldCreate | Action::WouldUpdate => {
                return Err(UiError::new(
                    ErrorKind::Internal,
                    "a dry run was made instead of a publish",
                ))
            }
        };
        Ok(PublishReply::Done {
            action: action.into(),
            url: outcome.url,
            status: outcome.status,
            images_uploaded: outcome.images_uploaded,
            images_reused: outcome.images_reused,
            revision,
            warnings: problem_views(&root, &known, outcome.warnings),
        })
    })
    .await;
    publishing.set(None);
    reply
}

/// Stops the publish under way before its next request; what was sent stays sent, and no
/// record claims more than the server confirmed.
#[tauri::command]
pub fn cancel_publish(publishing: State<'_, Publishing>) {
    publishing.cancel();
}
