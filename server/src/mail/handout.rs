//! From the outbox to the mail queue: for every confirmed subscription, the parcel's events
//! since its cursor that are worth a mail (`compose::kind_of`) become one `mail_message`
//! each (at most once per subscription and event: a unique key), and the cursor moves on.
//! The events are read first and written in a transaction that starts with its write (see
//! `outbound::handout` for why), under the write gate on SQLite.
use super::compose::kind_of;
use crate::entity::mail_subscription::{self, SubscriptionState};
use crate::entity::webhook_delivery::DeliveryState;
use crate::entity::{mail_message, outbound_event};
use crate::ingest::WriteGate;
use app::event_kind::EventKind;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait};
use std::collections::HashMap;

/// Events read per round.
const EVENTS_PER_ROUND: u64 = 500;

/// Queues the mails new events are worth; returns how many.
pub async fn hand_out(db: &DatabaseConnection, gate: &WriteGate) -> Result<u64, DbErr> {
    let subscriptions =
        mail_subscription::Entity::find().filter(mail_subscription::Column::State.eq(SubscriptionState::Confirmed)).all(db).await?;
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let mut made = 0;
    // The subscriptions of each parcel, by the cursor each has.
    let mut by_parcel: HashMap<i64, Vec<&mail_subscription::Model>> = HashMap::new();
    for s in &subscriptions {
        by_parcel.entry(s.parcel_id).or_default().push(s);
    }
    let _turn = gate.enter().await;
    for (parcel_id, subscribed) in by_parcel {
        let from = subscribed.iter().map(|s| s.cursor).min().unwrap_or(0);
        let events = outbound_event::Entity::find()
            .filter(outbound_event::Column::ParcelId.eq(parcel_id))
            .filter(outbound_event::Column::Seq.gt(from))
            .filter(outbound_event::Column::Kind.is_in([EventKind::StatusChanged, EventKind::EtaChanged]))
            .order_by_asc(outbound_event::Column::Seq)
            .limit(EVENTS_PER_ROUND)
            .all(db)
            .await?;
        let Some(last) = events.last().map(|e| e.seq) else { continue };
        let now = Utc::now();
        let mut rows = Vec::new();
        for subscription in &subscribed {
            for event in events.iter().filter(|e| e.seq > subscription.cursor) {
                let data: serde_json::Value = serde_json::from_str(&event.data).unwrap_or_default();
                let Some(kind) = kind_of(event.kind, &data) else { continue };
                rows.push(mail_message::ActiveModel {
                    subscription_id: Set(subscription.id),
                    event_id: Set(event.event_id.clone()),
                    kind: Set(kind.as_str().to_string()),
                    data: Set(event.data.clone()),
                    state: Set(DeliveryState::Pending),
                    attempts: Set(0),
                    next_attempt_at: Set(now),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
        made += rows.len() as u64;
        let txn = db.begin().await?;
        if !rows.is_empty() {
            let once = OnConflict::columns([mail_message::Column::SubscriptionId, mail_message::Column::EventId]).do_nothing().to_owned();
            mail_message::Entity::insert_many(rows).on_conflict(once).exec_without_returning(&txn).await?;
        }
        mail_subscription::Entity::update_many()
            .col_expr(mail_subscription::Column::Cursor, Expr::value(last))
            .filter(mail_subscription::Column::Id.is_in(subscribed.iter().map(|s| s.id)))
            .filter(mail_subscription::Column::Cursor.lt(last))
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
    Ok(made)
}
