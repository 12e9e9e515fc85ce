//! Raw deliveries older than `WAYBILL_RAW_RETENTION_DAYS` leave the database for the object
//! store, so the archive stays the source of truth while the database stays small:
//! 1. `move_old_deliveries` takes the oldest such rows (never those in the quarantine, which
//!    staff still act on), up to [`SEGMENT_ROWS`] at a time, bodies included;
//! 2. writes them as one object, `raw-archive/…`: JSON lines, zstd-compressed;
//! 3. then, in one transaction, records the segment (its SHA-256 and the POD files its
//!    deliveries name), deletes the rows, and deletes the bodies no other row shares.
//!
//! A crash between 2 and 3 leaves an object nothing names, written again next time.
//! `waybill replay` reads the segments back (`read_segment`, checked against the SHA-256)
//! in id order with the rows still in the database.
use super::raw_body::BodyReader;
use crate::db::Writer;
use crate::entity::{raw_body, raw_delivery, raw_segment};
use crate::storage::{PodStore, StoredPod};
use app::outcome::Outcome;
use base64::Engine;
use object_store::path::Path;
use object_store::ObjectStoreExt;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use sha2::{Digest, Sha256};

/// Deliveries per segment.
pub const SEGMENT_ROWS: u64 = 5_000;
/// Ids per delete statement.
const IDS_PER_STATEMENT: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("archive segment {key}: {reason}")]
    Corrupt { key: String, reason: String },
}

/// One delivery as a segment keeps it: its row, with the body as it arrived.
#[derive(serde::Serialize, serde::Deserialize)]
struct SegmentRow {
    id: i64,
    carrier: app::carrier::Carrier,
    origin: crate::domain::Origin,
    received_at: chrono::DateTime<chrono::Utc>,
    headers: String,
    content_type: Option<String>,
    body: String,
    pod_file: Option<String>,
    outcome: Outcome,
    error: Option<String>,
    tracking_number: Option<String>,
}

/// Moves every delivery received before `cutoff` (and not in the quarantine) into
/// segments; how many deliveries moved.
pub async fn move_old_deliveries(writer: &Writer, store: &PodStore, cutoff: chrono::DateTime<chrono::Utc>) -> Result<u64, SegmentError> {
    let db = writer.db();
    let mut moved = 0;
    loop {
        let rows = raw_delivery::Entity::find()
            .filter(raw_delivery::Column::ReceivedAt.lt(cutoff))
            .filter(raw_delivery::Column::Outcome.ne(Outcome::Quarantined))
            .order_by_asc(raw_delivery::Column::Id)
            .limit(SEGMENT_ROWS)
            .all(db)
            .await?;
        let (Some(first), Some(last)) = (rows.first().map(|r| r.id), rows.last().map(|r| r.id)) else {
            return Ok(moved);
        };
        let bodies = BodyReader::default().bodies_of(db, &rows).await?;
        let mut lines = Vec::new();
        let mut pod_keys = Vec::new();
        for (row, body) in rows.iter().zip(&bodies) {
            pod_keys.extend(row.pod_file.as_deref().and_then(|json| serde_json::from_str::<StoredPod>(json).ok()).map(|p| p.key));
            let line = SegmentRow {
                id: row.id,
                carrier: row.carrier,
                origin: row.origin,
                received_at: row.received_at,
                headers: row.headers.clone(),
                content_type: row.content_type.clone(),
                body: base64::engine::general_purpose::STANDARD.encode(body),
                pod_file: row.pod_file.clone(),
                outcome: row.outcome,
                error: row.error.clone(),
                tracking_number: row.tracking_number.clone(),
            };
            serde_json::to_writer(&mut lines, &line).map_err(|e| DbErr::Custom(e.to_string()))?;
            lines.push(b'\n');
        }
        let object = zstd::bulk::compress(&lines, 9).map_err(|e| DbErr::Custom(format!("compressing a segment: {e}")))?;
        let sha256 = hex::encode(Sha256::digest(&object));
        let key = format!("raw-archive/{first:012}-{last:012}-{}.ndjson.zst", &sha256[..16]);
        store.inner().put(&Path::from(key.as_str()), object.clone().into()).await?;

        let txn = writer.begin().await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            // New deliveries wait to store their bodies until this commits, so that a body
            // found unreferenced here cannot gain a reference meanwhile.
            txn.execute_unprepared("LOCK TABLE raw_body IN SHARE ROW EXCLUSIVE MODE").await?;
        }
        let segment = raw_segment::ActiveModel {
            key: Set(key),
            first_id: Set(first),
            last_id: Set(last),
            deliveries: Set(rows.len() as i64),
            bytes: Set(object.len() as i64),
            sha256: Set(sha256),
            pod_keys: Set(serde_json::to_string(&pod_keys).unwrap_or_else(|_| "[]".into())),
            created_at: Set(chrono::Utc::now()),
        };
        raw_segment::Entity::insert(segment).exec_without_returning(&txn).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            raw_delivery::Entity::delete_many().filter(raw_delivery::Column::Id.is_in(chunk.to_vec())).exec(&txn).await?;
        }
        let mut hashes: Vec<Vec<u8>> = rows.iter().filter_map(|r| r.body_sha256.clone()).collect();
        hashes.sort();
        hashes.dedup();
        for chunk in hashes.chunks(IDS_PER_STATEMENT) {
            let still_used: Vec<Vec<u8>> = raw_delivery::Entity::find()
                .select_only()
                .column(raw_delivery::Column::BodySha256)
                .filter(raw_delivery::Column::BodySha256.is_in(chunk.to_vec()))
                .into_tuple::<Option<Vec<u8>>>()
                .all(&txn)
                .await?
                .into_iter()
                .flatten()
                .collect();
            let unused: Vec<Vec<u8>> = chunk.iter().filter(|h| !still_used.contains(h)).cloned().collect();
            if !unused.is_empty() {
                raw_body::Entity::delete_many().filter(raw_body::Column::Sha256.is_in(unused)).exec(&txn).await?;
            }
        }
        txn.commit().await?;
        moved += rows.len() as u64;
        tracing::info!(deliveries = rows.len(), first, last, "raw deliveries moved to an archive segment");
    }
}

