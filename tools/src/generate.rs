//! `waybill-tools generate`: loads synthetic parcels and their timelines straight into the
//! database, for measuring reads at scale (issue 7: 1M parcels and 10M events).
//!
//! Why not through the webhooks: ten million deliveries would take hours at the ingest
//! rate and would measure ingest, not reads. The rows are what the pipeline writes for a
//! depot parcel (same columns, encodings and share links), in multi-row inserts of a few
//! thousand rows per statement and one transaction per batch of parcels. Its share tokens
//! (`gen-share-0000042`) are predictable: generated parcels belong in a benchmark database,
//! never beside real ones.
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QuerySelect, Set, TransactionTrait};
use server::domain::{Carrier, TrackingStatus};
use server::entity::{parcel, share_link, tracking_event};
use std::time::Instant;

/// Parcels written per transaction.
const BATCH: u64 = 1_000;
/// Rows per multi-row INSERT: below SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters for the widest row (parcel, 22 columns).
const ROWS_PER_STATEMENT: usize = 1_000;

/// The journey every generated parcel follows; a parcel stops somewhere along it.
const JOURNEY: [(TrackingStatus, &str, &str); 6] = [
    (TrackingStatus::InfoReceived, "not_scanned", "Not Scanned"),
    (TrackingStatus::InTransit, "received_at_depot", "Received in Depot"),
    (TrackingStatus::InTransit, "loaded_by_driver", "Loaded by Driver"),
    (TrackingStatus::OutForDelivery, "out_for_delivery", "In Transit"),
    (TrackingStatus::FailedAttempt, "failed_delivery", "Failed Delivery"),
    (TrackingStatus::Delivered, "delivered", "Delivered"),
];

/// The tracking number of generated parcel `k`: `GEN-0000042`.
pub fn generated_number(k: u64) -> String {
    format!("GEN-{k:07}")
}

/// What `generate` wrote.
#[derive(Debug, Clone, Copy)]
pub struct Generated {
    pub parcels: u64,
    pub events: u64,
    pub seconds: f64,
}

/// Writes parcels `GEN-{from}` up to (not including) `GEN-{until}`, `events_per_parcel`
/// events each (at least one), plus a share link each; numbers already present are an
/// error (a unique key).
pub async fn generate(db: &DatabaseConnection, from: u64, until: u64, events_per_parcel: u32) -> Result<Generated, DbErr> {
    let started = Instant::now();
    // A parcel's status comes from its last event, so every parcel gets at least one.
    let events_per_parcel = events_per_parcel.max(1);
    let mut next_id = next_parcel_id(db).await?;
    let first_id = next_id;
    let epoch = Utc.with_ymd_and_hms(2025, 1, 1, 8, 0, 0).single().unwrap_or_default();
    let mut events = 0;
    let mut k = from;
    while k < until {
        let end = (k + BATCH).min(until);
        let txn = db.begin().await?;
        let mut parcels = Vec::new();
        let mut links = Vec::new();
        let mut rows = Vec::new();
        for n in k..end {
            let id = next_id;
            next_id += 1;
            let start = epoch + Duration::minutes((n % 500_000) as i64);
            let (status, substatus, _) = JOURNEY[final_step(n)];
            let last_at = start + Duration::hours(i64::from(events_per_parcel.max(1)) - 1);
            let timeline = timeline(id, n, start, events_per_parcel);
            events += timeline.len() as u64;
            rows.extend(timeline);
            parcels.push(parcel::ActiveModel {
                id: Set(id),
                carrier: Set(Carrier::Depot),
                tracking_number: Set(generated_number(n)),
                status: Set(status),
                substatus: Set(Some(substatus.into())),
                status_at: Set(Some(last_at)),
                created_at: Set(start),
                updated_at: Set(last_at),
                ..Default::default()
            });
            links.push(share_link::ActiveModel {
                parcel_id: Set(id),
                token: Set(format!("gen-share-{n:07}")),
                created_at: Set(start),
                ..Default::default()
            });
        }
        for chunk in chunks(parcels) {
            parcel::Entity::insert_many(chunk).exec_without_returning(&txn).await?;
        }
        for chunk in chunks(links) {
            share_link::Entity::insert_many(chunk).exec_without_returning(&txn).await?;
        }
        for chunk in chunks(rows) {
            tracking_event::Entity::insert_many(chunk).exec_without_returning(&txn).await?;
        }
        // What the public pages read: written as the server's write path writes it.
        let ids: Vec<i64> = (next_id - (end - k) as i64..next_id).collect();
        server::ingest::public_view::refresh(&txn, &ids, "waybill-tools generate").await?;
        txn.commit().await?;
        k = end;
    }
    if db.get_database_backend() == DbBackend::Postgres && next_id > first_id {
        // Rows were written with explicit ids; move the sequence past them.
        db.execute_unprepared("SELECT setval(pg_get_serial_sequence('parcel', 'id'), (SELECT MAX(id) FROM parcel))").await?;
    }
    Ok(Generated { parcels: until.saturating_sub(from), events, seconds: started.elapsed().as_secs_f64() })
}

async fn next_parcel_id(db: &DatabaseConnection) -> Result<i64, DbErr> {
    let max: Option<i64> = parcel::Entity::find()
        .select_only()
        .column_as(sea_orm::sea_query::Expr::col(parcel::Column::Id).max(), "max")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

/// Where parcel `n`'s journey stops: somewhere from "loaded by driver" to "delivered".
fn final_step(n: u64) -> usize {
    2 + (n % (JOURNEY.len() as u64 - 2)) as usize
}

/// Parcel `n`'s events: along the journey, an hour apart, stopping at a point that
/// depends on `n`; scans repeat "loaded by driver" with new depots to reach the count.
fn timeline(parcel_id: i64, n: u64, start: DateTime<Utc>, count: u32) -> Vec<tracking_event::ActiveModel> {
    (0..count)
        .map(|i| {
            let step = if i + 1 == count { final_step(n) } else { (i as usize).min(2) };
            let (status, substatus, raw) = JOURNEY[step];
            tracking_event::ActiveModel {
                parcel_id: Set(parcel_id),
                raw_delivery_id: Set(None),
                occurred_at: Set(start + Duration::hours(i as i64)),
                status: Set(status),
                substatus: Set(substatus.into()),
                raw_status: Set(raw.into()),
                description: Set(Some(format!("Scan {i} at depot {}", (n + i as u64) % 40))),
                location: Set(Some(["Rotterdam", "Utrecht", "Amsterdam", "Eindhoven"][(n % 4) as usize].into())),
                texts: Set(None),
                step_rank: Set(status.step_rank()),
                dedupe_key: Set(format!("gen-{i}")),
                recorded_by: Set(None),
                created_at: Set(start),
                ..Default::default()
            }
        })
        .collect()
}

fn chunks<T>(rows: Vec<T>) -> impl Iterator<Item = Vec<T>> {
    let mut rows = rows.into_iter().peekable();
    std::iter::from_fn(move || {
        rows.peek()?;
        Some(rows.by_ref().take(ROWS_PER_STATEMENT).collect())
    })
}
