//! Handing events out: for each enabled endpoint, the outbox events committed since its
//! cursor that it wants become one `webhook_delivery` row each (at most once per endpoint
//! and event: a unique key), and its cursor moves on (never back). On PostgreSQL each
//! endpoint row is claimed with `FOR UPDATE SKIP LOCKED`, so instances doing this at the
//! same time share the endpoints instead of waiting on each other. On SQLite the write gate
//! makes one writer at a time in this process, and each write transaction starts with its
//! write, so that another process's commit in between makes it wait (the busy timeout)
//! rather than fail.
use super::endpoints::wants;
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::{outbound_event, webhook_endpoint};
use crate::ingest::WriteGate;
use app::carrier::Carrier;
use app::event_kind::EventKind;
use chrono::Utc;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

/// Hands out what is new, at most `per_endpoint` events to each endpoint; returns how many
/// deliveries it made.
pub async fn hand_out(db: &DatabaseConnection, gate: &WriteGate, per_endpoint: u64) -> Result<u64, DbErr> {
    let _turn = gate.enter().await;
    let enabled = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DisabledAt.is_null());
    let mut made = 0u64;
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await?;
        for endpoint in enabled.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked).all(&txn).await? {
            let events = new_events(&txn, &endpoint, per_endpoint).await?;
            made += write(&txn, &endpoint, events).await?;
        }
        txn.commit().await?;
        return Ok(made);
    }
    for endpoint in enabled.all(db).await? {
        let events = new_events(db, &endpoint, per_endpoint).await?;
        if events.is_empty() {
            continue;
        }
        let txn = db.begin().await?;
        made += write(&txn, &endpoint, events).await?;
        txn.commit().await?;
    }
    Ok(made)
}

type NewEvent = (i64, String, EventKind, Option<Carrier>);

/// The events after `endpoint`'s cursor, oldest first.
async fn new_events(db: &impl ConnectionTrait, endpoint: &webhook_endpoint::Model, limit: u64) -> Result<Vec<NewEvent>, DbErr> {
    outbound_event::Entity::find()
        .select_only()
        .columns([
            outbound_event::Column::Seq,
            outbound_event::Column::EventId,
            outbound_event::Column::Kind,
            outbound_event::Column::Carrier,
        ])
        .filter(outbound_event::Column::Seq.gt(endpoint.cursor))
        // A test event is queued for its one endpoint by `resend::send_test`.
        .filter(outbound_event::Column::Kind.ne(EventKind::Test))
        .order_by_asc(outbound_event::Column::Seq)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Writes the deliveries of `events` that `endpoint` wants and moves its cursor past them.
async fn write(db: &impl ConnectionTrait, endpoint: &webhook_endpoint::Model, events: Vec<NewEvent>) -> Result<u64, DbErr> {
    let Some(&(last, ..)) = events.last() else { return Ok(0) };
    let now = Utc::now();
    let rows: Vec<webhook_delivery::ActiveModel> = events
        .into_iter()
        .filter(|(_, _, kind, carrier)| wants(endpoint, *kind, *carrier))
        .map(|(seq, event_id, ..)| webhook_delivery::ActiveModel {
            endpoint_id: Set(endpoint.id.clone()),
            event_seq: Set(seq),
            event_id: Set(event_id),
            state: Set(DeliveryState::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            claimed_until: Set(None),
            claimed_by: Set(None),
            last_status: Set(None),
            last_error: Set(None),
            delivered_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    let made = rows.len() as u64;
    if !rows.is_empty() {
        let once = OnConflict::columns([webhook_delivery::Column::EndpointId, webhook_delivery::Column::EventId]).do_nothing().to_owned();
        webhook_delivery::Entity::insert_many(rows).on_conflict(once).exec_without_returning(db).await?;
    }
    webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Cursor, Expr::value(last))
        .filter(webhook_endpoint::Column::Id.eq(endpoint.id.clone()))
        .filter(webhook_endpoint::Column::Cursor.lt(last))
        .exec(db)
        .await?;
    Ok(made)
}
