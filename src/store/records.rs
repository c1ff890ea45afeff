//! Publishing in the store: the targets a writer added (their non-secret settings; secrets
//! live in the system keyring), one record per essay and target of what was last pushed there,
//! and the images already uploaded to each target, by content hash.
//!
//! A record keeps two hashes: what Quire sent (to tell a local edit since) and the remote's own
//! text as it read back right after the push (to tell an edit made on the site since, whatever
//! the server did to the HTML on the way in). The essay file is never written by publishing.

use rusqlite::{params, OptionalExtension};

use super::Tx;
use crate::error::Result;

/// Migration 3.
pub(super) const SCHEMA: &str = r#"
    DROP TABLE publish_records;
    CREATE TABLE targets (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,             -- wordpress, ghost, micropub, git
        url TEXT NOT NULL,
        user TEXT,                      -- the WordPress login
        branch TEXT,                    -- the git branch
        added_at INTEGER NOT NULL
    );
    CREATE TABLE publish_records (
        id INTEGER PRIMARY KEY,
        root TEXT NOT NULL,             -- the essays folder, canonical
        path TEXT NOT NULL,             -- the essay, relative; '' for a whole site
        target TEXT NOT NULL REFERENCES targets(name) ON DELETE CASCADE,
        remote_id TEXT NOT NULL,
        url TEXT NOT NULL,
        slug TEXT NOT NULL,
        status TEXT NOT NULL,           -- draft, publish, future
        at INTEGER NOT NULL,            -- unix milliseconds of the push
        pushed_hash TEXT NOT NULL,      -- what Quire sent
        remote_hash TEXT NOT NULL,      -- the remote's text as read back after the push
        remote_stamp TEXT,              -- the remote's own modification time or commit
        UNIQUE (root, path, target)
    );
    CREATE TABLE published_images (
        target TEXT NOT NULL REFERENCES targets(name) ON DELETE CASCADE,
        hash TEXT NOT NULL,             -- content hash of the image file
        url TEXT NOT NULL,
        remote_id TEXT,
        PRIMARY KEY (target, hash)
    );
"#;

/// A target's non-secret settings, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// The name the writer gave it.
    pub name: String,
    /// `wordpress`, `ghost`, `micropub` or `git`.
    pub kind: String,
    /// The site (or for git, the remote).
    pub url: String,
    /// The login, where the protocol has one.
    pub user: Option<String>,
    /// The branch, for git.
    pub branch: Option<String>,
}

/// What was last pushed of one essay (or a whole site) to one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRecord {
    /// The essays folder, canonical.
    pub root: String,
    /// The essay, relative to the folder; empty for a whole site.
    pub path: String,
    /// The target's name.
    pub target: String,
    /// The post's id on the remote (for git, the branch).
    pub remote_id: String,
    /// Where readers find it.
    pub url: String,
    /// The slug it was pushed with.
    pub slug: String,
    /// `draft`, `publish` or `future`.
    pub status: String,
    /// When, in unix milliseconds.
    pub at: i64,
    /// Hash of what Quire sent.
    pub pushed_hash: String,
    /// Hash of the remote's text as read back after the push.
    pub remote_hash: String,
    /// The remote's own modification stamp (or, for git, the commit pushed).
    pub remote_stamp: Option<String>,
}

/// An image uploaded to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRecord {
    /// Its URL on the target.
    pub url: String,
    /// Its id there, if the target has ids.
    pub remote_id: Option<String>,
}

const RECORD_COLUMNS: &str =
    "root, path, target, remote_id, url, slug, status, at, pushed_hash, remote_hash, remote_stamp";

fn record_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<PublishRecord> {
    Ok(PublishRecord {
        root: row.get(0)?,
        path: row.get(1)?,
        target: row.get(2)?,
        remote_id: row.get(3)?,
        url: row.get(4)?,
        slug: row.get(5)?,
        status: row.get(6)?,
        at: row.get(7)?,
        pushed_hash: row.get(8)?,
        remote_hash: row.get(9)?,
        remote_stamp: row.get(10)?,
    })
}

