//! What staff do with one endpoint's deliveries: read its attempt log, send an event again
//! (one, or every one since a time), send a test event (a delivery with a payload of its
//! own, never an outbox event). Sending again makes the delivery due now with a fresh retry
//! schedule; the `webhook-id` stays the event's. A disabled endpoint is sent nothing, so
//! both are refused for it until it is enabled again (`endpoints::enable_endpoint`).
use crate::db::Writer;
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::{webhook_attempt, webhook_endpoint};
use crate::outbox::payload::TestData;
use crate::outbox::Payload;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// Why staff cannot send to an endpoint now.
#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    #[error("the endpoint is disabled ({0}): enable it first, and it receives what it missed")]
    Disabled(String),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

fn sendable(endpoint: &webhook_endpoint::Model) -> Result<(), ResendError> {
    match endpoint.disabled_at {
        Some(_) => Err(ResendError::Disabled(endpoint.disabled_reason.clone().unwrap_or_else(|| "no reason recorded".into()))),
        None => Ok(()),
    }
}

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
pub async fn resend(
    writer: &Writer,
    endpoint: &webhook_endpoint::Model,
    event_id: Option<&str>,
    since: Option<DateTime<Utc>>,
) -> Result<u64, ResendError> {
    sendable(endpoint)?;
    let mut which = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(DeliveryState::Pending))
        .col_expr(webhook_delivery::Column::Attempts, Expr::value(0i64))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(Utc::now()))
        .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id.clone()));
    if let Some(event_id) = event_id {
        which = which.filter(webhook_delivery::Column::EventId.eq(event_id));
    }
    if let Some(since) = since {
        which = which.filter(webhook_delivery::Column::CreatedAt.gte(since));
    }
    let txn = writer.begin().await?;
    let made_due = which.exec(&txn).await?.rows_affected;
    txn.commit().await?;
    Ok(made_due)
}

/// Queues a `webhook.test` delivery for `endpoint` alone; returns its id. It is not one of
/// a parcel's events, so it is no outbox row: the events API and other endpoints never see
/// it, and the delivery carries its payload itself.
pub async fn send_test(writer: &Writer, endpoint: &webhook_endpoint::Model) -> Result<String, ResendError> {
    sendable(endpoint)?;
    let now = Utc::now();
    let id = format!("evt_test_{}", uuid::Uuid::new_v4().simple());
    let payload = Payload::Test(TestData { endpoint: endpoint.id.clone(), message: "a test event from Waybill".into(), sent_at: now });
    let txn = writer.begin().await?;
    webhook_delivery::ActiveModel {
        endpoint_id: Set(endpoint.id.clone()),
        event_seq: Set(0),
        event_id: Set(id.clone()),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        payload: Set(Some(serde_json::to_string(&payload).unwrap_or_default())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(id)
}
