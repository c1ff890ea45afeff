//! Publishing: an essay to a blog (WordPress, Ghost, Micropub) or the exported site to a git
//! branch, updated in place on every publish, with images uploaded once and edits made on the
//! site never overwritten silently.
//!
//! A [`Target`] is a named place: its settings live in the store, its secret in the system
//! keyring ([`secrets`]). Publishing an essay renders it with the one pipeline the preview and
//! export use ([`render_essay`]), uploads its local images that the target does not have yet
//! (by content hash), then creates the post or updates the one the store's record names. Before
//! an update the remote post is read back and compared with what was last pushed: if it was
//! edited on the site ([`Error::Drift`]) the writer chooses ([`OnDrift`]); a post deleted there
//! is reported and can be published anew. The record is written only after the server said
//! yes, so a failure never leaves a record claiming success; the essay file is never written.
//!
//! Each protocol is a small adapter behind [`Remote`]: `wordpress` (REST API, application
//! passwords). The git target ([`git`]) pushes the whole exported site instead of one post.

mod ghost;
mod git;
mod http;
mod indieauth;
mod micropub;
pub mod secrets;
mod wordpress;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Remedy, Result};
use crate::essay::{Essay, EssayDate};
use crate::export::Exporter;
use crate::library::Folder;
use crate::markdown::{render_essay, RenderOptions, Urls};
use crate::problem::{Level, Problem};
use crate::store::{ImageRecord, PublishRecord, Source, Store, TargetRow};
use crate::url::{image_mime, LocalLink};

pub use http::Cancel;
pub use indieauth::SignIn;

/// The protocols Quire publishes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A WordPress site: REST API with an application password.
    Wordpress,
    /// A Ghost site: Admin API with an Admin API key.
    Ghost,
    /// A Micropub site (Micro.blog, IndieWeb): a bearer token.
    Micropub,
    /// A git remote and branch that receives the exported site.
    Git,
}

impl TargetKind {
    /// The name stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Wordpress => "wordpress",
            TargetKind::Ghost => "ghost",
            TargetKind::Micropub => "micropub",
            TargetKind::Git => "git",
        }
    }

    /// Reads a kind's name.
    pub fn parse(name: &str) -> Result<TargetKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "wordpress" => Ok(TargetKind::Wordpress),
            "ghost" => Ok(TargetKind::Ghost),
            "micropub" | "micro.blog" | "microblog" => Ok(TargetKind::Micropub),
            "git" => Ok(TargetKind::Git),
            other => Err(Error::Invalid(format!(
                "“{other}” is not a kind of target Quire knows; use wordpress, ghost, micropub or git"
            ))),
        }
    }

    /// What its secret is called, in the words of the site that issues it.
    pub fn secret_name(self) -> &'static str {
        match self {
            TargetKind::Wordpress => "an application password",
            TargetKind::Ghost => "an Admin API key",
            TargetKind::Micropub => "a token",
            TargetKind::Git => "none",
        }
    }

    /// Whether the target publishes one essay at a time (a blog) or the whole site (git).
    pub fn is_blog(self) -> bool {
        !matches!(self, TargetKind::Git)
    }
}

/// A named place to publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The name the writer gave it.
    pub name: String,
    /// Its protocol.
    pub kind: TargetKind,
    /// The site's address (for git, the remote).
    pub url: String,
    /// The login (WordPress).
    pub user: Option<String>,
    /// The branch (git).
    pub branch: Option<String>,
}

impl Target {
    fn from_row(row: TargetRow) -> Result<Target> {
        Ok(Target {
            kind: TargetKind::parse(&row.kind)?,
            name: row.name,
            url: row.url,
            user: row.user,
            branch: row.branch,
        })
    }

    fn row(&self) -> TargetRow {
        TargetRow {
            name: self.name.clone(),
            kind: self.kind.as_str().into(),
            url: self.url.clone(),
            user: self.user.clone(),
            branch: self.branch.clone(),
        }
    }

