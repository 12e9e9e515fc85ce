//! The database: the connection (SQLite, the embedded default, or PostgreSQL, chosen by
//! URL, with the time limits of `deadline`), the one door for every write (`writer`), the
//! SQLite ingest writer's own connection and the background WAL checkpoint, and the
//! migrations (run before any writer exists).
mod deadline;
pub mod json_rows;
mod postgres_pool;
mod refusal;
mod writer;

pub use deadline::{is_no_answer, within, DbLimits};

use migration::{Migrator, MigratorTrait};
pub use refusal::is_permanent;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqlxSqliteConnector, Statement};
use std::time::Duration;
pub use writer::{hold_write_lock, WriteTxn, Writer};

/// How many commits of the ingest writers carried how many deliveries, since start (the
/// outbound sender steps back while they are many: `outbound::ingest_first`).
#[derive(Debug, Default)]
pub struct CommitStats {
    pub commits: std::sync::atomic::AtomicU64,
    pub deliveries: std::sync::atomic::AtomicU64,
}

/// [`connect_with`] the default limits.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, DbLimits::default()).await
}

/// Connects and, for SQLite, makes sure the file's directory exists and the database runs
/// in WAL mode with `synchronous=FULL`, so that a committed delivery survives power loss.
#[tracing::instrument(skip_all)]
pub async fn connect_with(url: &str, limits: DbLimits) -> Result<DatabaseConnection, DbErr> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return postgres_pool::connect(url, limits).await.map_err(|e| without_url(e, url));
    }
    if let Some(path) = sqlite_file(url) {
        if let Some(dir) = std::path::Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .connect_timeout(limits.acquire_timeout)
        .acquire_timeout(limits.acquire_timeout)
        .max_connections(8)
        // Tested on release already (see `postgres_pool`).
        .test_before_acquire(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // A multi-row statement inside a transaction keeps a statement journal, to
                // undo just that statement if it fails. In a file (SQLite's default) each
                // batch commit created, wrote and deleted one in /var/tmp, a large share of
                // the writer's bytes written (docs/BENCHMARKS.md). Scratch data only;
                // durability is the log's.
                .pragma("temp_store", "memory")
                // The log is copied into the database file by `spawn_wal_checkpointer`;
                // SQLite's own checkpoint stays only as a bound (about 40 MiB of log).
                .pragma("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES.to_string())
        });
    // sea-orm quotes the whole URL in some errors (one it cannot parse, a scheme it has no
    // driver for), password included: the error names the URL without it.
    Database::connect(options).await.map_err(|e| without_url(e, url))
}

/// `error` with every occurrence of `url` replaced by the URL without its password.
fn without_url(error: DbErr, url: &str) -> DbErr {
    let text = error.to_string();
    if !text.contains(url) {
        return error;
    }
    DbErr::Custom(text.replace(url, &redacted_url(url)))
}

/// `postgres://user:secret@host/db` → `postgres://user:REDACTED@host/db`; a URL that
/// cannot be parsed is replaced as a whole, since where its password ends is unknown.
pub fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("REDACTED"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "[a database URL that cannot be parsed]".to_string(),
    }
}

/// SQLite: a pool of its own for the batch-commit writer, on the same file with the same
/// settings, so that the writer never queues with the readers for one of eight
/// connections. One connection: a connection that finds the database written by another
/// since its last transaction drops its whole page cache and reads the pages again, so
/// two writer connections taking turns each began every batch with a cold cache.
/// PostgreSQL: the same pool, which its writers share.
pub fn writer_connection(db: &DatabaseConnection) -> DatabaseConnection {
    if !is_sqlite(db) {
        return db.clone();
    }
    let pool = db.get_sqlite_connection_pool();
    let options = (*pool.connect_options()).clone();
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(pool.options().get_acquire_timeout())
        .connect_lazy_with(options);
    SqlxSqliteConnector::from_sqlx_sqlite_pool(writer)
}

/// Pages of write-ahead log after which a commit checkpoints by itself.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;
/// How often the background checkpoint runs while deliveries are being written. Small
/// checkpoints often keep the batch commits' latency even: a long interval makes each
/// checkpoint large and the commits behind it wait (docs/BENCHMARKS.md has the p99s).
const WAL_CHECKPOINT_BUSY: Duration = Duration::from_millis(20);
/// How often it runs once a checkpoint found nothing new in the log (an idle server).
const WAL_CHECKPOINT_IDLE: Duration = Duration::from_secs(1);

