//! The [`Store`]: one SQLite file that remembers everything the essays folder does not.
//!
//! Files are the truth; the store is a cache plus history. It holds, per essays folder (a
//! library), each essay's last known state on disk (content hash, size, modification time) and
//! metadata, a full-text index (FTS5), the writer's [`Draft`]s (autosave), every [`Revision`]
//! (texts deduplicated by content hash), and publish records. Deleting the store loses history
//! and unsaved drafts, never an essay.
//!
//! The search index is contentless: it holds the words' positions, not the bodies. Each essay
//! row says which kept text its indexed body is ([`KeptBody`]), and search snippets are made
//! from that text, so a library's words are stored once.
//!
//! The file is opened in WAL mode with a busy timeout; the schema moves forward through the
//! numbered [`MIGRATIONS`]; statements are prepared once and cached. Every failure names the
//! store file and says what to do, and none of them touches an essay file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};
use crate::essay::Status;
pub use records::{ImageRecord, PublishRecord, TargetRow};

/// One schema change: plain SQL, or steps that need Rust (rows read and rewritten).
pub enum Migration {
    /// Statements run as one batch.
    Sql(&'static str),
    /// A function run inside the migration's transaction.
    Steps(fn(&Connection) -> rusqlite::Result<()>),
}

/// Schema changes, in order. The store's `user_version` says how many have been applied.
pub const MIGRATIONS: &[Migration] = &[
    // 1: libraries, essays, search, texts, revisions, drafts, publish records.
    Migration::Sql(
        r#"
    CREATE TABLE libraries (
        id INTEGER PRIMARY KEY,
        root TEXT NOT NULL UNIQUE
    );
    CREATE TABLE essays (
        id INTEGER PRIMARY KEY,
        library_id INTEGER NOT NULL REFERENCES libraries(id),
        path TEXT,                      -- relative to the library root, '/' separated
        hash TEXT,                      -- content hash of the file on disk; NULL: no file
        size INTEGER NOT NULL DEFAULT 0,
        mtime_ns INTEGER NOT NULL DEFAULT 0,
        title TEXT NOT NULL DEFAULT '',
        slug TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'draft',
        date TEXT,
        tags TEXT NOT NULL DEFAULT '[]', -- JSON array
        summary TEXT,
        words INTEGER NOT NULL DEFAULT 0,
        problem TEXT,                   -- why the file cannot be edited or rendered, if so
        UNIQUE (library_id, path)
    );
    CREATE INDEX essays_hash ON essays(library_id, hash);
    -- library and status ride along unindexed so that a filtered search stays one FTS5 query
    -- that FTS5 can sort by rank and cut at the limit before any snippet is made.
    CREATE VIRTUAL TABLE search USING fts5(
        title, body, tags, library UNINDEXED, status UNINDEXED,
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    INSERT INTO search(search, rank) VALUES ('rank', 'bm25(10.0, 1.0, 5.0, 0.0, 0.0)');
    -- A rowid table, so new texts append at the end: keyed by their random hashes, a
    -- WITHOUT ROWID table moved whole essays around on every page split.
    CREATE TABLE texts (
        id INTEGER PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        text BLOB NOT NULL
    );
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        essay_id INTEGER NOT NULL REFERENCES essays(id),
        at INTEGER NOT NULL,            -- unix milliseconds
        source TEXT NOT NULL,
        hash TEXT NOT NULL REFERENCES texts(hash),
        path TEXT,
        words_added INTEGER NOT NULL DEFAULT 0,
        words_removed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX revisions_essay ON revisions(essay_id, id);
    CREATE TABLE drafts (
        essay_id INTEGER PRIMARY KEY REFERENCES essays(id),
        text TEXT NOT NULL,
        base_hash TEXT,                 -- the file the draft started from; NULL: a new essay
        dirty INTEGER NOT NULL,         -- differs from its base
        theirs_hash TEXT,               -- set while an outside edit conflicts with the draft
        updated_at INTEGER NOT NULL
    );
    CREATE TABLE publish_records (
        id INTEGER PRIMARY KEY,
        essay_id INTEGER REFERENCES essays(id),
        kind TEXT NOT NULL,             -- post, standalone, site
        out TEXT NOT NULL,
        at INTEGER NOT NULL,
        hash TEXT
    );
    "#,
    ),
    // 2: the search index keeps no copy of the bodies (snippets are read from `texts`).
    Migration::Steps(search_reads_kept_texts),
    // 3: publishing targets, and what was published where (the first table was never written).
    Migration::Sql(records::SCHEMA),
    // 4: when each housekeeping task (pruning the history) last ran.
    Migration::Sql(
        "CREATE TABLE upkeep (
            task TEXT PRIMARY KEY,
            at INTEGER NOT NULL             -- unix milliseconds
        );",
    ),
];

/// The search index: contentless, so the bodies are not kept a second time beside `texts`.
/// Which library and status an essay has is read from `essays` when searching.
const SEARCH_TABLE: &str = "
    USING fts5(
        title, body, tags,
        content = '', contentless_delete = 1,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )";

/// Migration 2. Each indexed body is pointed at the kept text it came from (`body_hash`, and
/// `body_start`, the byte offset where the body begins after the front matter), then the index
/// is rebuilt without its copy of the bodies. A body found in no kept text of its essay (which
/// the code before never wrote, but an old store may hold) is kept as a text of its own.
fn search_reads_kept_texts(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "ALTER TABLE essays ADD COLUMN body_hash TEXT;
         ALTER TABLE essays ADD COLUMN body_start INTEGER NOT NULL DEFAULT 0;",
    )?;
    let mut bodies = conn.prepare(
        "SELECT s.rowid, CAST(s.body AS BLOB), e.hash,
                (SELECT r.hash FROM revisions r WHERE r.essay_id = e.id ORDER BY r.id DESC LIMIT 1)
         FROM search s JOIN essays e ON e.id = s.rowid WHERE length(s.body) > 0",
    )?;
    let mut text = conn.prepare("SELECT text FROM texts WHERE hash = ?1")?;
    let mut keep = conn.prepare("INSERT OR IGNORE INTO texts(hash, text) VALUES (?1, ?2)")?;
    let mut point =
        conn.prepare("UPDATE essays SET body_hash = ?2, body_start = ?3 WHERE id = ?1")?;
    let mut rows = bodies.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let body: Vec<u8> = row.get(1)?;
        let candidates = [row.get::<_, Option<String>>(2)?, row.get(3)?];
        let mut found = None;
        for hash in candidates.into_iter().flatten() {
            let Some(kept) = text
                .query_row([&hash], |r| Ok(bytes_of(r.get_ref(0)?)))
                .optional()?
            else {
                continue;
            };
            if kept.ends_with(&body) {
                found = Some((hash, kept.len() - body.len()));
                break;
            }
            // A file that is not UTF-8 was indexed as its lossy reading, from its start.
            if String::from_utf8_lossy(&kept).as_bytes() == body.as_slice() {
                found = Some((hash, 0));
                break;
            }
        }
        let (hash, start) = match found {
            Some(found) => found,
            None => {
                // The content hash of every kept text (the library's `content_hash`).
                let hash = blake3::hash(&body).to_hex().to_string();
                keep.execute(params![hash, body])?;
                (hash, 0)
            }
        };
        point.execute(params![id, hash, start as i64])?;
    }
    drop(rows);
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE search_new {SEARCH_TABLE};
         INSERT INTO search_new(search_new, rank) VALUES ('rank', 'bm25(10.0, 1.0, 5.0)');
         INSERT INTO search_new(rowid, title, body, tags) SELECT rowid, title, body, tags FROM search;
         DROP TABLE search;
         ALTER TABLE search_new RENAME TO search;"
    ))
}

