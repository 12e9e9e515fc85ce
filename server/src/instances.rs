//! Which servers use the database: each writes a sign of life into `server_instance` at
//! start and every `WAYBILL_HEARTBEAT_SECS`, and removes it when it stops. `waybill
//! replay` rebuilds every parcel in one transaction, which beside a live server would hold
//! the SQLite writer for the whole rebuild (webhooks time out) and race live deliveries on
//! PostgreSQL; so it refuses while any server's sign of life is fresh. A server killed
//! outright leaves its row behind; it stops counting [`STALE_AFTER_BEATS`] beats later.
use crate::db::Writer;
use crate::entity::server_instance;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use std::time::Duration;

/// Missed beats after which an instance counts as stopped.
pub const STALE_AFTER_BEATS: u32 = 3;

/// This process's row, renewed until [`Heartbeat::stop`].
#[derive(Clone, Debug)]
pub struct Heartbeat {
    id: String,
    writer: Writer,
    task: std::sync::Arc<tokio::task::JoinHandle<()>>,
}

impl Heartbeat {
    /// Writes the first sign of life, then renews it every `every` in the background,
    /// through the one door (on SQLite a write between a batch's first read and its first
    /// write would fail that whole batch: `SQLITE_BUSY_SNAPSHOT`, which no busy timeout
    /// waits out).
    pub async fn start(writer: Writer, every: Duration) -> Result<Self, DbErr> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = Utc::now();
        let row = server_instance::ActiveModel {
            id: Set(id.clone()),
            host: Set(hostname().await),
            pid: Set(i64::from(std::process::id())),
            started_at: Set(now),
            seen_at: Set(now),
        };
        beat(&writer, row.clone()).await?;
        let task = tokio::spawn({
            let writer = writer.clone();
            async move {
                let mut every = tokio::time::interval(every);
                every.tick().await;
                loop {
                    every.tick().await;
                    let mut row = row.clone();
                    row.seen_at = Set(Utc::now());
                    if let Err(error) = beat(&writer, row).await {
                        tracing::warn!(%error, "renewing this server's sign of life failed; the next beat tries again");
                    }
                }
            }
        });
        Ok(Self { id, writer, task: std::sync::Arc::new(task) })
    }

    /// This instance's id, as its row and its claims on outbound work name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Stops renewing and removes the row: this server no longer uses the database.
    pub async fn stop(&self) {
        self.task.abort();
        let removed = async {
            let txn = self.writer.begin().await?;
            server_instance::Entity::delete_by_id(self.id.clone()).exec(&txn).await?;
            txn.commit().await
        };
        if let Err(error) = removed.await {
            tracing::warn!(%error, "removing this server's sign of life failed; it goes stale by itself");
        }
    }
}

async fn beat(writer: &Writer, row: server_instance::ActiveModel) -> Result<(), DbErr> {
    let on_conflict = OnConflict::column(server_instance::Column::Id).update_column(server_instance::Column::SeenAt).to_owned();
    let txn = writer.begin().await?;
    server_instance::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(&txn).await?;
    txn.commit().await
}

/// The servers whose sign of life is fresher than `STALE_AFTER_BEATS` beats of `every`.
pub async fn live_instances(db: &DatabaseConnection, every: Duration, now: DateTime<Utc>) -> Result<Vec<server_instance::Model>, DbErr> {
    let stale = chrono::Duration::from_std(every * STALE_AFTER_BEATS).unwrap_or(chrono::Duration::MAX);
    server_instance::Entity::find().filter(server_instance::Column::SeenAt.gt(now - stale)).all(db).await
}

/// The machine's name, for the operator to find the server that is still running.
async fn hostname() -> String {
    tokio::fs::read_to_string("/proc/sys/kernel/hostname")
        .await
        .map(|name| name.trim().to_string())
        .unwrap_or_else(|_| "unknown host".into())
}
