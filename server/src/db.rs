//! Database connection: SQLite (embedded default) or PostgreSQL, chosen by URL.
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use std::time::Duration;

/// Connects and, for SQLite, makes sure the file's directory exists and the database runs
/// in WAL mode with `synchronous=FULL`, so that a committed delivery survives power loss.
#[tracing::instrument(skip_all)]
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url) {
        if let Some(dir) = std::path::Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 20 })
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    Database::connect(options).await
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
    }

    #[test]
    fn the_sqlite_file_is_found_in_the_url() {
        assert_eq!(sqlite_file("sqlite://data/waybill.db?mode=rwc").as_deref(), Some("data/waybill.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }
}
