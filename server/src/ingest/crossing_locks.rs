//! Two batches with the same new parcels in opposite orders, written at once on PostgreSQL:
//! each takes its parcels' locks (the existing rows' and the new rows' unique-index entries)
//! in one sorted order, so neither waits for the other while holding what the other needs,
//! and both commit. In batch order, the inserts would cross and PostgreSQL would end one
//! with a deadlock (11 of 80 batches did, before the inserts were sorted).
use super::batch_properties::{drop_postgres, fresh};
use super::input::{parse_input, RawInput};
use super::write_batch::write_batch;
use crate::carriers::Adapters;
use crate::domain::{Carrier, Origin};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde_json::json;

fn peddler(number: &str) -> RawInput {
    let body = json!({"carrierTrackingNumber": number, "status": "OUT_FOR_DELIVERY", "ts": "2025-10-08T10:00:00Z"});
    RawInput {
        carrier: Carrier::Peddler,
        origin: Origin::Carrier,
        received_at: chrono::Utc::now(),
        headers: json!({}),
        content_type: Some("application/json".into()),
        body: body.to_string().into(),
        pod: None,
    }
}

async fn write(db: DatabaseConnection, numbers: Vec<String>) -> Result<(), sea_orm::DbErr> {
    let adapters = Adapters::new(chrono::FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
    let inputs: Vec<RawInput> = numbers.iter().map(|n| peddler(n)).collect();
    let parsed: Vec<_> = inputs.iter().map(|i| parse_input(&adapters, &Default::default(), i)).collect();
    let order: Vec<usize> = (0..inputs.len()).collect();
    let txn = db.begin().await?;
    write_batch(&txn, inputs.iter(), &parsed, &order, "test").await?;
    txn.commit().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_batches_with_crossing_new_parcels_both_commit_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("waybill_crossing_{}", std::process::id());
    let db = fresh(dir.path(), &name, true).await;
    let mut failures = Vec::new();
    for round in 0..40 {
        let forward: Vec<String> = (0..12).map(|k| format!("CROSS-{round}-{k}")).collect();
        let backward: Vec<String> = forward.iter().rev().cloned().collect();
        // First as new parcels, then again now that they exist (the rows' own locks).
        for pass in ["new", "existing"] {
            let (a, b) = tokio::join!(tokio::spawn(write(db.clone(), forward.clone())), tokio::spawn(write(db.clone(), backward.clone())));
            for result in [a, b] {
                if let Err(error) = result.unwrap_or_else(|e| Err(sea_orm::DbErr::Custom(e.to_string()))) {
                    failures.push(format!("round {round}, {pass} parcels: {error}"));
                }
            }
        }
    }
    drop_postgres(db, &name).await;
    println!("crossing batches on PostgreSQL: {} of 160 failed", failures.len());
    assert!(failures.is_empty(), "{} of 160 batches failed: {failures:?}", failures.len());
}
