//! Handing events out to the webhook endpoints, set-based: the enabled endpoints are read
//! (on PostgreSQL claimed with `FOR UPDATE SKIP LOCKED`, so instances doing this at the same
//! time share them instead of waiting on each other), the window of outbox events after
//! their cursor is read once for all endpoints at that cursor (`relay::window`; usually all
//! are at one), each endpoint gets one
//! `webhook_delivery` per event after its own cursor that it wants (at most once per
//! endpoint and event: a unique key), and every cursor below the window's end moves to it
//! in one statement. It runs inside the sender's round transaction (`sender`), after the
//! round's claims (the door begins every SQLite transaction with a write, so another
//! process's commit in between makes it wait its busy timeout rather than fail). A
//! disabled endpoint is left out and its cursor stays: enabled again, it gets what it
//! missed.
use super::endpoints::wants;
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::{outbound_event, webhook_endpoint};
use crate::relay::window::window_end;
use app::carrier::Carrier;
use app::event_kind::EventKind;
use chrono::Utc;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::BTreeMap;

/// Deliveries per insert: 12 bound values each.
const ROWS_PER_INSERT: usize = 2000;

/// Hands out what is new in `txn`, a window of at most `per_round` events for the endpoints
/// at each cursor (usually all at one: an endpoint behind, enabled again after a while, gets
/// a window of its own, so it holds no other back); returns how many deliveries it made.
pub async fn hand_out(txn: &impl ConnectionTrait, per_round: u64) -> Result<u64, DbErr> {
    let mut enabled = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DisabledAt.is_null());
    if txn.get_database_backend() == DbBackend::Postgres {
        enabled = enabled.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let endpoints = enabled.all(txn).await?;
    let mut at_cursor: BTreeMap<i64, Vec<&webhook_endpoint::Model>> = BTreeMap::new();
    for endpoint in &endpoints {
        at_cursor.entry(endpoint.cursor).or_default().push(endpoint);
    }
    let mut made = 0;
    for (cursor, endpoints) in at_cursor {
        made += hand_out_window(txn, cursor, &endpoints, per_round).await?;
    }
    Ok(made)
}

/// The window after `cursor` for `endpoints`, all at that cursor.
async fn hand_out_window(
    txn: &impl ConnectionTrait,
    cursor: i64,
    endpoints: &[&webhook_endpoint::Model],
    per_round: u64,
) -> Result<u64, DbErr> {
    let Some(high) = window_end(txn, cursor, per_round).await? else { return Ok(0) };
    let events: Vec<(i64, String, EventKind, Option<Carrier>)> = outbound_event::Entity::find()
        .select_only()
        .columns([
            outbound_event::Column::Seq,
            outbound_event::Column::EventId,
            outbound_event::Column::Kind,
            outbound_event::Column::Carrier,
        ])
        .filter(outbound_event::Column::Seq.gt(cursor))
        .filter(outbound_event::Column::Seq.lte(high))
        .order_by_asc(outbound_event::Column::Seq)
        .into_tuple()
        .all(txn)
        .await?;
    let now = Utc::now();
    let mut rows: Vec<webhook_delivery::ActiveModel> = Vec::new();
    for endpoint in endpoints {
        let wanted = events.iter().filter(|(_, _, kind, carrier)| wants(endpoint, *kind, *carrier));
        rows.extend(wanted.map(|(seq, event_id, ..)| webhook_delivery::ActiveModel {
            endpoint_id: Set(endpoint.id.clone()),
            event_seq: Set(*seq),
            event_id: Set(event_id.clone()),
            state: Set(DeliveryState::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            claimed_until: Set(None),
            claimed_by: Set(None),
            last_status: Set(None),
            last_error: Set(None),
            delivered_at: Set(None),
            created_at: Set(now),
            payload: Set(None),
            ..Default::default()
        }));
    }
    let made = rows.len() as u64;
    while !rows.is_empty() {
        let chunk: Vec<_> = rows.drain(..rows.len().min(ROWS_PER_INSERT)).collect();
        let once = OnConflict::columns([webhook_delivery::Column::EndpointId, webhook_delivery::Column::EventId]).do_nothing().to_owned();
        webhook_delivery::Entity::insert_many(chunk).on_conflict(once).exec_without_returning(txn).await?;
    }
    webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Cursor, Expr::value(high))
        .filter(webhook_endpoint::Column::Id.is_in(endpoints.iter().map(|e| e.id.clone())))
        .filter(webhook_endpoint::Column::Cursor.lt(high))
        .exec(txn)
        .await?;
    Ok(made)
}
