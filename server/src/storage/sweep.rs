//! `waybill sweep`: removes objects no database row points at (a crash between writing a
//! POD and committing its row, an aborted upload, derived copies of deleted files), once
//! they are older than a given age. The age protects uploads still in flight: their object
//! is written before their row. Archive segments (`raw-archive/`) are never swept, and the
//! POD files their deliveries name are kept.
use super::PodStore;
use crate::entity::{pod_file, raw_delivery, raw_segment};
use crate::storage::StoredPod;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use object_store::path::Path;
use object_store::ObjectStoreExt;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QuerySelect};
use std::collections::HashSet;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SweepSummary {
    pub scanned: u64,
    pub kept: u64,
    pub deleted: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
}

/// Every object key a row refers to, and every POD id (for `derived/{id}/…`).
async fn referenced(db: &DatabaseConnection) -> Result<(HashSet<String>, HashSet<String>), DbErr> {
    let pods: Vec<(String, String)> = pod_file::Entity::find()
        .select_only()
        .column(pod_file::Column::Id)
        .column(pod_file::Column::StorageKey)
        .into_tuple()
        .all(db)
        .await?;
    let mut keys: HashSet<String> = pods.iter().map(|(_, key)| key.clone()).filter(|k| !k.is_empty()).collect();
    let ids: HashSet<String> = pods.into_iter().map(|(id, _)| id).collect();
    // Raw deliveries keep their file too (a quarantined one may be re-processed later).
    let archived: Vec<Option<String>> =
        raw_delivery::Entity::find().select_only().column(raw_delivery::Column::PodFile).into_tuple().all(db).await?;
    keys.extend(archived.into_iter().flatten().filter_map(|json| serde_json::from_str::<StoredPod>(&json).ok()).map(|p| p.key));
    // And so do those moved to archive segments, for replay.
    let moved: Vec<String> = raw_segment::Entity::find().select_only().column(raw_segment::Column::PodKeys).into_tuple().all(db).await?;
    keys.extend(moved.iter().flat_map(|json| serde_json::from_str::<Vec<String>>(json).unwrap_or_default()));
    Ok((keys, ids))
}

/// Deletes unreferenced objects last modified before `cutoff`.
pub async fn sweep(db: &DatabaseConnection, store: &PodStore, cutoff: DateTime<Utc>) -> Result<SweepSummary, SweepError> {
    let (keys, ids) = referenced(db).await?;
    let mut summary = SweepSummary::default();
    for prefix in ["pod", "derived", "readyz"] {
        let objects: Vec<_> = store.inner().list(Some(&Path::from(prefix))).try_collect().await?;
        for object in objects {
            summary.scanned += 1;
            let key = object.location.to_string();
            let in_use = match prefix {
                "pod" => keys.contains(&key),
                "derived" => key.split('/').nth(1).is_some_and(|id| ids.contains(id)),
                _ => false,
            };
            if in_use || object.last_modified >= cutoff {
                summary.kept += 1;
            } else {
                store.inner().delete(&object.location).await?;
                summary.deleted += 1;
            }
        }
    }
    Ok(summary)
}
