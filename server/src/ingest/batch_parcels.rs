//! The parcels of a commit batch, found or created for the whole batch at once (see
//! `apply_distinct`), in the batch's first hand-off to the database together with the
//! caller's `lead` statement (the raw deliveries' ids).
//!
//! SQLite (one writer): the missing parcels are inserted and all of them read back in one
//! SQL text, with the POD entries the parcels already have, so that a carrier repeating
//! its proof of delivery in every update (Uber does) costs no insert that would change
//! nothing. PostgreSQL (several writers): found first, locked in one global order, then the missing ones created, and any that another writer
//! created meanwhile read back.
use super::hand_off::query_in_one_hand_off;
use super::parcel_json::{self, packed_parcels, PACKED_PARCELS};
use crate::db::json_rows::unpack;
use crate::domain::new_share_token;
use crate::domain::{Carrier, NormalizedDelivery, TrackingStatus};
use crate::entity::{parcel, share_link};
use crate::queries::{known_pods, KNOWN_POD};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, QueryTrait, Select, Set, Statement,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The name of the column that reads the largest parcel id before a batch's insert.
const PARCELS_BEFORE: &str = "parcels_before";

/// A parcel's carrier and tracking number.
pub type ParcelKey = (Carrier, String);

pub fn key_of(delivery: &NormalizedDelivery) -> ParcelKey {
    (delivery.carrier, delivery.tracking_number.as_str().to_string())
}

/// The batch's parcels, in the order asked for, each with whether this batch created it;
/// the insert of the new parcels' share links, for the caller to send with its next
/// statements; and the POD entries, as (parcel id, sha256), the parcels had before the
/// batch (SQLite only; empty on PostgreSQL). They are read in the batch's own write
/// transaction, which on SQLite no other writer can interleave with, so an entry known
/// here is still there when the batch inserts: leaving it out is exactly what the
/// insert's `ON CONFLICT DO NOTHING` would have done.
pub struct BatchParcels {
    pub parcels: Vec<(parcel::Model, bool)>,
    pub share_links: Vec<Statement>,
    pub known_pods: HashSet<(i64, String)>,
}

/// Finds or creates the parcel of each of `wanted` (no key twice; the time is when its
/// delivery arrived), running `lead` (if any) first; returns the parcels and the rows of `lead`.
pub async fn find_or_create(
    txn: &DatabaseTransaction,
    wanted: &[(ParcelKey, DateTime<Utc>)],
    lead: Option<Statement>,
) -> Result<(BatchParcels, Vec<QueryResult>), DbErr> {
    let backend = txn.get_database_backend();
    let keys: Vec<ParcelKey> = wanted.iter().map(|w| w.0.clone()).collect();
    let mut found = HashMap::new();
    let mut created = HashSet::new();
    let mut known = HashSet::new();
    let mut lead_rows = Vec::new();
    if backend == DbBackend::Sqlite {
        let mut statements: Vec<Statement> = lead.into_iter().collect();
        // The parcels created are those past the largest id before the insert (ids only
        // grow, and this writer is the only one): one row, where `RETURNING` gives a row,
        // and a thread wake-up, per new parcel.
        let mut before = i64::MAX;
        if !wanted.is_empty() {
            statements.push(Statement::from_string(backend, format!("SELECT COALESCE(MAX(id), 0) AS {PARCELS_BEFORE} FROM parcel")));
            statements.push(backend.build(&new_parcels(wanted.iter()).into_query()));
            statements.push(packed_parcels(find_parcels(&keys, backend)).build(backend));
            let ids = find_parcels(&keys, backend).select_only().column(parcel::Column::Id).into_query();
            statements.push(known_pods(backend, ids));
        }
        // The largest id before, the parcels and the known POD entries come back as one row
        // each (the last two packed, see `db::json_rows`), told apart by their column's name; the
        // lead's rows as rows of one column.
        for row in query_in_one_hand_off(txn, statements).await? {
            match row.column_names().as_slice() {
                [only] if only == PARCELS_BEFORE => before = row.try_get_by_index::<i64>(0)?,
                [only] if only == PACKED_PARCELS => {
                    for columns in unpack::<Vec<serde_json::Value>>(Some(&row))? {
                        let parcel = parcel_json::model(&columns)?;
                        found.insert((parcel.carrier, parcel.tracking_number.clone()), parcel);
                    }
                }
                [only] if only == KNOWN_POD => known.extend(unpack::<(i64, String)>(Some(&row))?),
                [_] => lead_rows.push(row),
                _ => return Err(DbErr::Custom(format!("unexpected row in a batch's first hand-off: {:?}", row.column_names()))),
            }
        }
        created.extend(found.values().map(|p| p.id).filter(|&id| id > before));
    } else {
        if let Some(lead) = lead {
            lead_rows = txn.query_all(lead).await?;
        }
        found = read(txn, &keys).await?;
        let missing: Vec<&(ParcelKey, DateTime<Utc>)> = wanted.iter().filter(|w| !found.contains_key(&w.0)).collect();
        if !missing.is_empty() {
            let mut insert = new_parcels(missing.iter().copied()).into_query();
            insert.returning_all();
            for row in txn.query_all(backend.build(&insert)).await? {
                let parcel = parcel::Model::from_query_result(&row, "")?;
                created.insert(parcel.id);
                found.insert((parcel.carrier, parcel.tracking_number.clone()), parcel);
            }
            // Another writer created some meanwhile; read them, locked.
            let raced: Vec<ParcelKey> = missing.iter().map(|w| w.0.clone()).filter(|k| !found.contains_key(k)).collect();
            if !raced.is_empty() {
                found.extend(read(txn, &raced).await?);
            }
        }
    }

    let links: Vec<_> = wanted
        .iter()
        .filter_map(|(key, received_at)| {
            let parcel = found.get(key).filter(|p| created.contains(&p.id))?;
            Some(share_link::ActiveModel {
                parcel_id: Set(parcel.id),
                token: Set(new_share_token()),
                created_at: Set(*received_at),
                ..Default::default()
            })
        })
        .collect();
    let share_links = if links.is_empty() { Vec::new() } else { vec![backend.build(&share_link::Entity::insert_many(links).into_query())] };
    let parcels = keys
        .iter()
        .map(|key| {
            let parcel = found.get(key).cloned().ok_or_else(|| DbErr::RecordNotFound(format!("parcel {}/{}", key.0, key.1)))?;
            let created = created.contains(&parcel.id);
            Ok((parcel, created))
        })
        .collect::<Result<_, DbErr>>()?;
    Ok((BatchParcels { parcels, share_links, known_pods: known }, lead_rows))
}

