//! The pieces of ingest shared by the commit queue (`group_commit`) and the batch write
//! (`write_together`): what an authenticated delivery is (`RawInput`), its pure parse
//! (`parse_input`) and its archived row (`raw_row`, `quarantined_row`). The raw delivery is
//! written whatever the parse gives: a body that does not parse is kept as `quarantined`,
//! with the error, for staff to see and re-process.
use crate::carriers::{Adapters, ParseError};
use crate::domain::{storable_text, Carrier, NormalizedDelivery, Origin};
use crate::entity::raw_delivery;
use crate::storage::StoredPod;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, Set};
use std::sync::Arc;
use tokio::sync::Mutex;

/// One delivery as it arrived, after authentication.
#[derive(Clone, Debug)]
pub struct RawInput {
    pub carrier: Carrier,
    /// A carrier's webhook or a staff action: set by the route, it chooses the parser.
    pub origin: Origin,
    pub received_at: DateTime<Utc>,
    /// The headers worth keeping, secrets already removed, as a JSON object.
    pub headers: serde_json::Value,
    pub content_type: Option<String>,
    /// The bytes the carrier's adapter parses.
    pub body: Bytes,
    /// A file already streamed to the object store with this delivery.
    pub pod: Option<StoredPod>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IngestOutcome {
    Stored { tracking_number: String, duplicate: bool },
    Quarantined { error: ParseError },
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The database refused or is unreachable: nothing was committed, the carrier retries.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// The commit of the group this delivery was in failed: nothing of it was committed.
    #[error("database error in a group commit: {0}")]
    GroupFailed(Arc<DbErr>),
    /// The writer is gone (the server is shutting down).
    #[error("the ingest writer has stopped")]
    WriterStopped,
}

/// Serializes writers on SQLite, where only one write transaction can run at a time and
/// a waiting writer would otherwise fail with "database is locked". PostgreSQL needs no
/// gate: row locks and unique keys keep concurrent applies correct.
#[derive(Clone, Debug, Default)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    pub fn for_connection(db: &DatabaseConnection) -> Self {
        Self(crate::db::is_sqlite(db).then(|| Arc::new(Mutex::new(()))))
    }

    pub async fn enter(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.0 {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }
}

/// The ingest pipeline with what it needs: the database, the SQLite write gate and the
/// configured carrier adapters.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub db: DatabaseConnection,
    pub gate: WriteGate,
    pub adapters: Adapters,
    queue: super::group_commit::CommitQueue,
}

impl Pipeline {
    /// Starts the group commit writers (needs a Tokio runtime).
    pub fn new(db: DatabaseConnection, adapters: Adapters) -> Self {
        let gate = WriteGate::for_connection(&db);
        let writers = if crate::db::is_sqlite(&db) { 1 } else { 4 };
        let queue = super::group_commit::CommitQueue::start(db.clone(), gate.clone(), adapters.clone(), writers);
        Self { gate, db, adapters, queue }
    }

    /// Runs the pipeline for one delivery, committed together with whatever else arrives at
    /// the same time (see `group_commit`); returns after the commit.
    pub async fn ingest(&self, input: RawInput) -> Result<IngestOutcome, IngestError> {
        self.queue.ingest(input).await
    }

    /// How many commits the group commit made for how many deliveries.
    pub fn commit_stats(&self) -> &super::group_commit::CommitStats {
        self.queue.stats()
    }

    /// Keeps an unreadable delivery; see [`quarantine`].
    pub async fn quarantine(&self, input: RawInput, reason: &str) -> Result<(), IngestError> {
        quarantine(&self.db, &self.gate, &self.adapters, input, reason).await
    }
}

/// Parses one delivery (pure) and finds its tracking number, even for a body that does not
/// parse, so a quarantined delivery is still tied to its parcel.
pub(super) fn parse_input(adapters: &Adapters, input: &RawInput) -> (Result<NormalizedDelivery, ParseError>, Option<String>) {
    let parsed = super::parse_delivery(adapters, input.carrier, input.origin, &input.body, input.received_at);
    let tracking_number = match &parsed {
        Ok(delivery) => Some(delivery.tracking_number.to_string()),
        // Only a valid tracking number (so never a character a database refuses).
        Err(_) => adapters.get(input.carrier).identify(&input.body),
    };
    (parsed, tracking_number)
}

/// The archived row of one delivery, as it arrived, with the outcome its parse gives.
pub(super) fn raw_row(
    input: &RawInput,
    parsed: &Result<NormalizedDelivery, ParseError>,
    tracking_number: Option<String>,
) -> raw_delivery::ActiveModel {
    raw_delivery::ActiveModel {
        carrier: Set(input.carrier.as_str().to_string()),
        origin: Set(input.origin),
        received_at: Set(input.received_at),
        headers: Set(input.headers.to_string()),
        content_type: Set(input.content_type.as_deref().map(storable_header)),
        body: Set(input.body.to_vec()),
        pod_file: Set(input.pod.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default())),
        outcome: Set(outcome_name(parsed, false).to_string()),
        error: Set(parsed.as_ref().err().map(|e| storable_error(&e.to_string()))),
        tracking_number: Set(tracking_number),
        ..Default::default()
    }
}

/// Keeps a delivery whose envelope could not even be read (e.g. broken multipart), or whose
/// file was refused, in the quarantine, with the reason, so that nothing a carrier sent is
/// lost from view; staff re-process it (the status without the file) or discard it.
pub async fn quarantine(
    db: &DatabaseConnection,
    gate: &WriteGate,
    adapters: &Adapters,
    input: RawInput,
    reason: &str,
) -> Result<(), IngestError> {
    let tracking_number = parse_input(adapters, &input).1;
    let _turn = gate.enter().await;
    quarantined_row(&input, tracking_number, reason).insert(db).await?;
    Ok(())
}

/// How the reason of a delivery held in the quarantine for staff begins: one that parses
/// but was kept for another reason (its file was refused, its envelope was broken, the
/// database refused it). `waybill replay` leaves these as they are; only staff apply or
/// discard them. (A body that did not parse is re-parsed by replay, so that fixing a
/// setting such as the KeyDelivery offset brings it in.)
pub const HELD_FOR_STAFF: &str = "held for staff: ";

/// The archived row of a delivery held in the quarantine for `reason`.
pub(super) fn quarantined_row(input: &RawInput, tracking_number: Option<String>, reason: &str) -> raw_delivery::ActiveModel {
    let mut row = raw_row(input, &Err(ParseError::new("", "")), tracking_number);
    row.error = Set(Some(storable_error(&format!("{HELD_FOR_STAFF}{reason}"))));
    row
}

/// A content type as the archive keeps it (a header value is visible ASCII already; this
/// bounds it).
fn storable_header(value: &str) -> String {
    storable_text(value, 512, false)
}

/// An error text as the archive keeps it: a parse error may quote the body's own text.
pub fn storable_error(text: &str) -> String {
    storable_text(text, crate::domain::MAX_TEXT_CHARS, true)
}

/// The `outcome` column's value.
pub fn outcome_name<T>(parsed: &Result<T, ParseError>, duplicate: bool) -> &'static str {
    match (parsed, duplicate) {
        (Err(_), _) => "quarantined",
        (Ok(_), true) => "duplicate",
        (Ok(_), false) => "applied",
    }
}
