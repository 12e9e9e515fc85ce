//! An archived raw delivery applied again, as it would be if it had just arrived (at its
//! original arrival time): parsed with today's adapters and settings, applied as a batch of
//! one through the one write path, with the outcome it now gets. `waybill replay` and staff
//! re-processing both take this step.
use super::apply_batch::{apply_batch, BatchDelivery};
use super::archive::outcome_of;
use super::hand_off::execute_in_one_hand_off;
use super::public_view::refresh;
use crate::carriers::{Adapters, ParseError};
use crate::changes::ParcelChange;
use crate::domain::{Carrier, NormalizedDelivery};
use crate::entity::raw_delivery;
use crate::storage::StoredPod;
use app::outcome::Outcome;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, DbErr, TransactionTrait};

/// What applying an archived delivery again gave.
pub struct Reapplied {
    /// The delivery, or why it cannot be applied.
    pub parsed: Result<NormalizedDelivery, ParseError>,
    /// The outcome it now has; the caller writes it on the row.
    pub outcome: Outcome,
    /// What it changed, for the caller to publish after its commit.
    pub changes: Vec<ParcelChange>,
}

/// Parses and applies `raw` (of `carrier`, its archived body `body`, read through
/// `BodyReader`) inside `txn`. With `origin` (staff re-processing on a live server), the
/// views of the parcels it changed are refreshed and other instances told as `origin`;
/// without (`waybill replay`, which refreshes every view once at its end), they are not.
pub async fn reapply(
    txn: &DatabaseTransaction,
    adapters: &Adapters,
    carrier: Carrier,
    raw: &raw_delivery::Model,
    body: &[u8],
    origin: Option<&str>,
) -> Result<Reapplied, DbErr> {
    let parsed = super::parse::parse_delivery(adapters, carrier, raw.origin, body, raw.received_at);
    // A file that was refused when the delivery arrived is not in the store: the delivery is
    // applied without it.
    let pod: Option<StoredPod> = raw.pod_file.as_deref().and_then(|json| serde_json::from_str(json).ok());
    let (parsed, duplicate, changed) = match parsed {
        Ok(delivery) => match apply_refusable(txn, raw.id, &delivery, pod.as_ref(), raw.received_at).await? {
            Ok((duplicate, changed)) => (Ok(delivery), duplicate, changed),
            Err(refused) => (Err(refused), false, Vec::new()),
        },
        Err(error) => (Err(error), false, Vec::new()),
    };
    let changes = match origin {
        Some(origin) => refresh(txn, &changed, origin).await?,
        None => Vec::new(),
    };
    let outcome = outcome_of(&parsed, duplicate);
    Ok(Reapplied { parsed, outcome, changes })
}

/// Applies one archived delivery in a savepoint: `Ok(Err(reason))` when the database
/// refused its data (it then goes to the quarantine instead of failing the whole replay).
async fn apply_refusable(
    txn: &DatabaseTransaction,
    raw_id: i64,
    delivery: &NormalizedDelivery,
    pod: Option<&StoredPod>,
    received_at: DateTime<Utc>,
) -> Result<Result<(bool, Vec<i64>), ParseError>, DbErr> {
    let savepoint = txn.begin().await?;
    // The one write path, for a batch of this one delivery.
    let batch = [BatchDelivery { delivery, pod, received_at }];
    let applied = match apply_batch(&savepoint, &batch, None, |_| Ok(vec![raw_id])).await {
        Ok(applied) => execute_in_one_hand_off(&savepoint, applied.parcel_updates).await.map(|()| (applied.duplicates, applied.changed)),
        Err(error) => Err(error),
    };
    match applied {
        Ok((duplicates, changed)) => {
            savepoint.commit().await?;
            Ok(Ok((duplicates.first().copied().unwrap_or(true), changed)))
        }
        Err(error) if crate::db::is_permanent(&error) => {
            savepoint.rollback().await?;
            Ok(Err(ParseError::new("database", format!("refused it: {error}"))))
        }
        Err(error) => Err(error),
    }
}
