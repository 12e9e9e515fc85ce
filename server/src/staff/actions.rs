//! What staff change, as plain functions over the database and the ingest pipeline (no
//! HTTP here): manual events, voids and POD uploads (archived and applied through
//! `Pipeline::ingest`, then audited), share link rotation, and re-processing or discarding
//! a quarantined delivery (audited in the same transaction). Every write takes the door.
use crate::audit::{record, record_alone, AuditAction};
use crate::domain::{Carrier, Origin, TrackingStatus};
use crate::entity::{parcel, pod_file, raw_delivery, share_link, tracking_event};
use crate::ingest::{
    reapply, storable_error, IngestError, IngestOutcome, ManualEvent, Pipeline, RawInput, StaffEntry, VoidedEvent, STAFF_CONTENT_TYPE,
};
use crate::storage::StoredPod;
use app::outcome::Outcome;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no such parcel")]
    NoSuchParcel,
    #[error("no such delivery")]
    NoSuchDelivery,
    #[error("delivery #{0} is not in the quarantine")]
    NotQuarantined(i64),
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// The ingest pipeline could not commit (a failed batch commit, shutdown).
    #[error("ingest: {0}")]
    Ingest(IngestError),
}

impl From<IngestError> for ActionError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Database(e) => Self::Database(e),
            other => Self::Ingest(other),
        }
    }
}

pub async fn find_parcel(db: &DatabaseConnection, carrier: Carrier, number: &str) -> Result<Option<parcel::Model>, DbErr> {
    parcel::Entity::find().filter(parcel::Column::Carrier.eq(carrier)).filter(parcel::Column::TrackingNumber.eq(number)).one(db).await
}

fn subject(parcel: &parcel::Model) -> String {
    format!("{}/{}", parcel.carrier, parcel.tracking_number)
}

/// Archives and applies one piece of staff work through the ingest pipeline.
async fn ingest_entry(
    pipeline: &Pipeline,
    parcel: &parcel::Model,
    actor: &str,
    event: Option<ManualEvent>,
    void: Option<VoidedEvent>,
    pod: Option<StoredPod>,
) -> Result<(), ActionError> {
    let carrier = parcel.carrier;
    let entry = StaffEntry { recorded_by: actor.to_string(), tracking_number: parcel.tracking_number.clone(), event, void };
    let body = serde_json::to_vec(&entry).map_err(|e| ActionError::Invalid(e.to_string()))?;
    let input = RawInput {
        carrier,
        origin: Origin::Staff,
        received_at: Utc::now(),
        headers: serde_json::json!({ "x-waybill-staff": actor }),
        content_type: Some(STAFF_CONTENT_TYPE.to_string()),
        body: body.into(),
        pod,
    };
    match pipeline.ingest(input).await? {
        IngestOutcome::Stored { .. } => Ok(()),
        IngestOutcome::Quarantined { error } => Err(ActionError::Invalid(error.to_string())),
    }
}