    /// Checks the settings a writer typed: a plain name, a URL the protocol can use, and the
    /// parts the protocol needs.
    pub fn validate(&self) -> Result<()> {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !name_ok {
            return Err(Error::Invalid(format!(
                "“{}” cannot name a target: use letters, digits, - _ or . (at most 64)",
                self.name
            )));
        }
        match self.kind {
            TargetKind::Git => {
                if self.url.trim().is_empty() {
                    return Err(Error::Invalid("a git target needs the remote's URL".into()));
                }
            }
            _ => {
                let url = self.url.to_ascii_lowercase();
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(Error::Invalid(format!(
                        "{} is not a web address; give the site's URL, like https://example.com",
                        self.url
                    )));
                }
            }
        }
        if self.kind == TargetKind::Wordpress && self.user.as_deref().is_none_or(str::is_empty) {
            return Err(Error::Invalid(
                "a WordPress target needs the login the application password belongs to (--user)"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Adds a target (or replaces one of the same name): checks the secret with the site when
/// `verify`, then keeps the settings in the store and the secret in the keyring.
pub fn add_target(
    store: &mut Store,
    target: &Target,
    secret: Option<&str>,
    verify: bool,
) -> Result<()> {
    target.validate()?;
    if target.kind.is_blog() && secret.is_none_or(str::is_empty) {
        return Err(Error::Invalid(format!(
            "a {} target needs its secret ({})",
            target.kind.as_str(),
            target.kind.secret_name()
        )));
    }
    if verify {
        let secret = secret.unwrap_or_default();
        match target.kind {
            TargetKind::Wordpress => {
                wordpress::WordPress::new(target, secret, Cancel::new()).check()?
            }
            TargetKind::Ghost => ghost::Ghost::new(target, secret, Cancel::new())?.check()?,
            TargetKind::Micropub => {
                micropub::Micropub::new(target, secret, Cancel::new()).check()?
            }
            TargetKind::Git => git::check(target)?,
        }
    }
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        secrets::save(&target.name, secret)?;
    }
    let now = chrono::Utc::now().timestamp_millis();
    store.transaction(|tx| tx.put_target(&target.row(), now))
}

/// Every target, by name.
pub fn targets(store: &Store) -> Result<Vec<Target>> {
    store
        .read()
        .targets()?
        .into_iter()
        .map(Target::from_row)
        .collect()
}

/// The target called `name`.
pub fn target(store: &Store, name: &str) -> Result<Target> {
    targets(store)?
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no target called “{name}”; `quire targets list` shows them, `quire targets add` adds one"
            ))
        })
}

/// Removes a target, its secret and its records.
pub fn remove_target(store: &mut Store, name: &str) -> Result<()> {
    let found = store.transaction(|tx| tx.remove_target(name))?;
    if !found {
        return Err(Error::NotFound(format!("no target called “{name}”")));
    }
    secrets::forget(name)
}

/// How a post is pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PostStatus {
    /// Saved on the site, not shown to readers.
    Draft,
    /// Shown now.
    Publish,
    /// Shown at the essay's `date`, which is in the future.
    Scheduled,
}

impl PostStatus {
    /// The word stored in records and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Draft => "draft",
            PostStatus::Publish => "publish",
            PostStatus::Scheduled => "scheduled",
        }
    }
}

/// What is sent for an essay: the same body the preview and export show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post {
    /// The title.
    pub title: String,
    /// The body's HTML, images pointing at their uploaded copies.
    pub html: String,
    /// `summary` from the front matter.
    pub excerpt: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// The URL name.
    pub slug: String,
    /// `date`, RFC 3339.
    pub date: Option<String>,
    /// Draft, publish now or scheduled.
    pub status: PostStatus,
    #[serde(skip)]
    date_utc: Option<String>,
}

impl Post {
    /// The essay's date in UTC without an offset (`2027-01-02T09:30:00`), as WordPress takes it.
    pub fn date_utc(&self) -> Option<&str> {
        self.date_utc.as_deref()
    }

    fn hash(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        blake3::hash(&json).to_hex().to_string()
    }
}

/// A post as a blog holds it.
#[derive(Debug, Clone)]
pub(crate) struct RemotePost {
    pub id: String,
    pub url: String,
    /// Hash of the remote's own text (title, body, excerpt) as it reads it back.
    pub fingerprint: String,
    /// The remote's modification time.
    pub stamp: Option<String>,
    /// `draft`, `publish`, `future`, `trash`, …
    pub status: String,
    /// The remote's body, for a writer who wants to look at an edit made there.
    pub body: String,
}

/// Hash of a remote post's own text, whatever the server did to it on the way in.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update(b"\0");
    }
    hasher.finalize().to_hex().to_string()
}