/// The bytes of a text or blob value (texts are written as blobs; this reads either).
fn bytes_of(value: rusqlite::types::ValueRef<'_>) -> Vec<u8> {
    match value {
        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => b.to_vec(),
        _ => Vec::new(),
    }
}

/// Where a change came from. Every change carries one, so the library can tell the writer's
/// own saves from outside edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Autosave of the editor into a draft.
    Editor,
    /// The draft written to its file.
    Save,
    /// Found on disk by the watcher or a scan.
    Disk,
    /// A revision brought back.
    Restore,
    /// First seen when a folder was indexed.
    Import,
    /// The essay deleted from the app: its last text is kept here.
    Delete,
    /// The post as it was on a publishing site, pulled in to look at (it was edited there).
    Remote,
}

impl Source {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Editor => "editor",
            Source::Save => "save",
            Source::Disk => "disk",
            Source::Restore => "restore",
            Source::Import => "import",
            Source::Delete => "delete",
            Source::Remote => "remote",
        }
    }

    fn parse(text: &str) -> Source {
        match text {
            "editor" => Source::Editor,
            "save" => Source::Save,
            "restore" => Source::Restore,
            "import" => Source::Import,
            "delete" => Source::Delete,
            "remote" => Source::Remote,
            _ => Source::Disk,
        }
    }
}

/// An essay as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EssayRow {
    /// Stable across renames.
    pub id: i64,
    /// Relative path with `/` separators; `None` for a new essay not yet saved.
    pub path: Option<String>,
    /// Content hash of the file on disk; `None` when there is no file.
    pub hash: Option<String>,
    /// File size when last seen.
    pub size: i64,
    /// File modification time (ns) when last seen.
    pub mtime_ns: i64,
    /// Title (front matter, else from the file name).
    pub title: String,
    /// URL name.
    pub slug: String,
    /// `draft`, `published`, or what the file says.
    pub status: Status,
    /// `YYYY-MM-DD`, when dated.
    pub date: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Words of prose.
    pub words: i64,
    /// Why the file cannot be edited or rendered, if so.
    pub problem: Option<String>,
}

/// One row of a library's list, as a window lists it: [`Tx::listing`] reads only these of each
/// essay (not its summary, slug or file facts), so that 100,000 of them are read in ~0.1 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRow {
    pub id: i64,
    pub path: Option<String>,
    pub title: String,
    pub status: Status,
    pub date: Option<String>,
    pub tags: Vec<String>,
    pub words: i64,
    pub problem: Option<String>,
    /// Its draft has changes not yet saved to its file.
    pub unsaved: bool,
}

/// What the store keeps of an essay's metadata, as found in its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EssayMeta {
    /// Title.
    pub title: String,
    /// URL name.
    pub slug: String,
    /// Its status.
    pub status: Status,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Words of prose.
    pub words: i64,
    /// Why it cannot be edited or rendered.
    pub problem: Option<String>,
}

/// A file's state on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    /// Content hash.
    pub hash: String,
    /// Size in bytes.
    pub size: i64,
    /// Modification time in nanoseconds.
    pub mtime_ns: i64,
}

/// An essay's file as last seen, without the rest of its row (see [`Tx::known_files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFile {
    /// The essay.
    pub id: i64,
    /// Relative path with `/` separators.
    pub path: String,
    /// Whether the file was there when last seen (its content hash is known).
    pub on_disk: bool,
    /// File size when last seen.
    pub size: i64,
    /// File modification time (ns) when last seen.
    pub mtime_ns: i64,
}

/// The writer's working copy of an essay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The essay.
    pub essay_id: i64,
    /// The text in the editor.
    pub text: String,
    /// Hash of the file text the draft started from; `None` for a new essay.
    pub base_hash: Option<String>,
    /// Whether the text differs from its base.
    pub dirty: bool,
    /// Hash of the outside edit that conflicts with the draft, while it does.
    pub theirs_hash: Option<String>,
    /// Unix milliseconds of the last autosave.
    pub updated_at: i64,
}

/// One snapshot in an essay's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    /// Increasing id.
    pub id: i64,
    /// The essay.
    pub essay_id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// Where it came from.
    pub source: Source,
    /// Content hash of its text.
    pub hash: String,
    /// The essay's path at the time.
    pub path: Option<String>,
    /// Words added since the revision before.
    pub words_added: i64,
    /// Words removed since the revision before.
    pub words_removed: i64,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchHit {
    /// The essay.
    pub essay_id: i64,
    /// Its path.
    pub path: Option<String>,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: Status,
    /// Text around the hits, with the hits between the caller's markers.
    pub snippet: String,
    /// BM25 score (lower is better); 0 for every hit of a query too broad to rank
    /// (more than [`RANKED_AT_MOST`] matches), whose hits come newest first.
    pub score: f64,
}

/// Which essays a search considers.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only essays with this tag.
    pub tag: Option<String>,
    /// At most this many results (default 20).
    pub limit: Option<usize>,
}

