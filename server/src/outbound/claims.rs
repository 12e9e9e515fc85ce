//! Who sends what: an instance claims due deliveries of one endpoint for a lease (a single
//! `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, so two instances
//! never hold the same delivery; on SQLite the statement is atomic by itself and the write
//! gate keeps this process's writers in turn), and after the attempts writes what they
//! gave, many in one transaction: the attempt log rows, the deliveries' next states, and
//! the endpoints' health (failing since when; disabled after a 410 or when failing longer
//! than the retry schedule).
use super::attempt::AttemptResult;
use crate::entity::webhook_delivery::{self, DeliveryState};
use crate::entity::{webhook_attempt, webhook_endpoint};
use crate::ingest::WriteGate;
use crate::settings::outbound::OutboundSettings;
use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait};
use std::collections::BTreeMap;
use std::time::Duration;

/// Claims up to `n` due deliveries of `endpoint_id` for `instance`, until `lease` from now
/// (in the sender's round transaction; a claim of none still begins it with a write).
pub async fn claim(
    db: &impl ConnectionTrait,
    endpoint_id: &str,
    n: usize,
    instance: &str,
    lease: Duration,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    let now = Utc::now();
    let mut due = Query::select()
        .column(webhook_delivery::Column::Id)
        .from(webhook_delivery::Entity)
        .and_where(webhook_delivery::Column::EndpointId.eq(endpoint_id))
        .and_where(webhook_delivery::Column::State.eq(DeliveryState::Pending))
        .and_where(webhook_delivery::Column::NextAttemptAt.lte(now))
        .and_where(webhook_delivery::Column::ClaimedUntil.is_null().or(webhook_delivery::Column::ClaimedUntil.lt(now)))
        .order_by(webhook_delivery::Column::NextAttemptAt, sea_orm::Order::Asc)
        .order_by(webhook_delivery::Column::Id, sea_orm::Order::Asc)
        .limit(n as u64)
        .to_owned();
    if db.get_database_backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::ClaimedUntil,
            Expr::value(now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX)),
        )
        .col_expr(webhook_delivery::Column::ClaimedBy, Expr::value(instance))
        .filter(webhook_delivery::Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await
}

/// The wait before retry number `failures` (1 for the first), jittered by up to a fifth
/// either way; `None` once the schedule is used up.
pub fn next_wait(schedule: &[Duration], failures: usize) -> Option<Duration> {
    let base = *schedule.get(failures.checked_sub(1)?)?;
    let jitter = rand::rng().random_range(0.8..1.2);
    Some(base.mul_f64(jitter))
}

/// An attempt that ended, waiting to be written.
pub struct Finished {
    pub endpoint: webhook_endpoint::Model,
    pub delivery: webhook_delivery::Model,
    pub result: AttemptResult,
    pub at: DateTime<Utc>,
}

/// Writes what attempts gave, in one transaction: each attempt's log row, each delivery's
/// next state (the successes of one status in one statement), and each endpoint's health
/// (failing since when; disabled after a 410 or when failing for longer than the retry
/// schedule).
pub async fn record(db: &DatabaseConnection, gate: &WriteGate, settings: &OutboundSettings, finished: &[Finished]) -> Result<(), DbErr> {
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
                update.last_error = Set(result.error.clone());
                update.claimed_until = Set(None);
                match next_wait(&settings.retry_schedule, tries) {
                    Some(wait) if !gone => {
                        update.next_attempt_at = Set(at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX))
                    }
                    _ => update.state = Set(DeliveryState::Failed),
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
            answer: Set(result.answer.clone()),
            error: Set(result.error.clone()),
            ..Default::default()
        });
        // Only the health columns: the cursor moves under the hand-out meanwhile.
        let mut changed = webhook_endpoint::ActiveModel::default();
        let mut failing = None;
        if result.succeeded() {
            changed.failing_since = Set(None);
        } else {
            let since = endpoint.failing_since.unwrap_or(at);
            failing = Some(since);
            if gone {
                disable(&mut changed, &endpoint.id, at, "the endpoint answered 410 Gone".into());
            } else if at - since > span {
                disable(
                    &mut changed,
                    &endpoint.id,
                    at,
                    format!("every attempt failed since {}, longer than the retry schedule", since.to_rfc3339()),
                );
            }
        }
        health.retain(|(id, ..)| id != &endpoint.id);
        health.push((endpoint.id.clone(), changed, failing));
    }
    let _turn = gate.enter().await;
    let txn = db.begin().await?;
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
        let mut statement = webhook_endpoint::Entity::update_many().set(changed).filter(webhook_endpoint::Column::Id.eq(id));
        if let Some(since) = failing {
            statement = statement
                .col_expr(webhook_endpoint::Column::FailingSince, Expr::col(webhook_endpoint::Column::FailingSince).if_null(since));
        }
        statement.exec(&txn).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_follow_the_schedule_within_a_fifth_and_end_with_it() {
        let schedule = [Duration::from_secs(5), Duration::from_secs(300)];
        for _ in 0..100 {
            let first = next_wait(&schedule, 1).unwrap();
            assert!(first >= Duration::from_secs(4) && first <= Duration::from_secs(6), "{first:?}");
            let second = next_wait(&schedule, 2).unwrap();
            assert!(second >= Duration::from_secs(240) && second <= Duration::from_secs(360), "{second:?}");
        }
        assert_eq!(next_wait(&schedule, 3), None);
        assert_eq!(next_wait(&[], 1), None);
    }
}
