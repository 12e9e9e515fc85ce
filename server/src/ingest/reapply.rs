//! An archived raw delivery applied again, as it would be if it had just arrived (at its
//! original arrival time): parsed with today's adapters and settings, applied as a batch of
//! one through the one write path, with the outcome it now gets. `waybill replay` and staff
//! re-processing both take this step.
use super::apply_batch::{apply_batch, BatchDelivery};
use super::archive::outcome_of;
use super::hand_off::execute_in_one_hand_off;
use crate::carriers::{Adapters, ParseError};
use crate::domain::{Carrier, NormalizedDelivery};
use crate::entity::raw_delivery;
use crate::storage::StoredPod;
use app::outcome::Outcome;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, DbErr, TransactionTrait};

/// Parses and applies `raw` (of `carrier`, its archived body `body`, read through
/// `BodyReader`) inside `txn`: the delivery (or why it cannot be applied) and the outcome it
/// now has. The caller writes the outcome on the row.
pub async fn reapply(
    txn: &DatabaseTransaction,
    adapters: &Adapters,
    carrier: Carrier,
    raw: &raw_delivery::Model,
    body: &[u8],
) -> Result<(Result<NormalizedDelivery, ParseError>, Outcome), DbErr> {
    let parsed = super::parse::parse_delivery(adapters, carrier, raw.origin, body, raw.received_at);
    // A file that was refused when the delivery arrived is not in the store: the delivery is
    // applied without it.
    let pod: Option<StoredPod> = raw.pod_file.as_deref().and_then(|json| serde_json::from_str(json).ok());
    let (parsed, duplicate) = match parsed {
        Ok(delivery) => match apply_refusable(txn, raw.id, &delivery, pod.as_ref(), raw.received_at).await? {
            Ok(duplicate) => (Ok(delivery), duplicate),
            Err(refused) => (Err(refused), false),
        },
        Err(error) => (Err(error), false),
    };
    let outcome = outcome_of(&parsed, duplicate);
    Ok((parsed, outcome))
}

/// Applies one archived delivery in a savepoint: `Ok(Err(reason))` when the database
/// refused its data (it then goes to the quarantine instead of failing the whole replay).
async fn apply_refusable(
    txn: &DatabaseTransaction,
    raw_id: i64,
    delivery: &NormalizedDelivery,
    pod: Option<&StoredPod>,
    received_at: DateTime<Utc>,
) -> Result<Result<bool, ParseError>, DbErr> {
    let savepoint = txn.begin().await?;
    // The one write path, for a batch of this one delivery.
    let batch = [BatchDelivery { delivery, pod, received_at }];
    let applied = match apply_batch(&savepoint, &batch, None, |_| Ok(vec![raw_id])).await {
        Ok(applied) => execute_in_one_hand_off(&savepoint, applied.parcel_updates).await.map(|()| applied.duplicates),
        Err(error) => Err(error),
    };
    match applied {
        Ok(duplicates) => {
            savepoint.commit().await?;
            Ok(Ok(duplicates.first().copied().unwrap_or(true)))
        }
        Err(error) if crate::db::is_permanent(&error) => {
            savepoint.rollback().await?;
            Ok(Err(ParseError::new("database", format!("refused it: {error}"))))
        }
        Err(error) => Err(error),
    }
}