/// Records a manual event (a phone call, a depot scan) as coming from `actor`.
pub async fn record_manual_event(
    pipeline: &Pipeline,
    parcel: &parcel::Model,
    actor: &str,
    status: TrackingStatus,
    occurred_at: DateTime<Utc>,
    note: Option<String>,
    message: Option<String>,
) -> Result<(), ActionError> {
    let cut = |text: Option<String>| text.map(|n| n.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
    let (note, message) = (cut(note), cut(message));
    let event = ManualEvent { id: uuid::Uuid::new_v4().to_string(), occurred_at, status, note: note.clone(), message };
    ingest_entry(pipeline, parcel, actor, Some(event), None, None).await?;
    let detail = format!("{} at {}{}", status.as_str(), occurred_at.to_rfc3339(), note.map(|n| format!(": {n}")).unwrap_or_default());
    record_alone(pipeline.writer(), actor, AuditAction::ManualEvent, &subject(parcel), Some(detail)).await?;
    Ok(())
}

/// Voids one event of the parcel (a carrier's wrong clock, a mistaken scan) as `actor`:
/// it stays stored, struck through for staff, no longer sets the status and is not shown to
/// customers. Archived as staff work, so replay voids it again.
pub async fn void_event(
    pipeline: &Pipeline,
    parcel: &parcel::Model,
    actor: &str,
    event_id: i64,
    reason: Option<String>,
) -> Result<(), ActionError> {
    let event = tracking_event::Entity::find_by_id(event_id)
        .filter(tracking_event::Column::ParcelId.eq(parcel.id))
        .one(&pipeline.db)
        .await?
        .ok_or_else(|| ActionError::Invalid(format!("event {event_id} is not on this parcel")))?;
    if event.voided_at.is_some() {
        return Err(ActionError::Invalid(format!("event {event_id} is already voided")));
    }
    let reason = reason.map(|r| r.trim().chars().take(500).collect::<String>()).filter(|r| !r.is_empty());
    let void = VoidedEvent { dedupe_key: event.dedupe_key.clone(), reason: reason.clone() };
    ingest_entry(pipeline, parcel, actor, None, Some(void), None).await?;
    let detail = format!(
        "{} at {} ({}){}",
        event.status,
        event.occurred_at.to_rfc3339(),
        event.raw_status,
        reason.map(|r| format!(": {r}")).unwrap_or_default()
    );
    record_alone(pipeline.writer(), actor, AuditAction::VoidEvent, &subject(parcel), Some(detail)).await?;
    Ok(())
}

/// Attaches a file already in the object store to the parcel as POD uploaded by `actor`.
/// The same file uploaded twice is one entry: the existing one is returned.
pub async fn attach_pod(
    pipeline: &Pipeline,
    parcel: &parcel::Model,
    actor: &str,
    stored: StoredPod,
) -> Result<pod_file::Model, ActionError> {
    let sha256 = stored.sha256.clone();
    let name = stored.original_name.clone();
    ingest_entry(pipeline, parcel, actor, None, None, Some(stored)).await?;
    let row = pod_file::Entity::find()
        .filter(pod_file::Column::ParcelId.eq(parcel.id))
        .filter(pod_file::Column::Sha256.eq(&sha256))
        .one(&pipeline.db)
        .await?
        .ok_or(ActionError::NoSuchParcel)?;
    let detail = format!("{} ({} bytes, sha256 {}){}", row.id, row.bytes, sha256, name.map(|n| format!(" {n}")).unwrap_or_default());
    record_alone(pipeline.writer(), actor, AuditAction::UploadPod, &subject(parcel), Some(detail)).await?;
    Ok(row)
}

/// Revokes the parcel's live share links and makes a new one; returns the new token.
pub async fn rotate_share_link(pipeline: &Pipeline, parcel: &parcel::Model, actor: &str) -> Result<String, ActionError> {
    let txn = pipeline.writer().begin().await?;
    let now = Utc::now();
    share_link::Entity::update_many()
        .col_expr(share_link::Column::RevokedAt, Expr::value(Some(now)))
        .filter(share_link::Column::ParcelId.eq(parcel.id))
        .filter(share_link::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    let token = crate::domain::new_share_token();
    share_link::ActiveModel { parcel_id: Set(parcel.id), token: Set(token.clone()), created_at: Set(now), ..Default::default() }
        .insert(&txn)
        .await?;
    record(&txn, actor, AuditAction::RotateShareLink, &subject(parcel), None).await?;
    txn.commit().await?;
    Ok(token)
}

/// What re-processing a quarantined delivery gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reprocessed {
    /// It parses now and was applied (`duplicate` when it added nothing new).
    Applied { tracking_number: String, duplicate: bool },
    /// It still does not parse; the error is updated to today's reason.
    StillUnreadable { error: String },
}

/// Parses a quarantined delivery again with today's adapters and settings; when it parses,
/// applies it exactly as if it had just arrived (at its original arrival time).
pub async fn reprocess(pipeline: &Pipeline, id: i64, actor: &str) -> Result<Reprocessed, ActionError> {
    let txn = pipeline.writer().begin().await?;
    let raw = quarantined_row(&txn, id).await?;
    if raw.outcome != Outcome::Quarantined {
        return Err(ActionError::NotQuarantined(id));
    }
    let carrier = raw.carrier;
    let subject = format!("delivery #{id}");
    let mut row: raw_delivery::ActiveModel = raw.clone().into();
    let body = crate::ingest::BodyReader::default().body_of(&txn, &raw).await?;
    let reapplied = reapply(&txn, &pipeline.adapters, carrier, &raw, &body, Some(pipeline.changes().instance())).await?;
    let outcome = reapplied.outcome;
    let result = match reapplied.parsed {
        Ok(delivery) => {
            let duplicate = outcome == Outcome::Duplicate;
            row.outcome = Set(outcome);
            row.error = Set(None);
            row.tracking_number = Set(Some(delivery.tracking_number.to_string()));
            Reprocessed::Applied { tracking_number: delivery.tracking_number.to_string(), duplicate }
        }
        Err(error) => {
            row.error = Set(Some(storable_error(&error.to_string())));
            Reprocessed::StillUnreadable { error: error.to_string() }
        }
    };
    row.update(&txn).await?;
    let detail = match &result {
        Reprocessed::Applied { tracking_number, .. } => format!("applied to {carrier}/{tracking_number}"),
        Reprocessed::StillUnreadable { error } => format!("still unreadable: {error}"),
    };
    record(&txn, actor, AuditAction::ReprocessDelivery, &subject, Some(detail)).await?;
    txn.commit().await?;
    pipeline.changes().publish(&reapplied.changes);
    Ok(result)
}

/// The raw delivery `id`, locked for this transaction on PostgreSQL (SQLite has one writer,
/// the writer's turn), so that two clicks on it are taken one after the other: the second sees
/// what the first did (no longer in the quarantine) instead of undoing it.
async fn quarantined_row(txn: &sea_orm::DatabaseTransaction, id: i64) -> Result<raw_delivery::Model, ActionError> {
    let mut query = raw_delivery::Entity::find_by_id(id);
    if sea_orm::ConnectionTrait::get_database_backend(txn) == sea_orm::DbBackend::Postgres {
        query = sea_orm::QuerySelect::lock_exclusive(query);
    }
    query.one(txn).await?.ok_or(ActionError::NoSuchDelivery)
}

/// Takes a quarantined delivery out of the quarantine. It stays in the raw archive, marked
/// `discarded`, so nothing is lost.
pub async fn discard(pipeline: &Pipeline, id: i64, actor: &str) -> Result<(), ActionError> {
    let txn = pipeline.writer().begin().await?;
    let raw = quarantined_row(&txn, id).await?;
    if raw.outcome != Outcome::Quarantined {
        return Err(ActionError::NotQuarantined(id));
    }
    let mut row: raw_delivery::ActiveModel = raw.into();
    row.outcome = Set(Outcome::Discarded);
    row.update(&txn).await?;
    record(&txn, actor, AuditAction::DiscardDelivery, &format!("delivery #{id}"), None).await?;
    txn.commit().await?;
    Ok(())
}