/// Where an indexed body is kept: the text `hash` (see [`Tx::put_text`]) from byte `start` on
/// (after the front matter). Search snippets are read from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeptBody<'a> {
    /// Content hash of the kept text.
    pub hash: &'a str,
    /// Byte offset of the body in that text.
    pub start: usize,
}

// A status is kept as its word, so filtering by status stays a plain string comparison.
impl rusqlite::ToSql for Status {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for Status {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        value.as_str().map(Status::parse)
    }
}

/// The SQLite store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The store used when none is named: `quire.db` in the platform data directory.
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("quire")
        .join("quire.db")
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| store_error(path, &e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.configure().map_err(|e| store_error(path, &e))?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens a store that lives only in memory (tests and one-off runs).
    pub fn in_memory() -> Result<Store> {
        let conn =
            Connection::open_in_memory().map_err(|e| store_error(Path::new(":memory:"), &e))?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
        };
        store
            .configure()
            .map_err(|e| store_error(Path::new(":memory:"), &e))?;
        store.migrate()?;
        Ok(store)
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&mut self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(Duration::from_secs(5))?;
        // WAL lets the watcher and the editor write while readers read; NORMAL sync is durable
        // across a crash or kill of Quire (what autosave guards against) at a fraction of the cost.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && self.path != Path::new(":memory:") {
            // Some file systems cannot do WAL; the store still works, only slower.
            self.conn.execute_batch("PRAGMA journal_mode = DELETE")?;
        }
        // Checkpoints copy the WAL into the database; done inside a commit they are the slow 1%
        // of autosaves. The library checkpoints from its own thread ([`checkpoint`]); this
        // large threshold is only a backstop for stores used without one.
        self.conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 20000; PRAGMA cache_size = -65536;",
        )?;
        // A large scan's WAL, once checkpointed, is cut back to this size instead of keeping
        // its high-water mark on disk for as long as the store exists.
        self.conn
            .execute_batch("PRAGMA journal_size_limit = 67108864;")?;
        self.conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| store_error(&path, &e))?;
        let version = usize::try_from(version).unwrap_or(0);
        if version > MIGRATIONS.len() {
            return Err(Error::Store {
                path,
                message: format!(
                    "was written by a newer Quire (schema {version}, this one knows {}); update Quire or use another store with --db",
                    MIGRATIONS.len()
                ),
            });
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self
                .conn
                .transaction()
                .map_err(|e| store_error(&path, &e))?;
            match migration {
                Migration::Sql(sql) => tx.execute_batch(sql),
                Migration::Steps(steps) => steps(&tx),
            }
            .map_err(|e| store_error(&path, &e))?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(|e| store_error(&path, &e))?;
            tx.commit().map_err(|e| store_error(&path, &e))?;
        }
        Ok(())
    }

    /// Runs `f` in one transaction: all of it lands, or none.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        // IMMEDIATE takes the write lock up front, so a busy store is waited for (busy timeout)
        // instead of failing at once when a read inside the transaction turns into a write.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| store_error(&path, &e))?;
        let value = f(&Tx {
            tx: &tx,
            path: &path,
        })?;
        tx.commit().map_err(|e| store_error(&path, &e))?;
        Ok(value)
    }

    /// Read-only and single-statement work outside an explicit transaction.
    pub fn read(&self) -> Tx<'_> {
        Tx {
            tx: &self.conn,
            path: &self.path,
        }
    }

    /// `PRAGMA integrity_check`: `ok` or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| store_error(&self.path, &e))
    }
}

/// Copies the WAL of the store at `path` into the database, without waiting for or blocking
/// writers. Called from a background thread with its own connection.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

/// A second connection to a store file, for background checkpoints.
pub fn open_checkpointer(path: &Path) -> Option<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    conn.busy_timeout(Duration::from_millis(100)).ok()?;
    Some(conn)
}

/// Statements over the store, inside a transaction or not.
pub struct Tx<'a> {
    tx: &'a Connection,
    path: &'a Path,
}

/// A search hit from columns 0 (id), 2 (path), 3 (title) and 4 (status); its snippet is
/// made afterwards.
fn hit_from_row(row: &rusqlite::Row<'_>, score: f64) -> rusqlite::Result<SearchHit> {
    Ok(SearchHit {
        essay_id: row.get(0)?,
        path: row.get(2)?,
        title: row.get(3)?,
        status: row.get(4)?,
        snippet: String::new(),
        score,
    })
}

fn essay_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<EssayRow> {
    let tags: String = row.get(9)?;
    Ok(EssayRow {
        id: row.get(0)?,
        path: row.get(1)?,
        hash: row.get(2)?,
        size: row.get(3)?,
        mtime_ns: row.get(4)?,
        title: row.get(5)?,
        slug: row.get(6)?,
        status: row.get(7)?,
        date: row.get(8)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        summary: row.get(10)?,
        words: row.get(11)?,
        problem: row.get(12)?,
    })
}

/// Whether essay `e` is listed: it has a file, or it is a new essay that is only a draft (an
/// essay whose file is gone and that has no draft is not; its history stays in the store).
const IS_LISTED: &str =
    "(e.hash IS NOT NULL OR EXISTS (SELECT 1 FROM drafts d WHERE d.essay_id = e.id))";

/// The columns [`listed_from_row`] reads, of essays `e`.
const LISTED_COLUMNS: &str =
    "e.id, e.path, e.title, e.status, e.date, e.tags, e.words, e.problem, \
     (SELECT d.dirty FROM drafts d WHERE d.essay_id = e.id) IS 1";

fn listed_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ListedRow> {
    let tags: String = row.get(5)?;
    Ok(ListedRow {
        id: row.get(0)?,
        path: row.get(1)?,
        title: row.get(2)?,
        status: row.get(3)?,
        date: row.get(4)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        words: row.get(6)?,
        problem: row.get(7)?,
        unsaved: row.get(8)?,
    })
}

const ESSAY_COLUMNS: &str =
    "id, path, hash, size, mtime_ns, title, slug, status, date, tags, summary, words, problem";

/// The columns [`revision_from_row`] reads, in its order.
const REVISION_COLUMNS: &str = "id, essay_id, at, source, hash, path, words_added, words_removed";

fn revision_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Revision> {
    let source: String = row.get(3)?;
    Ok(Revision {
        id: row.get(0)?,
        essay_id: row.get(1)?,
        at: row.get(2)?,
        source: Source::parse(&source),
        hash: row.get(4)?,
        path: row.get(5)?,
        words_added: row.get(6)?,
        words_removed: row.get(7)?,
    })
}

