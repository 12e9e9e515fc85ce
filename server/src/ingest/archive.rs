//! The raw archive, the source of truth: the row of each delivery as it arrived, with the
//! outcome it got (`raw_row`), and the rows of deliveries kept in the quarantine
//! (`quarantined_row`, `quarantine`). The raw delivery is written whatever the parse gives:
//! a body that does not parse is kept as `quarantined`, with the error, for staff to see
//! and re-process.
use super::dictionaries::Dictionaries;
use super::input::{parse_input, IngestError, RawInput};
use super::raw_body::{insert_statement, PackedBody};
use crate::carriers::{Adapters, ParseError};
use crate::db::Writer;
use crate::domain::{storable_text, NormalizedDelivery};
use crate::entity::raw_delivery;
use app::outcome::Outcome;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

/// The archived row of one delivery, as it arrived, with the outcome its parse gives; its
/// body is stored as `body` (packed from the input's), which the caller stores beside it.
pub fn raw_row(
    input: &RawInput,
    body: &PackedBody,
    parsed: &Result<NormalizedDelivery, ParseError>,
    tracking_number: Option<String>,
) -> raw_delivery::ActiveModel {
    raw_delivery::ActiveModel {
        carrier: Set(input.carrier),
        origin: Set(input.origin),
        received_at: Set(input.received_at),
        headers: Set(input.headers.to_string()),
        content_type: Set(input.content_type.as_deref().map(storable_header)),
        body: Set(Vec::new()),
        body_sha256: Set(Some(body.sha256.clone())),
        body_size: Set(Some(body.size)),
        pod_file: Set(input.pod.as_ref().map(|p| serde_json::to_string(p).unwrap_or_default())),
        outcome: Set(outcome_of(parsed, false)),
        error: Set(parsed.as_ref().err().map(|e| storable_error(&e.to_string()))),
        tracking_number: Set(tracking_number),
        ..Default::default()
    }
}

/// Keeps a delivery whose envelope could not even be read (e.g. broken multipart), or whose
/// file was refused, in the quarantine, with the reason, so that nothing a carrier sent is
/// lost from view; staff re-process it (the status without the file) or discard it.
pub async fn quarantine(
    writer: &Writer,
    adapters: &Adapters,
    dictionaries: &Dictionaries,
    input: RawInput,
    reason: &str,
) -> Result<(), IngestError> {
    let (_, tracking_number, body) = parse_input(adapters, dictionaries, &input);
    let txn = writer.begin().await?;
    if let Some(statement) = insert_statement(txn.get_database_backend(), &[&body]) {
        txn.execute(statement).await?;
    }
    quarantined_row(&input, &body, tracking_number, reason).insert(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// How the reason of a delivery held in the quarantine for staff begins: one that parses
/// but was kept for another reason (its file was refused, its envelope was broken, the
/// database refused it). `waybill replay` leaves these as they are; only staff apply or
/// discard them. (A body that did not parse is re-parsed by replay, so that fixing a
/// setting such as the KeyDelivery offset brings it in.)
pub const HELD_FOR_STAFF: &str = "held for staff: ";

/// The archived row of a delivery held in the quarantine for `reason`.
pub fn quarantined_row(input: &RawInput, body: &PackedBody, tracking_number: Option<String>, reason: &str) -> raw_delivery::ActiveModel {
    let mut row = raw_row(input, body, &Err(ParseError::new("", "")), tracking_number);
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
pub fn outcome_of<T>(parsed: &Result<T, ParseError>, duplicate: bool) -> Outcome {
    match (parsed, duplicate) {
        (Err(_), _) => Outcome::Quarantined,
        (Ok(_), true) => Outcome::Duplicate,
        (Ok(_), false) => Outcome::Applied,
    }
}
