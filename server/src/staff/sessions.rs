//! Staff sessions in the database (tower-sessions with its sqlx stores on the pool sea-orm
//! already holds), so they survive restarts and every instance sees the same sessions.
//! Every write of a session (made, saved, ended, the hourly sweep of expired ones) takes
//! the one write door (`db::Writer::exclusive`), like every other write; reading one does
//! not. A visitor who is not signed in has no session at all (`http::staff::login_csrf`).
use crate::db::Writer;
use crate::settings::StaffSettings;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The cookie's name.
pub const SESSION_COOKIE: &str = "waybill_session";

/// Whichever sqlx store matches the configured database, and the door its writes take.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    store: Store,
    writer: Writer,
}

#[derive(Clone, Debug)]
enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl DbSessionStore {
    /// Opens the store on the database's own pool and creates its table if needed.
    pub async fn open(writer: &Writer) -> Result<Self, sqlx_error::Error> {
        let db = writer.db();
        let store = if crate::db::is_sqlite(db) {
            Store::Sqlite(SqliteStore::new(db.get_sqlite_connection_pool().clone()))
        } else {
            Store::Postgres(PostgresStore::new(db.get_postgres_connection_pool().clone()))
        };
        writer
            .exclusive(async {
                match &store {
                    Store::Sqlite(s) => s.migrate().await,
                    Store::Postgres(s) => s.migrate().await,
                }
            })
            .await?;
        Ok(Self { store, writer: writer.clone() })
    }

    /// Deletes expired sessions every hour, for as long as the server runs.
    pub fn spawn_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every_hour.tick().await;
                if let Err(error) = store.delete_expired().await {
                    tracing::warn!(%error, "deleting expired staff sessions failed; will retry");
                }
            }
        });
    }

    /// The session layer: HttpOnly, SameSite=Lax, Secure over https, ending after the
    /// configured idle time.
    pub fn layer(self, settings: &StaffSettings) -> SessionManagerLayer<Self> {
        let idle = time::Duration::seconds(i64::try_from(settings.session_idle.as_secs()).unwrap_or(i64::MAX / 2));
        SessionManagerLayer::new(self)
            .with_name(SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(settings.secure_cookies)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(idle))
    }
}

/// The stores' error type, re-exported under a name that says where it comes from.
pub mod sqlx_error {
    pub use sea_orm::sqlx::Error;
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let created = async {
            match &self.store {
                Store::Sqlite(s) => s.create(record).await,
                Store::Postgres(s) => s.create(record).await,
            }
        };
        self.writer.exclusive(created).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let saved = async {
            match &self.store {
                Store::Sqlite(s) => s.save(record).await,
                Store::Postgres(s) => s.save(record).await,
            }
        };
        self.writer.exclusive(saved).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match &self.store {
            Store::Sqlite(s) => s.load(id).await,
            Store::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let deleted = async {
            match &self.store {
                Store::Sqlite(s) => s.delete(id).await,
                Store::Postgres(s) => s.delete(id).await,
            }
        };
        self.writer.exclusive(deleted).await
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let swept = async {
            match &self.store {
                Store::Sqlite(s) => s.delete_expired().await,
                Store::Postgres(s) => s.delete_expired().await,
            }
        };
        self.writer.exclusive(swept).await
    }
}