/// One blog protocol.
pub(crate) trait Remote {
    /// Whether SVG images may be uploaded as they are (else they are sent as PNG).
    fn takes_svg(&self) -> bool {
        false
    }
    /// Uploads an image; its URL and id there.
    fn upload(&self, name: &str, mime: &str, bytes: Vec<u8>) -> Result<ImageRecord>;
    /// The post with this id, `None` when it is gone (deleted or in the trash).
    fn fetch(&self, id: &str) -> Result<Option<RemotePost>>;
    /// Makes a new post.
    fn create(&self, post: &Post) -> Result<RemotePost>;
    /// Replaces the post's content with `post`; `current` is the post as just read back
    /// (servers that can refuse an update of a post changed since are told its stamp).
    fn update(&self, id: &str, post: &Post, current: &RemotePost) -> Result<RemotePost>;
}

/// What to do when the post was edited on the site since the last push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDrift {
    /// Stop with [`Error::Drift`], changing nothing.
    #[default]
    Stop,
    /// Replace the site's version with the essay.
    Overwrite,
    /// Publish nothing; keep the site's text as a revision of the essay to look at.
    Pull,
}

/// How to publish.
#[derive(Debug, Clone, Default)]
pub struct PublishOptions {
    /// As a draft on the site, whatever the essay's status.
    pub draft: bool,
    /// Say what would be done; send nothing that changes the site.
    pub dry_run: bool,
    /// When the post was edited on the site.
    pub on_drift: OnDrift,
    /// When the post was deleted on the site: make a new one.
    pub anew: bool,
    /// Stops between requests.
    pub cancel: Cancel,
}

/// What a publish did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Action {
    /// A new post was made.
    Created,
    /// The post was updated.
    Updated,
    /// Nothing had changed on either side; nothing was sent.
    UpToDate,
    /// Dry run: a post would be made.
    WouldCreate,
    /// Dry run: the post would be updated.
    WouldUpdate,
    /// The site's text was kept as this revision of the essay; nothing was published.
    Pulled {
        /// The revision's id.
        revision: i64,
    },
}

/// The result of publishing one essay.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// What was done.
    pub action: Action,
    /// Where readers find the post (empty for a dry run that would create it).
    pub url: String,
    /// How it was pushed.
    pub status: PostStatus,
    /// Images uploaded this time.
    pub images_uploaded: usize,
    /// Images the target already had.
    pub images_reused: usize,
    /// Things worth fixing that did not stop the publish (an image not found).
    pub warnings: Vec<Problem>,
}

/// A step of a publish, for a progress bar.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Steps done.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    /// What is being done, in words.
    pub doing: String,
}

/// The [`Urls`] of a pushed post: local images are found (inside the essays folder only) and
/// pointed at their uploaded copies; links to other essays at their posts on the same target.
struct RemoteUrls<'a> {
    folder: &'a Folder,
    essay_path: &'a Path,
    uploaded: &'a HashMap<PathBuf, String>,
    posts: &'a HashMap<PathBuf, String>,
    images: RefCell<Vec<(String, PathBuf)>>,
    problems: RefCell<Vec<(String, String)>>,
}

impl Urls for RemoteUrls<'_> {
    fn link(&self, url: &str) -> Option<String> {
        let local = LocalLink::parse(url)?;
        let target = local.resolve(self.essay_path)?;
        let post = self.posts.get(&target)?;
        Some(format!("{post}{}", local.suffix))
    }

    fn image(&self, url: &str) -> Option<String> {
        let local = LocalLink::parse(url)?;
        let source = local
            .resolve(self.essay_path)
            .and_then(|relative| self.folder.contain(&relative).ok())
            .filter(|p| p.is_file());
        let Some(source) = source else {
            self.problems.borrow_mut().push((
                url.to_string(),
                "image not found inside the essays folder; not published".into(),
            ));
            return Some(String::new());
        };
        self.images
            .borrow_mut()
            .push((url.to_string(), source.clone()));
        Some(self.uploaded.get(&source).cloned().unwrap_or_default())
    }
}

/// Publishes essays of one folder.
pub struct Publisher<'a> {
    /// The folder, its settings and theme.
    pub exporter: &'a Exporter,
    /// Where targets and records live.
    pub store: &'a mut Store,
}

