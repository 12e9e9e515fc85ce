//! Who sends what: an instance claims due deliveries of one endpoint for a lease (the
//! relay's claim, `relay::queue`), and after the attempts writes what they gave, many in one
//! transaction: the attempt log rows, the deliveries' next states, and the endpoints'
//! health (failing since when; disabled after a 410 or when failing longer than the retry
//! schedule). A batch that cannot be written is written again an attempt at a time, so one
//! bad row stays its own problem and every other delivery is recorded.
use super::attempt::AttemptResult;
use crate::db::Writer;
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::{webhook_attempt, webhook_endpoint};
use crate::relay::{after_failure, lease_until, queue, safe_text, AfterFailure};
use crate::settings::outbound::OutboundSettings;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use std::collections::BTreeMap;
use std::time::Duration;

/// Claims up to `n` due deliveries of `endpoint_id` for `instance`, until `lease` from now
/// (in the sender's round transaction).
pub async fn claim(
    db: &impl ConnectionTrait,
    endpoint_id: &str,
    n: usize,
    instance: &str,
    lease: Duration,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    let only = Condition::all().add(webhook_delivery::Column::EndpointId.eq(endpoint_id));
    let by = vec![(webhook_delivery::Column::ClaimedBy, Expr::value(instance))];
    queue::claim::<webhook_delivery::Entity>(db, only, n as u64, lease_until(Utc::now(), lease), by).await
}

/// An attempt that ended, waiting to be written.
#[derive(Clone)]
pub struct Finished {
    pub endpoint: webhook_endpoint::Model,
    pub delivery: webhook_delivery::Model,
    pub result: AttemptResult,
    pub at: DateTime<Utc>,
}

/// Writes what attempts gave; a batch that fails is written again an attempt at a time, and
/// an attempt that still fails is written without the receiver's words (logged once).
pub async fn record(writer: &Writer, settings: &OutboundSettings, finished: &[Finished]) -> Result<(), DbErr> {
    let Err(error) = record_together(writer, settings, finished).await else { return Ok(()) };
    if finished.len() == 1 {
        tracing::warn!(%error, delivery = finished[0].delivery.id, "an attempt could not be recorded; recorded without the answer");
        let bare = Finished { result: finished[0].result.without_words(), ..finished[0].clone() };
        return record_together(writer, settings, std::slice::from_ref(&bare)).await;
    }
    tracing::warn!(%error, attempts = finished.len(), "a batch of attempts could not be recorded; recorded one at a time");
    let mut last = Ok(());
    for one in finished {
        if let Err(error) = Box::pin(record(writer, settings, std::slice::from_ref(one))).await {
            last = Err(error);
        }
    }
    last
}