/// SQLite: copies the write-ahead log into the database file many times a second while
/// the database is written, once a second while it is not, on a connection of its own.
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold (page
/// copies and an fsync of the database file), and with batch commit that holds up every
/// delivery of the batch; a large checkpoint in the background still slows the commits
/// beside it. A passive checkpoint never blocks the writer and does not change
/// durability: each commit is still in the fsynced log. Ends when the pool is closed.
pub fn spawn_wal_checkpointer(db: DatabaseConnection) {
    if !is_sqlite(&db) {
        return;
    }
    tokio::spawn(async move {
        let mut last_log = None;
        loop {
            let statement = Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_checkpoint(PASSIVE)");
            // The answer is (busy, frames in the log, frames copied).
            let pause = match db.query_one(statement).await {
                Ok(Some(row)) => {
                    let log = row.try_get_by_index::<i64>(1).ok();
                    let pause = checkpoint_pause(last_log, log, row.try_get_by_index::<i64>(2).ok());
                    last_log = log;
                    pause
                }
                Ok(None) => WAL_CHECKPOINT_BUSY,
                Err(DbErr::ConnectionAcquire(_)) => break,
                Err(error) => {
                    tracing::debug!(%error, "WAL checkpoint skipped; the next tick tries again");
                    WAL_CHECKPOINT_BUSY
                }
            };
            tokio::time::sleep(pause).await;
        }
    });
}

/// The pause before the next checkpoint, from the log's frame count at the last one and
/// this one's answer: a log that has not changed since and is all copied means nothing was
/// written meanwhile.
fn checkpoint_pause(last_log: Option<i64>, log: Option<i64>, copied: Option<i64>) -> Duration {
    if log.is_some() && log == last_log && log == copied {
        WAL_CHECKPOINT_IDLE
    } else {
        WAL_CHECKPOINT_BUSY
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

pub fn is_sqlite(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// The file path in a `sqlite://` URL, if it names a file.
fn sqlite_file(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod url_tests {
    use super::*;

    #[tokio::test]
    async fn a_connection_error_never_shows_the_password() {
        for url in ["postgres://u:pa55word@exa mple/db", "nosuchdb://u:pa55word@host/db"] {
            let error = connect(url).await.err().expect("refused").to_string();
            assert!(!error.contains("pa55word"), "{error}");
        }
        assert_eq!(redacted_url("postgres://u:pa55word@h:5432/db"), "postgres://u:REDACTED@h:5432/db");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_runs_in_wal_mode_with_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let db = connect(&format!("sqlite://{}/w.db?mode=rwc", dir.path().display())).await.unwrap();
        let value = |sql: &'static str| {
            let db = db.clone();
            async move {
                let row = db.query_one(sea_orm::Statement::from_string(DbBackend::Sqlite, sql)).await.unwrap().unwrap();
                row.try_get_by_index::<String>(0).or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string())).unwrap()
            }
        };
        assert_eq!(value("PRAGMA journal_mode").await, "wal");
        assert_eq!(value("PRAGMA synchronous").await, "2", "2 is FULL");
        assert_eq!(value("PRAGMA wal_autocheckpoint").await, WAL_AUTOCHECKPOINT_PAGES.to_string());
        assert_eq!(value("PRAGMA temp_store").await, "2", "2 is MEMORY: statement journals never touch the disk");
    }

    #[tokio::test]
    async fn the_background_checkpoint_empties_the_log_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = connect(&format!("sqlite://{}/c.db?mode=rwc", dir.path().display())).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (v BLOB)").await.unwrap();
        for _ in 0..20 {
            db.execute_unprepared("INSERT INTO t VALUES (randomblob(8192))").await.unwrap();
        }
        let file_size = || std::fs::metadata(dir.path().join("c.db")).map(|m| m.len()).unwrap_or(0);
        assert!(file_size() < 100_000, "the rows are in the log, not yet in the file: {} bytes", file_size());
        spawn_wal_checkpointer(db.clone());
        let mut waited = 0;
        while file_size() < 160_000 && waited < 100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            waited += 1;
        }
        assert!(file_size() >= 160_000, "20 rows of 8 KiB copied into the file: {} bytes", file_size());
    }

    #[test]
    fn the_checkpoint_backs_off_only_when_nothing_was_written_since_the_last_one() {
        assert_eq!(checkpoint_pause(None, Some(0), Some(0)), WAL_CHECKPOINT_BUSY, "the first tick knows nothing yet");
        assert_eq!(checkpoint_pause(Some(0), Some(0), Some(0)), WAL_CHECKPOINT_IDLE, "an empty log twice: idle");
        assert_eq!(checkpoint_pause(Some(120), Some(120), Some(120)), WAL_CHECKPOINT_IDLE, "all copied, unchanged: idle");
        assert_eq!(checkpoint_pause(Some(120), Some(180), Some(180)), WAL_CHECKPOINT_BUSY, "the log grew");
        assert_eq!(checkpoint_pause(Some(120), Some(30), Some(30)), WAL_CHECKPOINT_BUSY, "the log restarted with new frames");
        assert_eq!(checkpoint_pause(Some(120), Some(120), Some(90)), WAL_CHECKPOINT_BUSY, "a reader held frames back");
        assert_eq!(checkpoint_pause(None, None, None), WAL_CHECKPOINT_BUSY, "an answer without counts");
    }

    #[test]
    fn the_sqlite_file_is_found_in_the_url() {
        assert_eq!(sqlite_file("sqlite://data/waybill.db?mode=rwc").as_deref(), Some("data/waybill.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }
}
