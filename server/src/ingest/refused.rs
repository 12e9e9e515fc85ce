//! Deliveries the database refuses: a value it cannot store, a constraint it will not
//! break (see `db::is_permanent`). A retry would fail the same way forever, so such a
//! delivery is archived as `quarantined` with the database's reason, for staff to re-process
//! once the cause is gone, and the carrier is told so (`400`), not asked to retry (`503`).
//! This file is live ingest's side of it (`keep_refused`, called by the batch commit's
//! per-delivery retry); replay and staff re-processing meet the same refusal in
//! `reapply::apply_refusable`, which rolls the delivery's savepoint back and reports it as a
//! parse error with the database's reason.
use super::archive::quarantined_row;
use super::input::{IngestError, IngestOutcome, RawInput};
use super::raw_body::{insert_statement, PackedBody};
use crate::carriers::ParseError;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbErr, TransactionTrait};

/// What the carrier is told about a delivery the database refused; the database's own
/// words go to the quarantine, for staff, not to the carrier.
pub const REFUSED_BY_DATABASE: &str = "could not be applied and is kept in the quarantine for staff to re-process";

/// Archives a delivery the database refused as `quarantined`, in a savepoint of its own.
pub(super) async fn keep_refused(
    txn: &DatabaseTransaction,
    input: &RawInput,
    body: &PackedBody,
    tracking_number: Option<String>,
    error: &DbErr,
) -> Result<IngestOutcome, IngestError> {
    tracing::warn!(carrier = %input.carrier, %error, "the database refused a delivery; it is kept in the quarantine");
    let savepoint = txn.begin().await?;
    // The body may be what the database refused; it is stored once here or not at all.
    if let Some(statement) = insert_statement(txn.get_database_backend(), &[body]) {
        if let Err(error) = savepoint.execute(statement).await {
            savepoint.rollback().await?;
            return Err(IngestError::Database(error));
        }
    }
    match quarantined_row(input, body, tracking_number, &format!("the database refused it: {error}")).insert(&savepoint).await {
        Ok(_) => {
            savepoint.commit().await?;
            Ok(IngestOutcome::Quarantined { error: ParseError::new("delivery", REFUSED_BY_DATABASE) })
        }
        Err(error) => {
            savepoint.rollback().await?;
            Err(IngestError::Database(error))
        }
    }
}