impl Tx<'_> {
    /// Adds a target, or replaces the settings of the one with that name.
    pub fn put_target(&self, target: &TargetRow, at: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO targets(name, kind, url, user, branch, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(name) DO UPDATE SET kind = ?2, url = ?3, user = ?4, branch = ?5",
            )
            .and_then(|mut s| {
                s.execute(params![target.name, target.kind, target.url, target.user, target.branch, at])
            })
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Every target, by name.
    pub fn targets(&self) -> Result<Vec<TargetRow>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT name, kind, url, user, branch FROM targets ORDER BY name")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(TargetRow {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    url: r.get(2)?,
                    user: r.get(3)?,
                    branch: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Removes a target with its records and uploaded images; whether there was one.
    pub fn remove_target(&self, name: &str) -> Result<bool> {
        self.tx
            .prepare_cached("DELETE FROM targets WHERE name = ?1")
            .and_then(|mut s| s.execute([name]))
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    /// The record of an essay (or a site: `path` empty) on a target.
    pub fn publish_record(
        &self,
        root: &str,
        path: &str,
        target: &str,
    ) -> Result<Option<PublishRecord>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM publish_records WHERE root = ?1 AND path = ?2 AND target = ?3"
        );
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row([root, path, target], record_from_row)
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// The record on `target` of an essay of this folder pushed with `slug` (an essay renamed
    /// since keeps its post instead of making a second one).
    pub fn publish_record_by_slug(
        &self,
        root: &str,
        slug: &str,
        target: &str,
    ) -> Result<Option<PublishRecord>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM publish_records WHERE root = ?1 AND slug = ?2 AND target = ?3 AND path <> '' ORDER BY at DESC LIMIT 1"
        );
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row([root, slug, target], record_from_row)
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// Every record of a folder, by essay and target.
    pub fn publish_records(&self, root: &str) -> Result<Vec<PublishRecord>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM publish_records WHERE root = ?1 ORDER BY path, target"
        );
        let mut stmt = self.tx.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([root], record_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Writes the record of a push, replacing the one before (also one kept under an essay's
    /// old path, when `old_path` names it).
    pub fn put_publish_record(&self, record: &PublishRecord, old_path: Option<&str>) -> Result<()> {
        if let Some(old) = old_path.filter(|old| *old != record.path) {
            self.tx
                .prepare_cached(
                    "DELETE FROM publish_records WHERE root = ?1 AND path = ?2 AND target = ?3",
                )
                .and_then(|mut s| s.execute([&record.root, old, &record.target]))
                .map_err(|e| self.err(e))?;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO publish_records(root, path, target, remote_id, url, slug, status, at, pushed_hash, remote_hash, remote_stamp)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT(root, path, target) DO UPDATE SET remote_id = ?4, url = ?5, slug = ?6, status = ?7,
                   at = ?8, pushed_hash = ?9, remote_hash = ?10, remote_stamp = ?11",
            )
            .and_then(|mut s| {
                s.execute(params![
                    record.root,
                    record.path,
                    record.target,
                    record.remote_id,
                    record.url,
                    record.slug,
                    record.status,
                    record.at,
                    record.pushed_hash,
                    record.remote_hash,
                    record.remote_stamp
                ])
            })
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Forgets a record (its post was deleted on the site).
    pub fn remove_publish_record(&self, root: &str, path: &str, target: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM publish_records WHERE root = ?1 AND path = ?2 AND target = ?3",
            )
            .and_then(|mut s| s.execute([root, path, target]))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// An image already uploaded to `target`, by its content hash.
    pub fn published_image(&self, target: &str, hash: &str) -> Result<Option<ImageRecord>> {
        self.tx
            .prepare_cached(
                "SELECT url, remote_id FROM published_images WHERE target = ?1 AND hash = ?2",
            )
            .and_then(|mut s| {
                s.query_row([target, hash], |r| {
                    Ok(ImageRecord {
                        url: r.get(0)?,
                        remote_id: r.get(1)?,
                    })
                })
                .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// Records an uploaded image.
    pub fn put_published_image(&self, target: &str, hash: &str, image: &ImageRecord) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO published_images(target, hash, url, remote_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(target, hash) DO UPDATE SET url = ?3, remote_id = ?4",
            )
            .and_then(|mut s| s.execute(params![target, hash, image.url, image.remote_id]))
            .map(drop)
            .map_err(|e| self.err(e))
    }
}
