//! A batch of deliveries as they arrived, written in one transaction with as few
//! statements as the work allows: applied by the one write path (`apply_batch`), and every
//! raw delivery archived, with the outcome it got, by one multi-row insert; then the views
//! of the parcels it changed (`public_view`). The raw
//! deliveries' ids are handed out in the batch's first hand-off to the database, so that
//! events can name the delivery that brought them before its row is written.
//!
//! Any failure fails the whole attempt; `commit_queue` then writes the batch again one
//! delivery at a time (each in a savepoint, through this same function), so that only the
//! failing delivery gets the error.
use super::apply_batch::{apply_batch, BatchDelivery};
use super::archive::{outcome_of, raw_row};
use super::hand_off::execute_in_one_hand_off;
use super::input::{IngestOutcome, Parsed, RawInput};
use super::public_view::refresh;
use super::raw_body::{insert_statement, PackedBody};
use crate::changes::ParcelChange;
use crate::entity::raw_delivery;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryResult, QueryTrait, Set, Statement};

/// Raw deliveries per multi-row insert: 11 columns each, well under either database's
/// limit on bound parameters.
const RAW_ROWS_PER_INSERT: usize = 256;

/// What a written batch left: each delivery's outcome, in the order of the inputs, and what
/// it changed, for the caller to publish after its commit.
pub struct WrittenBatch {
    pub outcomes: Vec<IngestOutcome>,
    pub changes: Vec<ParcelChange>,
}

/// Writes `inputs` (parsed as `parsed`) in `order` inside `txn`, with the views of the
/// parcels it changed (other instances are told as `origin`). The caller commits.
pub async fn write_batch<'a>(
    txn: &DatabaseTransaction,
    inputs: impl Iterator<Item = &'a RawInput>,
    parsed: &[Parsed],
    order: &[usize],
    origin: &str,
) -> Result<WrittenBatch, DbErr> {
    let inputs: Vec<&RawInput> = inputs.collect();
    let backend = txn.get_database_backend();
    let applying: Vec<usize> = order.iter().copied().filter(|&i| parsed[i].0.is_ok()).collect();
    let batch: Vec<BatchDelivery> = applying
        .iter()
        .filter_map(|&i| {
            let delivery = parsed[i].0.as_ref().ok()?;
            Some(BatchDelivery { delivery, pod: inputs[i].pod.as_ref(), received_at: inputs[i].received_at })
        })
        .collect();
    // Every delivery's raw id, quarantined ones too, in the order they are archived.
    let mut raw_ids = vec![0i64; inputs.len()];
    let applied = apply_batch(txn, &batch, Some(raw_ids_query(backend, order.len())), |rows| {
        for (&i, id) in order.iter().zip(raw_ids_from(backend, rows, order.len())?) {
            raw_ids[i] = id;
        }
        Ok(applying.iter().map(|&i| raw_ids[i]).collect())
    })
    .await?;
    let mut duplicate = vec![false; inputs.len()];
    for (&i, d) in applying.iter().zip(applied.duplicates) {
        duplicate[i] = d;
    }

    // Archived last, so that each row carries its outcome (no foreign key points at it),
    // in one hand-off with the last round's parcels.
    let mut last = applied.parcel_updates;
    for chunk in order.chunks(RAW_ROWS_PER_INSERT) {
        let bodies: Vec<&PackedBody> = chunk.iter().map(|&i| &parsed[i].2).collect();
        last.extend(insert_statement(backend, &bodies));
        let rows = chunk.iter().map(|&i| {
            let mut row = raw_row(inputs[i], &parsed[i].2, &parsed[i].0, parsed[i].1.clone());
            row.id = Set(raw_ids[i]);
            row.outcome = Set(outcome_of(&parsed[i].0, duplicate[i]));
            row
        });
        last.push(backend.build(&raw_delivery::Entity::insert_many(rows).into_query()));
    }
    execute_in_one_hand_off(txn, last).await?;
    let changes = refresh(txn, &applied.changed, origin).await?;
    let outcomes = parsed
        .iter()
        .zip(duplicate)
        .map(|((parsed, _, _), duplicate)| match parsed {
            Ok(delivery) => IngestOutcome::Stored { tracking_number: delivery.tracking_number.to_string(), duplicate },
            Err(error) => IngestOutcome::Quarantined { error: error.clone() },
        })
        .collect();
    Ok(WrittenBatch { outcomes, changes })
}

/// The query for `n` fresh ids for raw deliveries, handed out before the insert so that
/// one statement can archive a whole batch and each delivery still knows its row. SQLite:
/// past the largest id ever given (the one write door makes this writer the only one);
/// PostgreSQL: from the table's own sequence, safe beside other writers.
fn raw_ids_query(backend: DbBackend, n: usize) -> Statement {
    if backend == DbBackend::Postgres {
        let sql = "SELECT nextval(pg_get_serial_sequence('raw_delivery', 'id')) AS raw_id FROM generate_series(1, $1)";
        return Statement::from_sql_and_values(backend, sql, [(n as i64).into()]);
    }
    let sql = "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'raw_delivery'), 0), \
               COALESCE((SELECT MAX(id) FROM raw_delivery), 0)) AS last_raw_id";
    Statement::from_string(backend, sql)
}

/// The `n` ids from the rows of [`raw_ids_query`].
fn raw_ids_from(backend: DbBackend, rows: &[QueryResult], n: usize) -> Result<Vec<i64>, DbErr> {
    if backend == DbBackend::Postgres {
        return rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect();
    }
    let last = match rows.first() {
        Some(row) => row.try_get_by_index::<i64>(0)?,
        None => 0,
    };
    Ok((1..=n as i64).map(|k| last + k).collect())
}