/// Writes what attempts gave, in one transaction: each attempt's log row, each delivery's
/// next state (the successes of one status in one statement), and each endpoint's health
/// (failing since when; disabled after a 410 or when failing for longer than the retry
/// schedule).
async fn record_together(writer: &Writer, settings: &OutboundSettings, finished: &[Finished]) -> Result<(), DbErr> {
    let span = chrono::Duration::from_std(settings.schedule_span()).unwrap_or(chrono::Duration::MAX);
    let mut attempts = Vec::with_capacity(finished.len());
    let mut updates = Vec::new();
    // Successes, the common case, one statement per status: (deliveries, latest attempt).
    let mut delivered: BTreeMap<u16, (Vec<i64>, DateTime<Utc>)> = BTreeMap::new();
    // The last word on each endpoint's health in this batch.
    let mut health: Vec<(String, webhook_endpoint::ActiveModel, Option<DateTime<Utc>>)> = Vec::new();
    for Finished { endpoint, delivery, result, at } in finished {
        let (at, tries) = (*at, delivery.attempts as usize + 1);
        let gone = result.status == Some(410);
        match result.status {
            Some(status) if result.succeeded() => {
                let group = delivered.entry(status).or_insert_with(|| (Vec::new(), at));
                group.0.push(delivery.id);
                group.1 = group.1.max(at);
            }
            _ => {
                let mut update = webhook_delivery::ActiveModel { id: Set(delivery.id), ..Default::default() };
                update.attempts = Set(tries as i64);
                update.last_status = Set(result.status.map(i64::from));
                update.last_error = Set(result.error.as_deref().map(safe_text));
                update.claimed_until = Set(None);
                match after_failure(&settings.retry_schedule, tries, at, gone) {
                    AfterFailure::RetryAt(next) => update.next_attempt_at = Set(next),
                    AfterFailure::GiveUp => update.state = Set(DeliveryState::Failed),
                }
                updates.push((delivery.id, update));
            }
        }
        attempts.push(webhook_attempt::ActiveModel {
            delivery_id: Set(delivery.id),
            endpoint_id: Set(endpoint.id.clone()),
            at: Set(at),
            status: Set(result.status.map(i64::from)),
            latency_ms: Set(result.latency.as_millis().min(i64::MAX as u128) as i64),
            answer: Set(result.answer.as_deref().map(safe_text)),
            error: Set(result.error.as_deref().map(safe_text)),
            ..Default::default()
        });
        // Only the health columns: the cursor moves under the hand-out meanwhile.
        let mut changed = webhook_endpoint::ActiveModel::default();
        let mut failing = None;
        if result.succeeded() {
            changed.failing_since = Set(None);
        } else {
            // How long it has been failing is read from the row as it is now, not from the
            // snapshot taken at the claim: staff may have enabled it again meanwhile.
            failing = Some(at);
            if gone {
                disable(&mut changed, &endpoint.id, at, "the endpoint answered 410 Gone".into());
            }
        }
        health.retain(|(id, ..)| id != &endpoint.id);
        health.push((endpoint.id.clone(), changed, failing));
    }
    let txn = writer.begin().await?;
    for chunk in attempts.chunks(ATTEMPTS_PER_INSERT) {
        webhook_attempt::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for (status, (ids, at)) in delivered {
        for chunk in ids.chunks(IDS_PER_UPDATE) {
            webhook_delivery::Entity::update_many()
                .col_expr(webhook_delivery::Column::State, Expr::value(DeliveryState::Delivered))
                .col_expr(webhook_delivery::Column::Attempts, Expr::col(webhook_delivery::Column::Attempts).add(1))
                .col_expr(webhook_delivery::Column::LastStatus, Expr::value(i64::from(status)))
                .col_expr(webhook_delivery::Column::LastError, Expr::value(Option::<String>::None))
                .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(at))
                .filter(webhook_delivery::Column::Id.is_in(chunk.iter().copied()))
                .exec(&txn)
                .await?;
        }
    }
    for (id, update) in updates {
        webhook_delivery::Entity::update_many().set(update).filter(webhook_delivery::Column::Id.eq(id)).exec(&txn).await?;
    }
    for (id, changed, failing) in health {
        // A failure keeps the first failure's time; an endpoint removed meanwhile has
        // nothing left to update.
        let mut statement = webhook_endpoint::Entity::update_many().set(changed).filter(webhook_endpoint::Column::Id.eq(id.clone()));
        if let Some(at) = failing {
            statement =
                statement.col_expr(webhook_endpoint::Column::FailingSince, Expr::col(webhook_endpoint::Column::FailingSince).if_null(at));
        }
        statement.exec(&txn).await?;
        if let Some(at) = failing {
            let reason = "every attempt failed for longer than the retry schedule";
            let disabled = webhook_endpoint::Entity::update_many()
                .col_expr(webhook_endpoint::Column::DisabledAt, Expr::value(Some(at)))
                .col_expr(webhook_endpoint::Column::DisabledReason, Expr::value(Some(reason)))
                .filter(webhook_endpoint::Column::Id.eq(id.clone()))
                .filter(webhook_endpoint::Column::DisabledAt.is_null())
                .filter(webhook_endpoint::Column::FailingSince.lt(at - span))
                .exec(&txn)
                .await?;
            if disabled.rows_affected > 0 {
                tracing::warn!(endpoint = %id, %reason, "webhook endpoint disabled");
            }
        }
    }
    txn.commit().await
}

/// Attempt rows per insert: 7 bound values each.
const ATTEMPTS_PER_INSERT: usize = 500;

/// Deliveries marked delivered per statement.
const IDS_PER_UPDATE: usize = 500;

fn disable(health: &mut webhook_endpoint::ActiveModel, endpoint: &str, at: DateTime<Utc>, reason: String) {
    tracing::warn!(%endpoint, %reason, "webhook endpoint disabled");
    health.disabled_at = Set(Some(at));
    health.disabled_reason = Set(Some(reason));
}
