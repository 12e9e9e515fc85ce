//! The rows a delivery writes (events, references, POD entries, courier positions), built
//! in one place for the one write path's multi-row statements (`apply_distinct`).
//! Each row is stamped with the time the raw delivery arrived, so a replay writes the same.
use crate::domain::{NormalizedDelivery, NormalizedEvent, Position, RemotePod};
use crate::entity::{courier_position, parcel_reference, pod_file, tracking_event};
use crate::storage::StoredPod;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::Set;
use sha2::{Digest, Sha256};

/// One timeline event of `delivery` on parcel `parcel_id`.
pub fn event_row(
    parcel_id: i64,
    raw_delivery_id: Option<i64>,
    delivery: &NormalizedDelivery,
    event: &NormalizedEvent,
    received_at: DateTime<Utc>,
) -> tracking_event::ActiveModel {
    tracking_event::ActiveModel {
        parcel_id: Set(parcel_id),
        raw_delivery_id: Set(raw_delivery_id),
        occurred_at: Set(event.occurred_at),
        status: Set(event.status),
        substatus: Set(event.substatus.clone()),
        raw_status: Set(event.raw_status.clone()),
        description: Set(event.description.clone()),
        location: Set(event.location.clone()),
        texts: Set((!event.texts.is_empty()).then(|| serde_json::to_string(&event.texts).unwrap_or_default())),
        step_rank: Set(event.status.step_rank()),
        dedupe_key: Set(event.dedupe_key.clone()),
        created_at: Set(received_at),
        recorded_by: Set(delivery.recorded_by.clone()),
        staff_note: Set(delivery.staff_note.clone()),
        ..Default::default()
    }
}

/// A known event (same parcel and dedupe key) seen again with an earlier carrier time takes
/// that time and that message's wording, so the result does not depend on arrival order;
/// seen again with the same or a later time it changes nothing. One statement: an insert
/// whose conflict updates only under that condition.
pub fn keep_earliest() -> OnConflict {
    use tracking_event::Column as C;
    OnConflict::columns([C::ParcelId, C::DedupeKey])
        .update_columns([
            C::RawDeliveryId,
            C::OccurredAt,
            C::Status,
            C::Substatus,
            C::RawStatus,
            C::Description,
            C::Location,
            C::Texts,
            C::StepRank,
            C::RecordedBy,
        ])
        .action_and_where(Expr::col((tracking_event::Entity, C::OccurredAt)).gt(Expr::col((Alias::new("excluded"), C::OccurredAt))))
        .to_owned()
}

/// A delivery's events with one per dedupe key: the earliest, the first seen on equal
/// times — what inserting them one after another with [`keep_earliest`] keeps.
pub fn earliest_per_key(events: &[NormalizedEvent]) -> Vec<&NormalizedEvent> {
    let mut kept: Vec<&NormalizedEvent> = Vec::with_capacity(events.len());
    for event in events {
        match kept.iter_mut().find(|k| k.dedupe_key == event.dedupe_key) {
            Some(k) if event.occurred_at < k.occurred_at => *k = event,
            Some(_) => {}
            None => kept.push(event),
        }
    }
    kept
}

pub fn reference_row(parcel_id: i64, reference: &str) -> parcel_reference::ActiveModel {
    parcel_reference::ActiveModel { parcel_id: Set(parcel_id), reference: Set(reference.to_string()), ..Default::default() }
}

pub fn reference_conflict() -> OnConflict {
    OnConflict::columns([parcel_reference::Column::Reference, parcel_reference::Column::ParcelId]).do_nothing().to_owned()
}

/// The same file (or the same remote proof) twice for one parcel is one POD entry.
pub fn pod_conflict() -> OnConflict {
    OnConflict::columns([pod_file::Column::ParcelId, pod_file::Column::Sha256]).do_nothing().to_owned()
}

/// A POD file that came with the delivery (a depot upload or a staff upload).
pub fn uploaded_pod_row(
    parcel_id: i64,
    raw_delivery_id: Option<i64>,
    delivery: &NormalizedDelivery,
    pod: &StoredPod,
    received_at: DateTime<Utc>,
) -> pod_file::ActiveModel {
    pod_file::ActiveModel {
        id: Set(pod.id.clone()),
        parcel_id: Set(parcel_id),
        raw_delivery_id: Set(raw_delivery_id),
        storage_key: Set(pod.key.clone()),
        sha256: Set(pod.sha256.clone()),
        bytes: Set(pod.bytes as i64),
        content_type: Set(pod.content_type.clone()),
        original_name: Set(pod.original_name.clone()),
        source: Set(match delivery.recorded_by {
            Some(_) => "staff_upload".to_string(),
            None => format!("{}_webhook", delivery.carrier),
        }),
        kind: Set(if pod.content_type == "application/pdf" { "document" } else { "photo" }.to_string()),
        remote_url: Set(None),
        value: Set(None),
        created_at: Set(received_at),
        uploaded_by: Set(delivery.recorded_by.clone()),
    }
}

/// Proof the carrier holds (a photo URL, a signature, a PIN), identified by its content.
pub fn remote_pod_row(
    parcel_id: i64,
    raw_delivery_id: Option<i64>,
    delivery: &NormalizedDelivery,
    pod: &RemotePod,
    received_at: DateTime<Utc>,
) -> pod_file::ActiveModel {
    let identity = remote_pod_identity(pod);
    pod_file::ActiveModel {
        // Derived from the content, so a replay recreates the same id.
        id: Set(uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("{parcel_id}|{identity}").as_bytes()).to_string()),
        parcel_id: Set(parcel_id),
        raw_delivery_id: Set(raw_delivery_id),
        storage_key: Set(String::new()),
        sha256: Set(sha256_of_identity(&identity)),
        bytes: Set(0),
        content_type: Set(if pod.url.is_some() { "image/*" } else { "text/plain" }.to_string()),
        original_name: Set(None),
        source: Set(format!("{}_verification", delivery.carrier)),
        kind: Set(pod.kind.to_string()),
        remote_url: Set(pod.url.clone()),
        value: Set(pod.value.clone()),
        created_at: Set(received_at),
        uploaded_by: Set(None),
    }
}

/// What identifies a remote proof: its kind, address and value.
fn remote_pod_identity(pod: &RemotePod) -> String {
    format!("{}|{}|{}", pod.kind, pod.url.as_deref().unwrap_or(""), pod.value.as_deref().unwrap_or(""))
}

/// The `sha256` column of a remote proof with this identity.
fn sha256_of_identity(identity: &str) -> String {
    hex::encode(Sha256::digest(identity.as_bytes()))
}

/// The `sha256` column [`remote_pod_row`] gives `pod`: enough to tell whether a parcel has
/// the proof already without building the row.
pub fn remote_pod_sha256(pod: &RemotePod) -> String {
    sha256_of_identity(&remote_pod_identity(pod))
}

pub fn position_row(parcel_id: i64, recorded_at: DateTime<Utc>, position: Position) -> courier_position::ActiveModel {
    courier_position::ActiveModel {
        parcel_id: Set(parcel_id),
        recorded_at: Set(recorded_at),
        lat: Set(position.lat),
        lng: Set(position.lng),
        ..Default::default()
    }
}

pub fn position_conflict() -> OnConflict {
    OnConflict::columns([courier_position::Column::ParcelId, courier_position::Column::RecordedAt]).do_nothing().to_owned()
}
