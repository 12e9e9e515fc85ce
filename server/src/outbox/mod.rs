//! The outbox: one `outbound_event` per thing that happened, in commit order (`seq`), each
//! under a stable id (`ids`) with a typed payload (`payload`). This module is its only
//! writer: the write path adds a delivery's transitions in the transaction that applies it
//! ([`statements`], built by `ingest::apply_distinct` for every path through `apply_batch`:
//! live batches, replay, re-processing), the alerts add theirs ([`add`]); an event
//! whose id is there already is left as it is (replay and repeats add nothing). Readers:
//! the events API (`http::events_api`), the relay's hand-outs (`outbound`, `mail`) and the
//! staff alert pages.
//!
//! `seq` must be commit order, or a reader of `after=<cursor>` could pass over a row that
//! commits late. Every write here takes the commit-order lock first: on PostgreSQL a
//! transaction-wide advisory lock, held to the commit, so writers of events take turns from
//! there on; on SQLite the one write door (`db::Writer`) already makes them take turns.
pub mod ids;
pub mod payload;

pub use ids::{event_id, stable_id, ParcelIdentity};
pub use payload::{stamp, Payload};

use crate::entity::outbound_event;
use app::carrier::Carrier;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryTrait, Set, Statement};

/// The advisory lock key of writing events (PostgreSQL): "WAYB" "ILL1".
const OUTBOX_LOCK: i64 = 0x5741_5942_494c_4c31;

/// Rows per insert: 6 bound values each.
const ROWS_PER_INSERT: usize = 1000;

/// An event to add.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub event_id: String,
    pub parcel_id: Option<i64>,
    pub carrier: Option<Carrier>,
    pub payload: Payload,
}

/// The statements that add `events` at `now` (none for none), the lock first.
pub fn statements(backend: DbBackend, events: Vec<NewEvent>, now: DateTime<Utc>) -> Vec<Statement> {
    let mut rows: Vec<outbound_event::ActiveModel> = events.into_iter().map(|e| row(e, now)).collect();
    let mut statements = Vec::new();
    if rows.is_empty() {
        return statements;
    }
    statements.extend(commit_order_lock(backend));
    while !rows.is_empty() {
        let chunk: Vec<_> = rows.drain(..rows.len().min(ROWS_PER_INSERT)).collect();
        statements.push(insert(backend, chunk));
    }
    statements
}

/// Adds `events` one by one in the caller's write transaction; says of each whether it was
/// new (not in the outbox before).
pub async fn add(txn: &impl ConnectionTrait, events: Vec<NewEvent>, now: DateTime<Utc>) -> Result<Vec<bool>, DbErr> {
    let backend = txn.get_database_backend();
    if events.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(lock) = commit_order_lock(backend) {
        txn.execute(lock).await?;
    }
    let mut new = Vec::with_capacity(events.len());
    for event in events {
        new.push(txn.execute(insert(backend, vec![row(event, now)])).await?.rows_affected() > 0);
    }
    Ok(new)
}

fn row(event: NewEvent, now: DateTime<Utc>) -> outbound_event::ActiveModel {
    outbound_event::ActiveModel {
        seq: sea_orm::ActiveValue::NotSet,
        event_id: Set(event.event_id),
        kind: Set(event.payload.kind()),
        parcel_id: Set(event.parcel_id),
        carrier: Set(event.carrier),
        created_at: Set(now),
        data: Set(event.payload.data().to_string()),
    }
}

/// On PostgreSQL the advisory lock, held to the commit; nothing on SQLite.
fn commit_order_lock(backend: DbBackend) -> Option<Statement> {
    (backend == DbBackend::Postgres).then(|| Statement::from_string(backend, format!("SELECT pg_advisory_xact_lock({OUTBOX_LOCK})")))
}

/// Inserts `rows`, leaving out any whose id the outbox has already.
fn insert(backend: DbBackend, rows: Vec<outbound_event::ActiveModel>) -> Statement {
    let conflict = OnConflict::column(outbound_event::Column::EventId).do_nothing().to_owned();
    backend.build(&outbound_event::Entity::insert_many(rows).on_conflict(conflict).into_query())
}

/// A stored event's payload; `None` (logged) for data that no longer reads, which only a
/// hand-edited row can have.
pub fn payload_of(event: &outbound_event::Model) -> Option<Payload> {
    match Payload::from_data(event.kind, &event.data) {
        Ok(payload) => Some(payload),
        Err(error) => {
            tracing::error!(%error, event = %event.event_id, "an outbox event's data does not read as its kind");
            None
        }
    }
}