impl Publisher<'_> {
    fn root(&self) -> String {
        self.exporter
            .library
            .canonical_root
            .to_string_lossy()
            .into_owned()
    }

    fn relative(&self, file: &Path) -> Result<PathBuf> {
        let canonical = file.canonicalize().map_err(|e| Error::io(file, e))?;
        canonical
            .strip_prefix(&self.exporter.library.canonical_root)
            .map(Path::to_path_buf)
            .map_err(|_| Error::UnsafePath {
                path: file.to_path_buf(),
                message: "is not inside the essays folder".into(),
            })
    }

    /// Publishes the essay `file` to `target`.
    pub fn publish(
        &mut self,
        file: &Path,
        target: &Target,
        options: &PublishOptions,
        progress: &dyn Fn(&Step),
    ) -> Result<Outcome> {
        if target.kind == TargetKind::Git {
            return git::publish_site(self.exporter, self.store, target, options, progress);
        }
        let remote = blog(target, &options.cancel)?;
        self.publish_with(file, target, remote.as_ref(), options, progress)
    }

    fn publish_with(
        &mut self,
        file: &Path,
        target: &Target,
        remote: &dyn Remote,
        options: &PublishOptions,
        progress: &dyn Fn(&Step),
    ) -> Result<Outcome> {
        let relative = self.relative(file)?;
        let folder = &self.exporter.library;
        let essay = folder.read_essay(&relative).map_err(|e| shown(e, file))?;
        let root = self.root();
        let path = relative.to_string_lossy().replace('\\', "/");
        let record = {
            let read = self.store.read();
            match read.publish_record(&root, &path, &target.name)? {
                Some(record) => Some(record),
                None => read.publish_record_by_slug(&root, &essay.slug, &target.name)?,
            }
        };
        let posts = self.linked_posts(&root, &target.name)?;

        // First pass: which local images the post has.
        let none = HashMap::new();
        let urls = RemoteUrls {
            folder,
            essay_path: &relative,
            uploaded: &none,
            posts: &posts,
            images: RefCell::default(),
            problems: RefCell::default(),
        };
        render_essay(&essay, &RenderOptions::essay(), &urls).map_err(|e| shown(e, file))?;
        let mut images: Vec<PathBuf> = urls
            .images
            .into_inner()
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        images.dedup();
        images.sort();
        images.dedup();
        let total = images.len() + 2;
        let step = |done: usize, doing: String| progress(&Step { done, total, doing });

        // Drift: the remote as it is now against what was last pushed.
        step(0, format!("Reading “{}” on {}", essay.title(), target.name));
        let current = match &record {
            Some(record) => match remote.fetch(&record.remote_id)? {
                None if options.anew => None,
                None => {
                    return Err(Error::Drift {
                        target: target.name.clone(),
                        message: format!(
                            "“{}” was deleted on the site since it was published ({})",
                            essay.title(),
                            record.url
                        ),
                        remedy: Remedy::Anew,
                    })
                }
                Some(post) => Some(post),
            },
            None => None,
        };
        let record = record.filter(|_| current.is_some());
        if let (Some(record), Some(now)) = (&record, &current) {
            if now.fingerprint != record.remote_hash {
                match options.on_drift {
                    OnDrift::Stop => {
                        return Err(Error::Drift {
                            target: target.name.clone(),
                            message: format!(
                                "“{}” was edited on the site since Quire published it ({}{})",
                                essay.title(),
                                record.url,
                                now.stamp
                                    .as_deref()
                                    .map(|s| format!(", changed {s}"))
                                    .unwrap_or_default()
                            ),
                            remedy: Remedy::OverwriteOrPull,
                        })
                    }
                    OnDrift::Pull => {
                        let revision = self.pull(&essay, &path, &now.body)?;
                        return Ok(Outcome {
                            action: Action::Pulled { revision },
                            url: record.url.clone(),
                            status: status_of(&record.status),
                            images_uploaded: 0,
                            images_reused: 0,
                            warnings: Vec::new(),
                        });
                    }
                    OnDrift::Overwrite => {}
                }
            }
        }

        // Images: uploaded once per target, by content hash.
        let mut uploaded = HashMap::new();
        let (mut fresh, mut reused) = (0, 0);
        for (i, source) in images.iter().enumerate() {
            let bytes = std::fs::read(source).map_err(|e| Error::io(source, e))?;
            let hash = blake3::hash(&bytes).to_hex().to_string();
            if let Some(known) = self.store.read().published_image(&target.name, &hash)? {
                uploaded.insert(source.clone(), known.url);
                reused += 1;
                continue;
            }
            let name = source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "image".into());
            step(1 + i, format!("Uploading {name}"));
            if options.dry_run {
                uploaded.insert(source.clone(), format!("(to upload: {name})"));
                fresh += 1;
                continue;
            }
            let mut mime = image_mime(source).unwrap_or("application/octet-stream");
            let (mut name, mut bytes) = (name, bytes);
            if mime == "image/svg+xml" && !remote.takes_svg() {
                // WordPress and most Micropub servers refuse SVG (it can carry script): the
                // drawing goes as a PNG at twice its size, sharp on high-density screens.
                let (png, _, _) =
                    crate::markdown::diagram::png(&bytes, 2.0).map_err(|why| Error::Remote {
                        target: target.name.clone(),
                        message: format!(
                            "{} could not be drawn as a PNG for the site: {why}",
                            source.display()
                        ),
                    })?;
                bytes = png;
                name = format!("{}.png", name.strip_suffix(".svg").unwrap_or(&name));
                mime = "image/png";
            }
            let image = remote.upload(&name, mime, bytes)?;
            self.store
                .transaction(|tx| tx.put_published_image(&target.name, &hash, &image))?;
            uploaded.insert(source.clone(), image.url);
            fresh += 1;
        }

        // Second pass: the body with the uploaded URLs.
        let urls = RemoteUrls {
            folder,
            essay_path: &relative,
            uploaded: &uploaded,
            posts: &posts,
            images: RefCell::default(),
            problems: RefCell::default(),
        };
        let rendered =
            render_essay(&essay, &RenderOptions::essay(), &urls).map_err(|e| shown(e, file))?;
        let warnings = urls
            .problems
            .into_inner()
            .into_iter()
            .map(|(url, message)| {
                let line = rendered
                    .links
                    .iter()
                    .find(|l| l.url == url)
                    .map_or(1, |l| l.line);
                Problem::new(
                    file.to_path_buf(),
                    line,
                    Level::Warning,
                    format!("{message}: {url}"),
                )
            })
            .collect();
        let post = post_of(&essay, &rendered.html, options.draft);
        let pushed_hash = post.hash();

        if let (Some(record), Some(now)) = (&record, &current) {
            if record.pushed_hash == pushed_hash && now.fingerprint == record.remote_hash {
                return Ok(Outcome {
                    action: Action::UpToDate,
                    url: record.url.clone(),
                    status: post.status,
                    images_uploaded: fresh,
                    images_reused: reused,
                    warnings,
                });
            }
        }
        if options.dry_run {
            return Ok(Outcome {
                action: if record.is_some() {
                    Action::WouldUpdate
                } else {
                    Action::WouldCreate
                },
                url: record.as_ref().map(|r| r.url.clone()).unwrap_or_default(),
                status: post.status,
                images_uploaded: fresh,
                images_reused: reused,
                warnings,
            });
        }
        step(
            total - 1,
            format!("Sending “{}” to {}", post.title, target.name),
        );
        let (pushed, action) = match &record {
            Some(record) => match &current {
                Some(now) => (
                    remote.update(&record.remote_id, &post, now)?,
                    Action::Updated,
                ),
                None => (remote.create(&post)?, Action::Created),
            },
            None => (remote.create(&post)?, Action::Created),
        };
        let old_path = record.as_ref().map(|r| r.path.clone());
        let new_record = PublishRecord {
            root: root.clone(),
            path: path.clone(),
            target: target.name.clone(),
            remote_id: pushed.id.clone(),
            url: pushed.url.clone(),
            slug: essay.slug.clone(),
            status: post.status.as_str().into(),
            at: chrono::Utc::now().timestamp_millis(),
            pushed_hash,
            remote_hash: pushed.fingerprint.clone(),
            remote_stamp: pushed.stamp.clone(),
        };
        self.store
            .transaction(|tx| tx.put_publish_record(&new_record, old_path.as_deref()))?;
        step(total, format!("Published “{}”", post.title));
        Ok(Outcome {
            action,
            url: pushed.url,
            status: post.status,
            images_uploaded: fresh,
            images_reused: reused,
            warnings,
        })
    }

    /// Essays of this folder already on the target, by path, and their post URLs.
    fn linked_posts(&self, root: &str, target: &str) -> Result<HashMap<PathBuf, String>> {
        Ok(self
            .store
            .read()
            .publish_records(root)?
            .into_iter()
            .filter(|r| r.target == target && !r.path.is_empty())
            .map(|r| (PathBuf::from(r.path), r.url))
            .collect())
    }

    /// Keeps the site's body of the post as a revision of the essay: its front matter as the
    /// file has it, then the site's text.
    fn pull(&mut self, essay: &Essay, path: &str, body: &str) -> Result<i64> {
        let root = self.root();
        let front = &essay.source[..essay.body_offset.min(essay.source.len())];
        let text = format!("{front}{body}\n");
        let hash = blake3::hash(text.as_bytes()).to_hex().to_string();
        let at = chrono::Utc::now().timestamp_millis();
        self.store.transaction(|tx| {
            let library = tx.library_id(&root)?;
            let id = match tx.essay_by_path(library, path)? {
                Some(row) => row.id,
                None => tx.insert_essay(library, Some(path))?,
            };
            tx.put_text(&hash, text.as_bytes())?;
            tx.add_revision(id, at, Source::Remote, &hash, Some(path), 0, 0)
        })
    }

    /// Each essay of the folder that was published, where, and whether it changed since on
    /// either side (the remote is asked unless `offline`).
    pub fn published(&self, offline: bool, cancel: &Cancel) -> Result<Vec<Published>> {
        self.published_where(|_| true, offline, cancel)
    }

    /// Where one essay (its path in the folder) was published: only its own records are read,
    /// so the Publish dialog opens as fast in a library of thousands as in one of ten.
    pub fn published_essay(
        &self,
        path: &str,
        offline: bool,
        cancel: &Cancel,
    ) -> Result<Vec<Published>> {
        self.published_where(|record| record.path == path, offline, cancel)
    }

    fn published_where(
        &self,
        keep: impl Fn(&PublishRecord) -> bool,
        offline: bool,
        cancel: &Cancel,
    ) -> Result<Vec<Published>> {
        let root = self.root();
        let records = self.store.read().publish_records(&root)?;
        let all_targets = targets(self.store)?;
        let mut list = Vec::new();
        for record in records.into_iter().filter(|r| keep(r)) {
            let target = all_targets.iter().find(|t| t.name == record.target);
            let local = self.changed_locally(&record, target);
            let remote = match (offline, target) {
                (true, _) => RemoteState::NotAsked,
                (false, None) => RemoteState::Unknown("the target is gone".into()),
                (false, Some(target)) => match remote_state(target, &record, cancel) {
                    Ok(state) => state,
                    Err(e) => RemoteState::Unknown(e.to_string()),
                },
            };
            list.push(Published {
                path: record.path.clone(),
                target: record.target.clone(),
                url: record.url.clone(),
                at: record.at,
                status: record.status.clone(),
                changed_locally: local,
                remote,
            });
        }
        Ok(list)
    }

    fn changed_locally(&self, record: &PublishRecord, target: Option<&Target>) -> Option<bool> {
        if record.path.is_empty() {
            return None;
        }
        let folder = &self.exporter.library;
        let essay = folder.read_essay(Path::new(&record.path)).ok()?;
        let uploaded: HashMap<PathBuf, String> = HashMap::new();
        let posts = self.linked_posts(&record.root, &record.target).ok()?;
        // The body as it would be pushed now, images pointing where they were uploaded.
        let first = RemoteUrls {
            folder,
            essay_path: Path::new(&record.path),
            uploaded: &uploaded,
            posts: &posts,
            images: RefCell::default(),
            problems: RefCell::default(),
        };
        render_essay(&essay, &RenderOptions::essay(), &first).ok()?;
        let mut known = HashMap::new();
        for (_, source) in first.images.into_inner() {
            let bytes = std::fs::read(&source).ok()?;
            let hash = blake3::hash(&bytes).to_hex().to_string();
            match self
                .store
                .read()
                .published_image(&record.target, &hash)
                .ok()?
            {
                Some(image) => known.insert(source, image.url),
                None => return Some(true),
            };
        }
        let urls = RemoteUrls {
            folder,
            essay_path: Path::new(&record.path),
            uploaded: &known,
            posts: &posts,
            images: RefCell::default(),
            problems: RefCell::default(),
        };
        let rendered = render_essay(&essay, &RenderOptions::essay(), &urls).ok()?;
        let draft = record.status == "draft" && target.is_some() && essay.is_published();
        let post = post_of(&essay, &rendered.html, draft);
        Some(post.hash() != record.pushed_hash)
    }
}

