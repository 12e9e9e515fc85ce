//! What an authenticated delivery is (`RawInput`), what ingesting it gave (`IngestOutcome`,
//! `IngestError`), and its pure parse (`parse_input`), done in the caller's task before the
//! delivery joins a batch.
use super::dictionaries::Dictionaries;
use super::raw_body::{pack, PackedBody};
use crate::carriers::{Adapters, ParseError};
use crate::domain::{Carrier, NormalizedDelivery, Origin};
use crate::storage::StoredPod;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::DbErr;
use std::sync::Arc;

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
    /// The commit of the batch this delivery was in failed: nothing of it was committed.
    #[error("database error in a batch commit: {0}")]
    GroupFailed(Arc<DbErr>),
    /// The writer is gone (the server is shutting down).
    #[error("the ingest writer has stopped")]
    WriterStopped,
}

/// A delivery as parsed, the tracking number found in it even when it did not parse, and
/// its body packed for the archive.
pub type Parsed = (Result<NormalizedDelivery, ParseError>, Option<String>, PackedBody);

/// Parses one delivery (pure) and finds its tracking number, even for a body that does not
/// parse, so a quarantined delivery is still tied to its parcel; and packs its body for the
/// archive (hashed and compressed, see `raw_body`).
pub(super) fn parse_input(adapters: &Adapters, dictionaries: &Dictionaries, input: &RawInput) -> Parsed {
    let parsed = super::parse::parse_delivery(adapters, input.carrier, input.origin, &input.body, input.received_at);
    let tracking_number = match &parsed {
        Ok(delivery) => Some(delivery.tracking_number.to_string()),
        // Only a valid tracking number (so never a character a database refuses).
        Err(_) => adapters.get(input.carrier).identify(&input.body),
    };
    (parsed, tracking_number, pack(dictionaries, input.carrier, &input.body))
}
