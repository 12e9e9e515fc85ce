//! The write gate: one writer at a time on SQLite.
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Serializes writers on SQLite, where only one write transaction can run at a time and
/// a waiting writer would otherwise fail with "database is locked". PostgreSQL needs no
/// gate: row locks and unique keys keep concurrent applies correct.
#[derive(Clone, Debug, Default)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    pub fn for_connection(db: &DatabaseConnection) -> Self {
        Self(crate::db::is_sqlite(db).then(|| Arc::new(Mutex::new(()))))
    }

    pub async fn enter(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.0 {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }
}