fn remote_state(target: &Target, record: &PublishRecord, cancel: &Cancel) -> Result<RemoteState> {
    match target.kind {
        TargetKind::Git => git::remote_state(target, record),
        _ => {
            let remote = blog(target, cancel)?;
            Ok(match remote.fetch(&record.remote_id)? {
                None => RemoteState::Deleted,
                Some(post) if post.fingerprint != record.remote_hash => RemoteState::Changed,
                Some(_) => RemoteState::Same,
            })
        }
    }
}

/// The client for a blog target, its secret read from the keyring.
fn blog(target: &Target, cancel: &Cancel) -> Result<Box<dyn Remote>> {
    let secret = secrets::read(&target.name)?.ok_or_else(|| Error::Remote {
        target: target.name.clone(),
        message: format!(
            "the keyring holds no secret for this target ({}); add it again with `quire targets add`",
            target.kind.secret_name()
        ),
    })?;
    let cancel = cancel.clone();
    Ok(match target.kind {
        TargetKind::Wordpress => Box::new(wordpress::WordPress::new(target, &secret, cancel)),
        TargetKind::Ghost => Box::new(ghost::Ghost::new(target, &secret, cancel)?),
        TargetKind::Micropub => Box::new(micropub::Micropub::new(target, &secret, cancel)),
        TargetKind::Git => {
            return Err(Error::Internal("a git target is not a blog".into()));
        }
    })
}

