//! Handing events out: for each enabled endpoint, the outbox events committed since its
//! cursor that it wants become one `webhook_delivery` row each (at most once per endpoint
//! and event: a unique key), and its cursor moves on (never back). It runs inside the
//! sender's round transaction (`sender`), after the round's claims, so that on SQLite the
//! transaction has begun with a write: another process's commit in between then makes it
//! wait (the busy timeout) rather than fail. On PostgreSQL each endpoint row is claimed with
//! `FOR UPDATE SKIP LOCKED`, so instances doing this at the same time share the endpoints
//! instead of waiting on each other.
use super::endpoints::wants;
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::{outbound_event, webhook_endpoint};
use app::carrier::Carrier;
use app::event_kind::EventKind;
use chrono::Utc;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Hands out what is new in `txn`, at most `per_endpoint` events to each endpoint; returns
/// how many deliveries it made.
pub async fn hand_out(txn: &DatabaseTransaction, per_endpoint: u64) -> Result<u64, DbErr> {
    let mut enabled = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DisabledAt.is_null());
    if txn.get_database_backend() == DbBackend::Postgres {
        enabled = enabled.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut made = 0u64;
    for endpoint in enabled.all(txn).await? {
        let events = new_events(txn, &endpoint, per_endpoint).await?;
        made += write(txn, &endpoint, events).await?;
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
