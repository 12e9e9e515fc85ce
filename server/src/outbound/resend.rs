//! What staff do with one endpoint's deliveries: read its attempt log, send an event again
//! (one, or every one since a time), send a test event. Sending again makes the delivery
//! due now with a fresh retry schedule; the `webhook-id` stays the event's.
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::{outbound_event, webhook_attempt, webhook_endpoint};
use crate::ingest::transitions::stamp;
use app::event_kind::EventKind;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

/// Attempts shown per endpoint.
pub const ATTEMPTS_SHOWN: u64 = 100;

/// The newest attempts at `endpoint`, newest first, with the event each was for.
pub async fn attempts_of(
    db: &impl ConnectionTrait,
    endpoint: &str,
) -> Result<Vec<(webhook_attempt::Model, Option<webhook_delivery::Model>)>, DbErr> {
    webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::EndpointId.eq(endpoint))
        .order_by_desc(webhook_attempt::Column::Id)
        .limit(ATTEMPTS_SHOWN)
        .find_also_related(webhook_delivery::Entity)
        .all(db)
        .await
}

/// Makes the deliveries to `endpoint` of the event `event_id`, or of every event since
/// `since`, due now; returns how many.
pub async fn resend(db: &impl ConnectionTrait, endpoint: &str, event_id: Option<&str>, since: Option<DateTime<Utc>>) -> Result<u64, DbErr> {
    let mut which = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(DeliveryState::Pending))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0i64))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint));
    if let Some(event_id) = event_id {
        which = which.filter(webhook_delivery::Column::EventId.eq(event_id));
    }
    if let Some(since) = since {
        which = which.filter(webhook_delivery::Column::CreatedAt.gte(since));
    }
    Ok(which.exec(db).await?.rows_affected)
}

/// Queues a `webhook.test` event for `endpoint` alone; returns its id. It is not one of a
/// parcel's events, so the events API and other endpoints never see it.
pub async fn send_test(db: &impl TransactionTrait, endpoint: &webhook_endpoint::Model) -> Result<String, DbErr> {
    let now = Utc::now();
    let id = format!("evt_test_{}", uuid::Uuid::new_v4().simple());
    let data = serde_json::json!({ "endpoint": endpoint.id, "message": "a test event from Waybill", "sent_at": stamp(now) });
    let txn = db.begin().await?;
    let event = outbound_event::ActiveModel {
        event_id: Set(id.clone()),
        kind: Set(EventKind::Test),
        parcel_id: Set(None),
        carrier: Set(None),
        created_at: Set(now),
        data: Set(data.to_string()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    webhook_delivery::ActiveModel {
        endpoint_id: Set(endpoint.id.clone()),
        event_seq: Set(event.seq),
        event_id: Set(id.clone()),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(id)
}