/// Whether the remote copy changed since the last push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "why")]
pub enum RemoteState {
    /// As Quire left it.
    Same,
    /// Edited there since.
    Changed,
    /// Deleted there.
    Deleted,
    /// Not asked (offline).
    NotAsked,
    /// Could not be asked, and why.
    Unknown(String),
}

/// One essay (or a whole site, `path` empty) as published on one target.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    /// The essay, relative to the folder; empty for a site.
    pub path: String,
    /// The target's name.
    pub target: String,
    /// Where readers find it.
    pub url: String,
    /// When it was last pushed, unix milliseconds.
    pub at: i64,
    /// `draft`, `publish` or `scheduled`.
    pub status: String,
    /// Whether the essay changed since (None: cannot tell, e.g. the file is gone).
    pub changed_locally: Option<bool>,
    /// Whether the remote changed since.
    pub remote: RemoteState,
}

fn status_of(text: &str) -> PostStatus {
    match text {
        "publish" => PostStatus::Publish,
        "scheduled" => PostStatus::Scheduled,
        _ => PostStatus::Draft,
    }
}

/// How the essay goes to a blog: a draft when asked or when the essay is one, scheduled when
/// its `date` is still to come, else shown now.
pub fn post_status(essay: &Essay, draft: bool) -> PostStatus {
    if draft || !essay.is_published() {
        PostStatus::Draft
    } else if essay.front.date.is_some_and(|d| d.at > chrono::Utc::now()) {
        PostStatus::Scheduled
    } else {
        PostStatus::Publish
    }
}