/// The insert of new parcels for `wanted`, skipping any that exist, in key order: on
/// PostgreSQL each row inserted holds its unique-index entry until commit, so two batches
/// inserting the same new parcels in their own orders could each wait for the other
/// (`crossing_locks.rs` shows it). Sorted, every writer takes them in the same order.
fn new_parcels<'a>(wanted: impl Iterator<Item = &'a (ParcelKey, DateTime<Utc>)>) -> sea_orm::Insert<parcel::ActiveModel> {
    let mut wanted: Vec<_> = wanted.collect();
    wanted.sort_by(|((a, x), _), ((b, y), _)| (a.as_str(), x).cmp(&(b.as_str(), y)));
    let rows = wanted.into_iter().map(|((carrier, number), received_at)| parcel::ActiveModel {
        carrier: Set(*carrier),
        tracking_number: Set(number.clone()),
        status: Set(TrackingStatus::Unknown),
        created_at: Set(*received_at),
        updated_at: Set(*received_at),
        ..Default::default()
    });
    let conflict = OnConflict::columns([parcel::Column::Carrier, parcel::Column::TrackingNumber]).do_nothing().to_owned();
    parcel::Entity::insert_many(rows).on_conflict(conflict)
}

/// The parcels with these keys; on PostgreSQL locked, in one global order, so that the
/// status recompute sees every committed event and writers do not deadlock.
fn find_parcels(keys: &[ParcelKey], backend: DbBackend) -> Select<parcel::Entity> {
    let mut by_carrier: BTreeMap<&str, (Carrier, Vec<&str>)> = BTreeMap::new();
    for (carrier, number) in keys {
        by_carrier.entry(carrier.as_str()).or_insert_with(|| (*carrier, Vec::new())).1.push(number);
    }
    let mut condition = Condition::any();
    for (carrier, numbers) in by_carrier.into_values() {
        condition = condition.add(parcel::Column::Carrier.eq(carrier).and(parcel::Column::TrackingNumber.is_in(numbers)));
    }
    let query = parcel::Entity::find().filter(condition);
    if backend == DbBackend::Postgres {
        return query.order_by_asc(parcel::Column::Carrier).order_by_asc(parcel::Column::TrackingNumber).lock_exclusive();
    }
    query
}

async fn read(txn: &DatabaseTransaction, keys: &[ParcelKey]) -> Result<HashMap<ParcelKey, parcel::Model>, DbErr> {
    let parcels = find_parcels(keys, txn.get_database_backend()).all(txn).await?;
    Ok(parcels.into_iter().map(|p| ((p.carrier, p.tracking_number.clone()), p)).collect())
}