/// Moves deliveries older than `retention` into segments at start and every `every`, for
/// as long as the server runs. Several instances may do so at once: both write the same
/// object, and the second one's record of it fails and is rolled back.
pub fn spawn_retention(writer: Writer, store: PodStore, retention: std::time::Duration, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let cutoff = chrono::Utc::now() - chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
            if let Err(error) = move_old_deliveries(&writer, &store, cutoff).await {
                tracing::warn!(%error, "moving old raw deliveries to the object store failed; the next round tries again");
            }
        }
    });
}

/// The deliveries of `segment`, with their bodies, checked against its SHA-256.
pub async fn read_segment(store: &PodStore, segment: &raw_segment::Model) -> Result<Vec<(raw_delivery::Model, Vec<u8>)>, SegmentError> {
    let corrupt = |reason: String| SegmentError::Corrupt { key: segment.key.clone(), reason };
    let object = store.get(&segment.key).await?.bytes().await?;
    if hex::encode(Sha256::digest(&object)) != segment.sha256 {
        return Err(corrupt("its SHA-256 does not match the one recorded when it was written".into()));
    }
    let lines = zstd::stream::decode_all(object.as_ref()).map_err(|e| corrupt(format!("cannot be decompressed: {e}")))?;
    let mut deliveries = Vec::with_capacity(segment.deliveries.max(0) as usize);
    for line in lines.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let row: SegmentRow = serde_json::from_slice(line).map_err(|e| corrupt(format!("a line cannot be read: {e}")))?;
        let body =
            base64::engine::general_purpose::STANDARD.decode(&row.body).map_err(|e| corrupt(format!("a body cannot be read: {e}")))?;
        let model = raw_delivery::Model {
            id: row.id,
            carrier: row.carrier,
            received_at: row.received_at,
            headers: row.headers,
            content_type: row.content_type,
            body: Vec::new(),
            body_sha256: None,
            body_size: Some(body.len() as i64),
            pod_file: row.pod_file,
            outcome: row.outcome,
            error: row.error,
            tracking_number: row.tracking_number,
            origin: row.origin,
        };
        deliveries.push((model, body));
    }
    Ok(deliveries)
}
