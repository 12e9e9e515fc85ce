//! The one write path: applies a batch of parsed deliveries, in the batch's order, to
//! their parcels. Every delivery goes through here: live ones in the batches the commit
//! queue forms, a failed batch again one delivery at a time, replay and staff re-processing
//! a batch of one.
//!
//! A batch is applied in rounds: round k holds the k-th delivery of each parcel, so no
//! round is about a parcel twice and each is applied with a handful of multi-row statements
//! (`apply_distinct`); a parcel seen twice in a batch gets its second delivery in the next
//! round, which reads the parcel as the first left it. Round 1 holds every parcel of the
//! batch, so on PostgreSQL all their locks are taken there, in one sorted order.
use super::apply_distinct::{apply_distinct, DistinctDelivery};
use super::batch_parcels::{find_or_create, key_of, ParcelKey};
use super::hand_off::{execute_in_one_hand_off, query_in_one_hand_off};
use crate::domain::NormalizedDelivery;
use crate::storage::StoredPod;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, DbErr, QueryResult, Statement};
use std::collections::HashMap;

/// One parsed delivery of a batch.
#[derive(Clone, Copy)]
pub struct BatchDelivery<'a> {
    pub delivery: &'a NormalizedDelivery,
    /// A file stored with it (the depot's upload, a staff upload).
    pub pod: Option<&'a StoredPod>,
    pub received_at: DateTime<Utc>,
}

/// What applying a batch left: for each delivery, whether it changed nothing; and the
/// statements that write the last round's parcels, which the caller may send with its own
/// next statements (the live path sends them with the raw deliveries' archive).
pub struct AppliedBatch {
    pub duplicates: Vec<bool>,
    pub parcel_updates: Vec<Statement>,
    /// The parcels the batch changed, each once: their views are due a refresh
    /// (`public_view::refresh`) once `parcel_updates` ran.
    pub changed: Vec<i64>,
}

/// Applies `batch` in order. `lead` (if any) runs in the first hand-off to the database,
/// and `raw_ids` turns its rows into the raw delivery id of each delivery of the batch.
pub async fn apply_batch(
    txn: &DatabaseTransaction,
    batch: &[BatchDelivery<'_>],
    lead: Option<Statement>,
    raw_ids: impl FnOnce(&[QueryResult]) -> Result<Vec<i64>, DbErr>,
) -> Result<AppliedBatch, DbErr> {
    if batch.is_empty() {
        let rows = match lead {
            Some(lead) => query_in_one_hand_off(txn, vec![lead]).await?,
            None => Vec::new(),
        };
        raw_ids(&rows)?;
        return Ok(AppliedBatch { duplicates: Vec::new(), parcel_updates: Vec::new(), changed: Vec::new() });
    }
    let mut duplicates = vec![false; batch.len()];
    let mut lead = lead;
    let mut raw_ids = Some(raw_ids);
    let mut ids: Vec<i64> = Vec::new();
    let mut pending: Vec<Statement> = Vec::new();
    let mut changed: Vec<i64> = Vec::new();
    for round in rounds(batch) {
        // The parcels as the round before left them.
        execute_in_one_hand_off(txn, std::mem::take(&mut pending)).await?;
        let wanted: Vec<(ParcelKey, DateTime<Utc>)> = round.iter().map(|&i| (key_of(batch[i].delivery), batch[i].received_at)).collect();
        let (parcels, lead_rows) = find_or_create(txn, &wanted, lead.take()).await?;
        if let Some(raw_ids) = raw_ids.take() {
            ids = raw_ids(&lead_rows)?;
            if ids.len() != batch.len() {
                return Err(DbErr::Custom(format!("{} raw delivery ids for a batch of {}", ids.len(), batch.len())));
            }
        }
        let items: Vec<DistinctDelivery> = round
            .iter()
            .map(|&i| DistinctDelivery {
                raw_id: ids[i],
                delivery: batch[i].delivery,
                pod: batch[i].pod,
                received_at: batch[i].received_at,
            })
            .collect();
        let applied = apply_distinct(txn, &items, parcels).await?;
        for (&i, duplicate) in round.iter().zip(applied.duplicates) {
            duplicates[i] = duplicate;
        }
        pending = applied.parcel_updates;
        changed.extend(applied.changed);
    }
    changed.sort_unstable();
    changed.dedup();
    Ok(AppliedBatch { duplicates, parcel_updates: pending, changed })
}

/// The batch's deliveries (by index) in rounds: round k holds the k-th delivery of each
/// parcel, in the batch's order.
fn rounds(batch: &[BatchDelivery<'_>]) -> Vec<Vec<usize>> {
    let mut seen: HashMap<ParcelKey, usize> = HashMap::new();
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for (i, item) in batch.iter().enumerate() {
        let k = seen.entry(key_of(item.delivery)).or_default();
        if rounds.len() <= *k {
            rounds.push(Vec::new());
        }
        rounds[*k].push(i);
        *k += 1;
    }
    rounds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Carrier, TrackingNumber};

    fn delivery(number: &str) -> NormalizedDelivery {
        NormalizedDelivery::new(Carrier::Peddler, TrackingNumber::parse(number).unwrap())
    }

    #[test]
    fn a_parcel_seen_twice_gets_its_second_delivery_in_the_next_round_in_order() {
        let (a, b, c) = (delivery("A1"), delivery("B1"), delivery("C1"));
        let at = chrono::Utc::now();
        let item = |d| BatchDelivery { delivery: d, pod: None, received_at: at };
        let batch = [item(&a), item(&b), item(&a), item(&c), item(&a), item(&b)];
        assert_eq!(rounds(&batch), vec![vec![0, 1, 3], vec![2, 5], vec![4]]);
    }
}