impl Tx<'_> {
    fn err(&self, e: rusqlite::Error) -> Error {
        store_error(self.path, &e)
    }

    /// The id of the library at `root` (a canonical path), registering it the first time.
    pub fn library_id(&self, root: &str) -> Result<i64> {
        self.tx
            .prepare_cached("INSERT INTO libraries(root) VALUES (?1) ON CONFLICT(root) DO UPDATE SET root = root RETURNING id")
            .and_then(|mut s| s.query_row([root], |r| r.get(0)))
            .map_err(|e| self.err(e))
    }

    /// Every essay a library lists (files, and new essays that are only drafts), by path.
    pub fn essays(&self, library: i64) -> Result<Vec<EssayRow>> {
        let sql = format!(
            "SELECT {ESSAY_COLUMNS} FROM essays e WHERE library_id = ?1 AND {IS_LISTED} ORDER BY path"
        );
        let mut stmt = self.tx.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([library], essay_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// A library's listed essays (a file, or a draft) in id order: those after `after`, at most
    /// `limit` (all: `None`). Paging by id, the rows of a list read in several calls are each
    /// read once whatever is renamed meanwhile. `+library_id` keeps SQLite on the table's own
    /// order: through the `essays_hash` index it sorted every row first (twice as long).
    pub fn listing(
        &self,
        library: i64,
        after: i64,
        limit: Option<usize>,
    ) -> Result<Vec<ListedRow>> {
        let sql = format!(
            "SELECT {LISTED_COLUMNS} FROM essays e WHERE +e.library_id = ?1 AND {IS_LISTED} \
             AND e.id > ?2 ORDER BY e.id LIMIT ?3"
        );
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut stmt = self.tx.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![library, after, limit], listed_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// One essay's row as [`Tx::listing`] has it; None when it is not listed.
    pub fn listed(&self, library: i64, id: i64) -> Result<Option<ListedRow>> {
        let sql = format!(
            "SELECT {LISTED_COLUMNS} FROM essays e WHERE e.library_id = ?1 AND {IS_LISTED} AND e.id = ?2"
        );
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([library, id], listed_from_row).optional())
            .map_err(|e| self.err(e))
    }

    /// The files a library's essays were last seen as: what a scan compares the folder with.
    pub fn known_files(&self, library: i64) -> Result<Vec<KnownFile>> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT id, path, hash IS NOT NULL, size, mtime_ns FROM essays WHERE library_id = ?1 AND path IS NOT NULL",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([library], |r| {
                Ok(KnownFile {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    on_disk: r.get(2)?,
                    size: r.get(3)?,
                    mtime_ns: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// One essay by path.
    pub fn essay_by_path(&self, library: i64, path: &str) -> Result<Option<EssayRow>> {
        let sql = format!("SELECT {ESSAY_COLUMNS} FROM essays WHERE library_id = ?1 AND path = ?2");
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row(params![library, path], essay_from_row)
                    .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// One essay by id.
    pub fn essay(&self, id: i64) -> Result<Option<EssayRow>> {
        let sql = format!("SELECT {ESSAY_COLUMNS} FROM essays WHERE id = ?1");
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], essay_from_row).optional())
            .map_err(|e| self.err(e))
    }

    /// Adds an essay row and returns its id.
    pub fn insert_essay(&self, library: i64, path: Option<&str>) -> Result<i64> {
        self.tx
            .prepare_cached("INSERT INTO essays(library_id, path) VALUES (?1, ?2)")
            .and_then(|mut s| s.insert(params![library, path]))
            .map_err(|e| self.err(e))
    }

    /// Records what the file looks like now (or that there is none).
    pub fn set_file(&self, id: i64, file: Option<&FileState>) -> Result<()> {
        let (hash, size, mtime) = match file {
            Some(f) => (Some(f.hash.as_str()), f.size, f.mtime_ns),
            None => (None, 0, 0),
        };
        self.tx
            .prepare_cached("UPDATE essays SET hash = ?2, size = ?3, mtime_ns = ?4 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, hash, size, mtime]))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Moves an essay to another path (renamed on disk or in the app).
    pub fn set_path(&self, id: i64, path: Option<&str>) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE essays SET path = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, path]))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Updates metadata and the search index from the essay's text. `body` is what is
    /// indexed; `kept` says where it is kept (snippets are read from there, the index keeps no
    /// copy); `None` for an essay with no text yet, whose body must then be empty.
    pub fn set_meta(
        &self,
        id: i64,
        meta: &EssayMeta,
        body: &str,
        kept: Option<KeptBody<'_>>,
    ) -> Result<()> {
        let tags = serde_json::to_string(&meta.tags).unwrap_or_else(|_| "[]".into());
        let (body_hash, body_start) = match kept {
            Some(k) => (Some(k.hash), k.start as i64),
            None => (None, 0),
        };
        self.tx
            .prepare_cached(
                "UPDATE essays SET title = ?2, slug = ?3, status = ?4, date = ?5, tags = ?6, summary = ?7, words = ?8, problem = ?9,
                 body_hash = ?10, body_start = ?11 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![id, meta.title, meta.slug, meta.status, meta.date, tags, meta.summary, meta.words, meta.problem, body_hash, body_start])
            })
            .map_err(|e| self.err(e))?;
        self.tx
            .prepare_cached("DELETE FROM search WHERE rowid = ?1")
            .and_then(|mut s| s.execute([id]))
            .map_err(|e| self.err(e))?;
        self.tx
            .prepare_cached("INSERT INTO search(rowid, title, body, tags) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut s| s.execute(params![id, meta.title, body, meta.tags.join(" ; ")]))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Keeps a text (deduplicated by hash).
    pub fn put_text(&self, hash: &str, text: &[u8]) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO texts(hash, text) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![hash, text]))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// A kept text.
    pub fn text(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        self.tx
            .prepare_cached("SELECT text FROM texts WHERE hash = ?1")
            .and_then(|mut s| s.query_row([hash], |r| r.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Records a revision whose text is already kept.
    #[allow(clippy::too_many_arguments)]
    pub fn add_revision(
        &self,
        essay: i64,
        at: i64,
        source: Source,
        hash: &str,
        path: Option<&str>,
        words_added: i64,
        words_removed: i64,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO revisions(essay_id, at, source, hash, path, words_added, words_removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| s.insert(params![essay, at, source.as_str(), hash, path, words_added, words_removed]))
            .map_err(|e| self.err(e))
    }

    /// An essay's revisions, newest first.
    pub fn revisions(&self, essay: i64) -> Result<Vec<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM revisions WHERE essay_id = ?1 ORDER BY id DESC"
        );
        let mut stmt = self.tx.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([essay], revision_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// One revision.
    pub fn revision(&self, id: i64) -> Result<Option<Revision>> {
        let sql = format!("SELECT {REVISION_COLUMNS} FROM revisions WHERE id = ?1");
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], revision_from_row).optional())
            .map_err(|e| self.err(e))
    }

    /// The newest revision of an essay.
    pub fn latest_revision(&self, essay: i64) -> Result<Option<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM revisions WHERE essay_id = ?1 ORDER BY id DESC LIMIT 1"
        );
        self.tx
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([essay], revision_from_row).optional())
            .map_err(|e| self.err(e))
    }

    /// The draft of an essay, if it has one.
    pub fn draft(&self, essay: i64) -> Result<Option<Draft>> {
        self.tx
            .prepare_cached("SELECT essay_id, text, base_hash, dirty, theirs_hash, updated_at FROM drafts WHERE essay_id = ?1")
            .and_then(|mut s| {
                s.query_row([essay], |r| {
                    Ok(Draft {
                        essay_id: r.get(0)?,
                        text: r.get(1)?,
                        base_hash: r.get(2)?,
                        dirty: r.get(3)?,
                        theirs_hash: r.get(4)?,
                        updated_at: r.get(5)?,
                    })
                })
                .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// Writes a draft (autosave).
    pub fn put_draft(&self, draft: &Draft) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO drafts(essay_id, text, base_hash, dirty, theirs_hash, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(essay_id) DO UPDATE SET text = excluded.text, base_hash = excluded.base_hash, dirty = excluded.dirty,
                 theirs_hash = excluded.theirs_hash, updated_at = excluded.updated_at",
            )
            .and_then(|mut s| {
                s.execute(params![draft.essay_id, draft.text, draft.base_hash, draft.dirty, draft.theirs_hash, draft.updated_at])
            })
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Drops a draft.
    pub fn delete_draft(&self, essay: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM drafts WHERE essay_id = ?1")
            .and_then(|mut s| s.execute([essay]))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Essays of a library whose file is gone but whose content hash is `hash` (rename
    /// detection).
    pub fn missing_with_hash(&self, library: i64, hash: &str) -> Result<Vec<i64>> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT e.id FROM essays e WHERE e.library_id = ?1 AND e.hash IS NULL AND e.path IS NOT NULL
                 AND (SELECT r.hash FROM revisions r WHERE r.essay_id = e.id ORDER BY r.id DESC LIMIT 1) = ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![library, hash], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Full-text search. `query` uses FTS5 syntax (words, "phrases", prefix*, AND/OR/NOT);
    /// `marks` wrap the hits in the snippet. Plain text that is not valid syntax (`U.S.`,
    /// `don't`) is searched again with each word taken literally before an error is given.
    pub fn search(
        &self,
        library: i64,
        query: &str,
        filter: &SearchFilter,
        marks: (&str, &str),
    ) -> Result<Vec<SearchHit>> {
        match self.search_fts(library, query, filter, marks) {
            Err(Error::Invalid(message)) => {
                let literal = literal_query(query);
                if literal.is_empty() {
                    return Err(Error::Invalid(message));
                }
                self.search_fts(library, &literal, filter, marks)
                    .map_err(|_| Error::Invalid(message))
            }
            other => other,
        }
    }

    fn search_fts(
        &self,
        library: i64,
        query: &str,
        filter: &SearchFilter,
        marks: (&str, &str),
    ) -> Result<Vec<SearchHit>> {
        let limit = filter.limit.unwrap_or(20);
        // The tag filter joins the match expression, so FTS5 does all the filtering itself.
        let expression = match &filter.tag {
            Some(tag) => format!("({query}) AND tags : \"{}\"", tag.replace('"', "\"\"")),
            None => query.to_string(),
        };
        // Walking the matches newest first costs little per match; bm25 costs about 1 µs per
        // match, and a phrase's weight takes a pass over all its matches. So a broad query
        // (in any library of the store) is listed newest first, and a selective one by bm25.
        // One walk, newest first, both counts the matches (broad past RANKED_AT_MOST) and
        // gathers the page of hits the filters let through: FTS5 gathers a prefix's or a
        // phrase's matches afresh for every statement, which a separate probe paid twice. The
        // library and status filters read `essays` (the index keeps neither), one row lookup
        // per match.
        // With one library in the store and no status asked for, every match passes the
        // filters, and the walk reads no essay rows (a quarter of a plain word's time).
        let unfiltered = filter.status.is_none()
            && self
                .tx
                .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM libraries WHERE id <> ?1)")
                .and_then(|mut s| s.query_row([library], |r| r.get::<_, bool>(0)))
                .map_err(|e| self.err(e))?;
        let walk = if unfiltered {
            "SELECT rowid, 1 FROM search WHERE search MATCH ?1 ORDER BY rowid DESC"
        } else {
            "SELECT s.rowid, e.id IS NOT NULL AND e.library_id = ?1 AND (?2 IS NULL OR e.status = ?2)
             FROM search s LEFT JOIN essays e ON e.id = s.rowid
             WHERE search MATCH ?3 ORDER BY s.rowid DESC"
        };
        let mut newest = Vec::new();
        let mut matches = 0;
        {
            let mut stmt = self.tx.prepare_cached(walk).map_err(|e| self.err(e))?;
            let mut rows = if unfiltered {
                stmt.query(params![expression])
            } else {
                stmt.query(params![library, filter.status, expression])
            }
            .map_err(|e| self.match_error(query, e))?;
            while let Some(row) = rows.next().map_err(|e| self.match_error(query, e))? {
                matches += 1;
                if newest.len() < limit && row.get::<_, bool>(1).map_err(|e| self.err(e))? {
                    newest.push(row.get::<_, i64>(0).map_err(|e| self.err(e))?);
                }
                if matches > RANKED_AT_MOST && newest.len() >= limit {
                    break;
                }
            }
        }
        let mut hits = if matches > RANKED_AT_MOST {
            // Only the page's rows are read whole: the walk reads two columns of each match.
            let mut hits = Vec::with_capacity(newest.len());
            for id in newest {
                let hit = self
                    .tx
                    .prepare_cached("SELECT id, 1, path, title, status FROM essays WHERE id = ?1")
                    .and_then(|mut s| s.query_row([id], |r| hit_from_row(r, 0.0)).optional())
                    .map_err(|e| self.err(e))?;
                hits.extend(hit);
            }
            hits
        } else {
            let mut stmt = self
                .tx
                .prepare_cached(
                    "SELECT e.id, 1, e.path, e.title, e.status, s.rank FROM search s JOIN essays e ON e.id = s.rowid
                     WHERE search MATCH ?2 AND e.library_id = ?1 AND (?3 IS NULL OR e.status = ?3)
                     ORDER BY s.rank LIMIT ?4",
                )
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map(
                    params![library, expression, filter.status, limit as i64],
                    |r| hit_from_row(r, r.get(5)?),
                )
                .map_err(|e| self.err(e))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(|e| self.match_error(query, e))?
        };
        let terms = snippet::Terms::of_query(query);
        for hit in &mut hits {
            hit.snippet = self.snippet(hit.essay_id, &terms, marks)?;
        }
        Ok(hits)
    }

    /// The snippet of one hit, from the kept text its body was indexed from. Reads the start
    /// of the body first: the first matches are nearly always there, and a long essay's whole
    /// body would cost more than the search.
    fn snippet(&self, id: i64, terms: &snippet::Terms, marks: (&str, &str)) -> Result<String> {
        let body = |bytes: Option<i64>| {
            self.tx
                .prepare_cached(
                    "SELECT CASE WHEN ?2 IS NULL THEN substr(t.text, e.body_start + 1)
                                 ELSE substr(t.text, e.body_start + 1, ?2) END
                     FROM essays e JOIN texts t ON t.hash = e.body_hash WHERE e.id = ?1",
                )
                .and_then(|mut s| {
                    s.query_row(params![id, bytes], |r| Ok(bytes_of(r.get_ref(0)?)))
                        .optional()
                })
                .map(Option::unwrap_or_default)
                .map_err(|e| self.err(e))
        };
        // A character is at most 4 bytes, so this many bytes hold the first SNIPPET_READS
        // characters whenever the body has that many (a character cut at the end lies past them).
        let start = body(Some(4 * SNIPPET_READS as i64))?;
        let start = String::from_utf8_lossy(&start);
        let (head, cut) = match start.char_indices().nth(SNIPPET_READS) {
            Some((end, _)) => (&start[..end], true),
            None => (&start[..], false),
        };
        let built = snippet::build(head, terms, marks, cut);
        if built.found || !cut {
            return Ok(built.text);
        }
        let whole = body(None)?;
        Ok(snippet::build(&String::from_utf8_lossy(&whole), terms, marks, false).text)
    }

    fn match_error(&self, query: &str, e: rusqlite::Error) -> Error {
        match &e {
            // A plain SQL error while matching is the query's fault (FTS5 syntax), not the store's.
            rusqlite::Error::SqliteFailure(f, Some(message)) if f.code == ErrorCode::Unknown => Error::Invalid(format!(
                "search query `{query}` is not valid ({message}); put \"double quotes\" around text to search for it as written"
            )),
            _ => self.err(e),
        }
    }

    /// Merges the search index's segments into one. Worth it after a large batch of changes
    /// (a first index, a branch switch): queries then read one segment instead of dozens.
    pub fn optimize_search(&self) -> Result<()> {
        self.tx
            .execute("INSERT INTO search(search) VALUES ('optimize')", [])
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// When the housekeeping task `task` last ran (unix ms), if it ever did.
    pub fn last_upkeep(&self, task: &str) -> Result<Option<i64>> {
        self.tx
            .prepare_cached("SELECT at FROM upkeep WHERE task = ?1")
            .and_then(|mut s| s.query_row([task], |r| r.get(0)).optional())
            .map_err(|e| self.err(e))
    }

    /// Records that the housekeeping task `task` ran at `at` (unix ms).
    pub fn record_upkeep(&self, task: &str, at: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO upkeep(task, at) VALUES (?1, ?2)
                 ON CONFLICT(task) DO UPDATE SET at = excluded.at",
            )
            .and_then(|mut s| s.execute(params![task, at]))
            .map(drop)
            .map_err(|e| self.err(e))
    }

    /// Thins old history: per essay, keeps the newest `keep_newest` revisions and everything
    /// newer than `keep_since` (unix ms), then drops texts nothing refers to. Returns how many
    /// revisions went. The newest revisions of every essay are never dropped.
    pub fn prune(&self, keep_newest: usize, keep_since: i64) -> Result<usize> {
        let removed = self
            .tx
            .execute(
                "DELETE FROM revisions WHERE at < ?2 AND id IN (
                    SELECT id FROM (
                        SELECT id, ROW_NUMBER() OVER (PARTITION BY essay_id ORDER BY id DESC) AS n FROM revisions
                    ) WHERE n > ?1
                 )",
                params![keep_newest as i64, keep_since],
            )
            .map_err(|e| self.err(e))?;
        self.tx
            .execute(
                "DELETE FROM texts WHERE hash NOT IN (SELECT hash FROM revisions)
                   AND hash NOT IN (SELECT theirs_hash FROM drafts WHERE theirs_hash IS NOT NULL)
                   AND hash NOT IN (SELECT base_hash FROM drafts WHERE base_hash IS NOT NULL)
                   AND hash NOT IN (SELECT body_hash FROM essays WHERE body_hash IS NOT NULL)",
                [],
            )
            .map_err(|e| self.err(e))?;
        Ok(removed)
    }
}

/// A query matching more essays than this lists its hits newest first instead of by bm25,
/// which would cost about 1 ms per thousand matches. A writer's search that matches over a
/// thousand essays names words that nearly every essay uses; ranking them says little.
pub const RANKED_AT_MOST: usize = 1000;

/// How many characters of a hit's body are read for its snippet before the whole body is.
const SNIPPET_READS: usize = 20_000;

/// Each word of a query as a literal FTS5 string, keeping a trailing `*` as a prefix search.
fn literal_query(query: &str) -> String {
    query
        .split_whitespace()
        .filter_map(|word| {
            let (word, star) = match word.strip_suffix('*') {
                Some(w) => (w, "*"),
                None => (word, ""),
            };
            let word = word.trim_matches('"');
            (!word.is_empty()).then(|| format!("\"{}\"{star}", word.replace('"', "\"\"")))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Turns a SQLite failure into an error that names the store and says what to do.
fn store_error(path: &Path, error: &rusqlite::Error) -> Error {
    let code = match error {
        rusqlite::Error::SqliteFailure(e, _) => Some(e.code),
        _ => None,
    };
    let message = match code {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "is locked by another program (another Quire?); close it, or give this one its own store with --db or QUIRE_DB".to_string()
        }
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            "is damaged or not a Quire store; move it aside and Quire will start a new one (your essays are safe: only history and unsaved drafts live there)".to_string()
        }
        Some(ErrorCode::ReadOnly) => {
            "cannot be written (read-only file or folder); make it writable or use --db to put the store elsewhere".to_string()
        }
        Some(ErrorCode::DiskFull) => {
            "cannot grow: the disk is full; free some space (no essay was changed)".to_string()
        }
        Some(ErrorCode::CannotOpen) => "cannot be opened; check that its folder exists and is writable, or use --db".to_string(),
        _ => format!("failed: {error}"),
    };
    Error::Store {
        path: path.to_path_buf(),
        message,
    }
}

mod records;
mod snippet;

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept text's content hash, as the library makes it.
    fn hash_of(bytes: &[u8]) -> String {
        blake3::hash(bytes).to_hex().to_string()
    }

    /// Keeps `body` as a text of its own and indexes the essay from it, as a save of a file
    /// without front matter does.
    fn index_whole_text(tx: &Tx<'_>, id: i64, meta: &EssayMeta, body: &str) -> Result<()> {
        let hash = hash_of(body.as_bytes());
        tx.put_text(&hash, body.as_bytes())?;
        let kept = KeptBody {
            hash: &hash,
            start: 0,
        };
        tx.set_meta(id, meta, body, Some(kept))
    }

    #[test]
    fn migrations_bring_a_new_store_to_the_latest_schema_and_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_store_from_a_newer_quire_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let store = Store::open(&path).unwrap();
        store.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("newer Quire"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_store_gives_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        std::fs::write(&path, "this is an essay, not a database".repeat(100)).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("move it aside"), "{err}");
        assert_eq!(err.kind(), crate::ErrorKind::Store);
    }

    #[test]
    fn search_finds_phrases_and_prefixes_and_filters_by_status_and_tag() {
        let mut store = Store::in_memory().unwrap();
        store
            .transaction(|tx| {
                let lib = tx.library_id("/e")?;
                for (path, title, status, tags, body) in [
                    (
                        "a.md",
                        "Training",
                        "published",
                        vec!["policy"],
                        "Training professionalism in the police.",
                    ),
                    (
                        "b.md",
                        "Other",
                        "draft",
                        vec!["policy"],
                        "Professional training of troops.",
                    ),
                    (
                        "c.md",
                        "Third",
                        "published",
                        vec!["media"],
                        "Nothing relevant here at all.",
                    ),
                ] {
                    let id = tx.insert_essay(lib, Some(path))?;
                    let meta = EssayMeta {
                        title: title.into(),
                        status: Status::parse(status),
                        tags: tags.into_iter().map(String::from).collect(),
                        ..EssayMeta::default()
                    };
                    index_whole_text(tx, id, &meta, body)?;
                }
                Ok(())
            })
            .unwrap();
        let tx = store.read();
        let lib = tx.library_id("/e").unwrap();
        let all = |q: &str, f: &SearchFilter| tx.search(lib, q, f, ("[", "]")).unwrap();
        let hits = all("training", &SearchFilter::default());
        assert_eq!(hits.len(), 2);
        assert!(hits[0].snippet.contains("[Training]"), "{:?}", hits[0]);
        assert_eq!(
            all("\"training professionalism\"", &SearchFilter::default()).len(),
            1
        );
        assert_eq!(all("profession*", &SearchFilter::default()).len(), 2);
        let published = SearchFilter {
            status: Some(Status::Published),
            ..SearchFilter::default()
        };
        assert_eq!(all("training", &published).len(), 1);
        let media = SearchFilter {
            tag: Some("media".into()),
            ..SearchFilter::default()
        };
        assert_eq!(all("relevant", &media).len(), 1);
        // Text that is not FTS syntax is searched for literally.
        assert_eq!(all("police.", &SearchFilter::default()).len(), 1);
        assert_eq!(all("\"training", &SearchFilter::default()).len(), 2);
        let err = tx
            .search(lib, "\"*", &SearchFilter::default(), ("[", "]"))
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Invalid, "{err}");
        assert!(err.to_string().contains("double quotes"), "{err}");
    }

    #[test]
    fn selective_queries_rank_by_bm25_and_broad_ones_list_the_newest_first() {
        let mut store = Store::in_memory().unwrap();
        let broad = RANKED_AT_MOST + 5;
        store
            .transaction(|tx| {
                let lib = tx.library_id("/e")?;
                for i in 0..broad {
                    // "otter" once in essay 3, three times in essay 7: 7 ranks first.
                    let body = match i {
                        3 => "Common words and an otter among the reeds of the river bank.",
                        7 => "Common words: otter, otter, otter.",
                        _ => "Common words about nothing in particular at all today.",
                    };
                    let id = tx.insert_essay(lib, Some(&format!("e{i}.md")))?;
                    let meta = EssayMeta {
                        title: format!("Essay {i}"),
                        status: Status::Draft,
                        ..EssayMeta::default()
                    };
                    index_whole_text(tx, id, &meta, body)?;
                }
                Ok(())
            })
            .unwrap();
        let tx = store.read();
        let lib = tx.library_id("/e").unwrap();
        let filter = SearchFilter::default();
        let otters = tx.search(lib, "otter", &filter, ("[", "]")).unwrap();
        let paths: Vec<_> = otters.iter().map(|h| h.path.as_deref().unwrap()).collect();
        assert_eq!(paths, ["e7.md", "e3.md"], "bm25 order: most otters first");
        assert!(otters[0].score < otters[1].score, "{otters:?}");
        assert!(otters[0].snippet.contains("[otter]"), "{:?}", otters[0]);

        let common = tx.search(lib, "common", &filter, ("[", "]")).unwrap();
        assert_eq!(common.len(), 20, "a page of hits, not all of them");
        let ids: Vec<i64> = common.iter().map(|h| h.essay_id).collect();
        let mut newest_first = ids.clone();
        newest_first.sort_by(|a, b| b.cmp(a));
        assert_eq!(ids, newest_first, "newest first");
        assert_eq!(
            common[0].path.as_deref(),
            Some(format!("e{}.md", broad - 1).as_str())
        );
        assert!(common[0].snippet.contains("[Common]"), "{:?}", common[0]);
        // A phrase that is broad goes the same way; an invalid query still says so.
        assert_eq!(
            tx.search(lib, "\"common words\"", &filter, ("[", "]"))
                .unwrap()
                .len(),
            20
        );
        let err = tx.search(lib, "\"*", &filter, ("[", "]")).unwrap_err();
        assert!(err.to_string().contains("double quotes"), "{err}");

        // The newest match of all in another library, and a published one here: a broad
        // query's page holds only this library's essays, and only the status asked for.
        let (other, published) = store
            .transaction(|tx| {
                let other = tx.library_id("/other")?;
                let lib = tx.library_id("/e")?;
                let mut ids = Vec::new();
                for (library, status) in [(lib, Status::Published), (other, Status::Draft)] {
                    let id = tx.insert_essay(library, Some("late.md"))?;
                    let meta = EssayMeta {
                        title: "Late".into(),
                        status,
                        ..EssayMeta::default()
                    };
                    let body = "Common words, written late.";
                    index_whole_text(tx, id, &meta, body)?;
                    ids.push(id);
                }
                Ok((ids[1], ids[0]))
            })
            .unwrap();
        let tx = store.read();
        let common = tx.search(lib, "common", &filter, ("[", "]")).unwrap();
        assert_eq!(common.len(), 20);
        assert_eq!(common[0].essay_id, published);
        assert!(common.iter().all(|h| h.essay_id != other), "{common:?}");
        let only_published = SearchFilter {
            status: Some(Status::Published),
            ..SearchFilter::default()
        };
        let hits = tx
            .search(lib, "common", &only_published, ("[", "]"))
            .unwrap();
        let ids: Vec<i64> = hits.iter().map(|h| h.essay_id).collect();
        assert_eq!(ids, [published]);
    }

    /// A store as Quire wrote it at schema 1: the search index kept its own copy of each body.
    fn version_one_store(path: &Path) {
        let conn = Connection::open(path).unwrap();
        let Migration::Sql(schema) = &MIGRATIONS[0] else {
            unreachable!("schema 1 is SQL")
        };
        conn.execute_batch(schema).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute("INSERT INTO libraries(id, root) VALUES (1, '/e')", [])
            .unwrap();
        let essay = |id: i64, path: Option<&str>, file: Option<&[u8]>, title: &str, body: &str| {
            let hash = file.map(hash_of);
            conn.execute(
                "INSERT INTO essays(id, library_id, path, hash, title, status) VALUES (?1, 1, ?2, ?3, ?4, 'published')",
                params![id, path, hash, title],
            )
            .unwrap();
            if let (Some(hash), Some(file)) = (&hash, file) {
                conn.execute(
                    "INSERT INTO texts(hash, text) VALUES (?1, ?2)",
                    params![hash, file],
                )
                .unwrap();
                conn.execute(
                    "INSERT INTO revisions(essay_id, at, source, hash, path) VALUES (?1, 1, 'import', ?2, ?3)",
                    params![id, hash, path],
                )
                .unwrap();
            }
            conn.execute(
                "INSERT INTO search(rowid, title, body, tags, library, status) VALUES (?1, ?2, ?3, '', 1, 'published')",
                params![id, title, body],
            )
            .unwrap();
        };
        essay(
            1,
            Some("otters.md"),
            Some(b"---\ntitle: Otters\n---\nThe otter swims in the river.\n"),
            "Otters",
            "The otter swims in the river.\n",
        );
        essay(
            2,
            Some("latin1.md"),
            Some(b"Caf\xe9 talk about the heron.\n"),
            "latin1",
            "Caf\u{fffd} talk about the heron.\n",
        );
        // Deleted on disk, its last text pruned: the index still held its body.
        essay(
            3,
            Some("gone.md"),
            None,
            "Gone",
            "A body only the index remembers: kingfisher.",
        );
        // A new essay, a draft with no file yet, indexed by its title.
        essay(4, None, None, "Badgers at dusk", "");
    }

    #[test]
    fn a_version_one_store_migrates_and_searches_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        version_one_store(&path);
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let tx = store.read();
        // Forgets everything but the newest revision, and every text nothing else refers to.
        tx.prune(0, i64::MAX).unwrap();
        let find = |q: &str| {
            let hits = tx
                .search(1, q, &SearchFilter::default(), ("[", "]"))
                .unwrap();
            hits.into_iter()
                .map(|h| (h.essay_id, h.snippet))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            find("otter"),
            [(1, "The [otter] swims in the river.".to_string())]
        );
        assert_eq!(
            find("heron"),
            [(2, "Caf\u{fffd} talk about the [heron].".to_string())]
        );
        assert_eq!(
            find("kingfisher"),
            [(
                3,
                "A body only the index remembers: [kingfisher].".to_string()
            )]
        );
        assert_eq!(find("badgers"), [(4, String::new())]);
        let copies: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM search WHERE body IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(copies, 0, "the index keeps no copy of the bodies");
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn pruning_keeps_the_newest_revisions_of_every_essay() {
        let mut store = Store::in_memory().unwrap();
        store
            .transaction(|tx| {
                let lib = tx.library_id("/e")?;
                let id = tx.insert_essay(lib, Some("a.md"))?;
                for i in 0..10 {
                    let hash = format!("h{i}");
                    tx.put_text(&hash, hash.as_bytes())?;
                    tx.add_revision(id, i, Source::Save, &hash, Some("a.md"), 0, 0)?;
                }
                assert_eq!(tx.prune(3, 1_000)?, 7);
                let left: Vec<String> = tx.revisions(id)?.into_iter().map(|r| r.hash).collect();
                assert_eq!(left, ["h9", "h8", "h7"]);
                assert!(tx.text("h0")?.is_none(), "unreferenced texts are dropped");
                Ok(())
            })
            .unwrap();
    }
}