/// The post for an essay: front matter mapped, the body as rendered (without the title
/// heading when the title came from it, since the blog shows the title itself).
fn post_of(essay: &Essay, html: &str, draft: bool) -> Post {
    let html = if essay.title_is_in_body() {
        strip_leading_h1(html)
    } else {
        html
    };
    let date = essay.front.date;
    let status = post_status(essay, draft);
    Post {
        title: essay.title(),
        html: html.trim().to_string(),
        excerpt: essay.front.summary.clone(),
        tags: essay.front.tags.clone(),
        slug: essay.slug.clone(),
        date: date.map(|d| d.rfc3339()),
        status,
        date_utc: date.map(utc_without_offset),
    }
}

fn utc_without_offset(date: EssayDate) -> String {
    date.at
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn strip_leading_h1(html: &str) -> &str {
    let trimmed = html.trim_start();
    if trimmed.starts_with("<h1") {
        if let Some(end) = trimmed.find("</h1>") {
            return &trimmed[end + "</h1>".len()..];
        }
    }
    html
}

/// The essay error with the path the writer knows the file by.
fn shown(error: Error, file: &Path) -> Error {
    match error {
        Error::Essay { line, message, .. } => Error::Essay {
            path: file.to_path_buf(),
            line,
            message,
        },
        Error::Render { line, message, .. } => Error::Render {
            path: file.to_path_buf(),
            line,
            message,
        },
        other => other,
    }
}
