//! Applies a batch of deliveries, each about a different parcel, with a handful of
//! multi-row statements for the whole batch — upsert events, references, POD entries and
//! courier positions, read the statuses, update the parcels (the parcels themselves are
//! found or created by `batch_parcels`) — instead of several statements per delivery. The
//! single SQLite writer spends its time on hand-offs to the database thread, so statements
//! that do not need each other's results go in one hand-off (`hand_off`): a batch of
//! courier pings takes six hand-offs, however many pings it holds.
//!
//! No two deliveries here share a parcel (`apply_batch` puts a parcel's later deliveries in
//! later rounds), so their order does not matter; a delivery's own repeats are reduced
//! first the way one upsert each would keep them.
//!
//! Each delivery that changed its parcel also leaves its transitions for the outbox
//! (`told`, then `crate::outbox`), written with the parcels' new state.
use super::apply_extras::{merge_courier, merge_eta, merge_route, trim_trail};
use super::batch_parcels::BatchParcels;
use super::current_status::{of_first_events, set_status, CurrentStatus};
use super::hand_off::query_in_one_hand_off;
use super::rows;
use super::told;
use super::transitions::AddedPod;
use crate::db::json_rows;
use crate::domain::{NormalizedDelivery, TrackingStatus};
use crate::entity::{courier_position, parcel, parcel_reference, pod_file, tracking_event};
use crate::storage::StoredPod;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, Iterable, QueryTrait, Statement};
use std::collections::{HashMap, HashSet};

/// One archived delivery of the batch.
pub struct DistinctDelivery<'a> {
    pub raw_id: i64,
    pub delivery: &'a NormalizedDelivery,
    pub pod: Option<&'a StoredPod>,
    pub received_at: DateTime<Utc>,
}

/// Rows per multi-row insert: at most 21 columns each, well under either database's limit
/// on bound parameters (32,766 on SQLite, 65,535 on PostgreSQL).
const ROWS_PER_INSERT: usize = 1000;

/// What applying a batch left: for each delivery, whether it changed nothing; and the
/// statements that write the parcels' new state and its outbox rows, which the caller sends together with the
/// archive of the raw deliveries (no other delivery of the batch is about these parcels).
pub struct AppliedGroup {
    pub duplicates: Vec<bool>,
    pub parcel_updates: Vec<Statement>,
    /// The parcels a delivery of the group changed.
    pub changed: Vec<i64>,
}

/// Applies `items`, no two about the same parcel, to their parcels as `find_or_create`
/// found them (same order). Hand-offs to the database: upsert the events together with
/// reading the courier trails' ends, then references, POD entries, courier positions and
/// share links together; statuses are read only for parcels that had events before.
pub async fn apply_distinct(txn: &DatabaseTransaction, items: &[DistinctDelivery<'_>], found: BatchParcels) -> Result<AppliedGroup, DbErr> {
    if items.is_empty() {
        return Ok(AppliedGroup { duplicates: Vec::new(), parcel_updates: Vec::new(), changed: Vec::new() });
    }
    let backend = txn.get_database_backend();
    let BatchParcels { parcels, share_links, known_pods } = found;
    let ids: Vec<i64> = parcels.iter().map(|(p, _)| p.id).collect();

    // Every event of a parcel this batch created is new; only the others' events are read
    // back (`RETURNING`) to learn which parcels they changed.
    let events_of = |created: bool| {
        items.iter().zip(&parcels).filter(move |(_, (_, c))| *c == created).flat_map(|(item, (p, _))| {
            rows::earliest_per_key(&item.delivery.events)
                .into_iter()
                .map(move |e| rows::event_row(p.id, Some(item.raw_id), item.delivery, e, item.received_at))
        })
    };
    let new_parcel_events: Vec<_> = events_of(true).collect();
    let mut events_changed: HashSet<i64> = new_parcel_events.iter().filter_map(|e| e.parcel_id.clone().take()).collect();
    let pings: Vec<Ping> = items
        .iter()
        .zip(&ids)
        .filter_map(|(item, &id)| item.delivery.courier.as_ref().and_then(|c| Some((id, c.as_of, c.position?))))
        .collect();
    // The pings' trail ends and the positions already stored come first, a packed row each
    // (`db::json_rows`); the rows after them are the other parcels whose events changed.
    let mut first = Vec::new();
    if !pings.is_empty() {
        first.push(crate::queries::trail_ends(backend, pings.iter().map(|p| p.0)));
        let at: Vec<(i64, DateTime<Utc>)> = pings.iter().map(|p| (p.0, p.1)).collect();
        first.push(crate::queries::stored_positions(backend, &at));
    }
    first.extend(inserts_returning::<tracking_event::Entity>(backend, new_parcel_events, rows::keep_earliest(), &[]));
    first.extend(inserts_returning::<tracking_event::Entity>(
        backend,
        events_of(false).collect(),
        rows::keep_earliest(),
        &[tracking_event::Column::ParcelId],
    ));
    let answers = query_in_one_hand_off(txn, first).await?;
    let mut answers = answers.iter();
    // For each parcel with a ping: the oldest position shown, and whether the trail is due a trim.
    let mut tails: HashMap<i64, (Option<DateTime<Utc>>, bool)> = HashMap::new();
    let mut stored = HashSet::new();
    if !pings.is_empty() {
        for (id, oldest, beyond) in json_rows::unpack::<(i64, Option<String>, serde_json::Value)>(answers.next())? {
            tails.insert(id, (json_rows::time(oldest.as_deref())?, json_rows::truth(&beyond)));
        }
        stored.extend(json_rows::unpack::<(i64,)>(answers.next())?.into_iter().map(|(id,)| id));
    }
    for row in answers {
        events_changed.insert(row.try_get_by_index::<i64>(0)?);
    }
    // Staff voids (rare): a statement each, once the events are in.
    for (item, &id) in items.iter().zip(&ids) {
        for void in &item.delivery.voids {
            if super::void::void_event(txn, id, void, item.delivery.recorded_by.as_deref(), item.received_at).await? {
                events_changed.insert(id);
            }
        }
    }

    let references = items.iter().zip(&ids).flat_map(|(item, &id)| {
        let unique: HashSet<&String> = item.delivery.references.iter().collect();
        unique.into_iter().map(move |r| rows::reference_row(id, r))
    });
    // Entries the parcel already has are left out before their rows are built: their
    // inserts would change nothing (see `BatchParcels::known_pods`), and Uber repeats its
    // proofs in every ping. Then one row per (parcel, sha256): a statement must not meet its
    // own row twice.
    let known = &known_pods;
    let pods = items.iter().zip(&ids).flat_map(|(item, &id)| {
        let remote = item
            .delivery
            .remote_pods
            .iter()
            .filter(move |p| !known.contains(&(id, rows::remote_pod_sha256(p))))
            .map(move |p| rows::remote_pod_row(id, Some(item.raw_id), item.delivery, p, item.received_at));
        let uploaded = item
            .pod
            .filter(|p| !known.contains(&(id, p.sha256.clone())))
            .map(|p| rows::uploaded_pod_row(id, Some(item.raw_id), item.delivery, p, item.received_at));
        let mut seen = HashSet::new();
        remote.chain(uploaded).filter(move |row| match &row.sha256 {
            sea_orm::ActiveValue::Set(sha256) => seen.insert(sha256.clone()),
            _ => true,
        })
    });
    let pods: Vec<pod_file::ActiveModel> = pods.collect();
    let mut added_pods: HashMap<i64, Vec<AddedPod>> = HashMap::new();
    for (parcel_id, pod) in pods.iter().filter_map(told::added_pod) {
        added_pods.entry(parcel_id).or_default().push(pod);
    }
    // A ping older than the whole trail shown is not kept (as in `apply_courier`), nor one
    // stored already: the others are added, and their trails grow.
    let added: Vec<&Ping> = pings
        .iter()
        .filter(|(id, as_of, _)| !stored.contains(id) && !tails.get(id).and_then(|t| t.0).is_some_and(|oldest| *as_of <= oldest))
        .collect();
    let trails_grew: HashSet<i64> = added.iter().map(|p| p.0).collect();
    let positions: Vec<_> = added.iter().map(|&&(id, as_of, position)| rows::position_row(id, as_of, position)).collect();
    let mut extras = inserts_returning::<parcel_reference::Entity>(
        backend,
        references.collect(),
        rows::reference_conflict(),
        &[parcel_reference::Column::ParcelId],
    );
    extras.extend(inserts_returning::<pod_file::Entity>(backend, pods, rows::pod_conflict(), &[pod_file::Column::ParcelId]));
    extras.extend(inserts_returning::<courier_position::Entity>(backend, positions, rows::position_conflict(), &[]));
    extras.extend(share_links);
    let mut extras_changed = trails_grew.clone();
    for row in query_in_one_hand_off(txn, extras).await? {
        extras_changed.insert(row.try_get_by_index::<i64>(0)?);
    }
    // A trail of twice the length shown is trimmed (rare: once per TRAIL_LENGTH pings).
    for id in trails_grew {
        if tails.get(&id).is_some_and(|t| t.1) {
            trim_trail(txn, id).await?;
        }
    }

    let statuses = current_statuses(txn, items, &parcels, &events_changed).await?;
    let mut updates = Vec::new();
    let mut duplicates = Vec::with_capacity(items.len());
    let mut changed = Vec::new();
    let mut to_tell = Vec::new();
    for ((item, (parcel, _)), status) in items.iter().zip(&parcels).zip(statuses) {
        let mut update: parcel::ActiveModel = parcel.clone().into();
        let parcel_changed = merge_eta(&mut update, parcel, item.delivery.eta.as_ref())
            | merge_courier(&mut update, parcel, item.delivery.courier.as_ref())
            | merge_route(&mut update, parcel, item.delivery.route.as_ref());
        let events_changed = events_changed.contains(&parcel.id);
        if let Some(current) = status {
            set_status(&mut update, current);
        }
        let duplicate = !(events_changed || parcel_changed || extras_changed.contains(&parcel.id));
        if !duplicate {
            changed.push(parcel.id);
            // What it changed, for the outbox (a transition is told once, whichever
            // delivery brings it).
            let after = told::state_after(parcel, &update);
            let pods = added_pods.remove(&parcel.id).unwrap_or_default();
            to_tell.push(told::Change { before: parcel, after, pods, received_at: item.received_at });
        }
        if events_changed || parcel_changed {
            updates.push(update);
        }
        duplicates.push(duplicate);
    }
    let mut parcel_updates = update_parcels(backend, updates);
    parcel_updates.extend(crate::outbox::statements(backend, told::events_of(txn, &to_tell).await?, Utc::now()));
    Ok(AppliedGroup { duplicates, parcel_updates, changed })
}

/// A courier ping of the batch: parcel, time, position.
type Ping = (i64, DateTime<Utc>, crate::domain::Position);

/// Inserts of `rows` (skipping or updating on `conflict`), in chunks, that return `columns`
/// (the parcel first) of each row the database actually inserted or updated; with no
/// columns they return nothing. No statement for no rows.
fn inserts_returning<E>(backend: DbBackend, mut rows: Vec<E::ActiveModel>, conflict: OnConflict, columns: &[E::Column]) -> Vec<Statement>
where
    E: EntityTrait,
{
    let mut statements = Vec::new();
    while !rows.is_empty() {
        let chunk: Vec<_> = rows.drain(..rows.len().min(ROWS_PER_INSERT)).collect();
        let mut insert = E::insert_many(chunk).on_conflict(conflict.clone()).into_query();
        if !columns.is_empty() {
            insert.returning(Query::returning().columns(columns.iter().copied()));
        }
        statements.push(backend.build(&insert));
    }
    statements
}

/// The status each parcel whose events changed now has: worked out in memory for a parcel
/// this batch created, read with one query for the others (same order as `stored_status`).
async fn current_statuses(
    txn: &DatabaseTransaction,
    items: &[DistinctDelivery<'_>],
    parcels: &[(parcel::Model, bool)],
    events_changed: &HashSet<i64>,
) -> Result<Vec<Option<CurrentStatus>>, DbErr> {
    let mut statuses: Vec<Option<CurrentStatus>> = items
        .iter()
        .zip(parcels)
        .map(|(item, (p, created))| {
            let only_its_own_events = *created && item.delivery.voids.is_empty();
            if only_its_own_events && events_changed.contains(&p.id) {
                of_first_events(&item.delivery.events)
            } else {
                None
            }
        })
        .collect();
    let ask: Vec<i64> =
        parcels.iter().zip(&statuses).filter(|((p, _), s)| events_changed.contains(&p.id) && s.is_none()).map(|((p, _), _)| p.id).collect();
    if ask.is_empty() {
        return Ok(statuses);
    }
    let sql = crate::queries::current_statuses(txn.get_database_backend(), ask);
    let mut read: HashMap<i64, CurrentStatus> = HashMap::new();
    for row in txn.query_all(sql).await? {
        let status: Option<String> = row.try_get_by_index(2)?;
        let substatus: Option<String> = row.try_get_by_index(3)?;
        let at: Option<DateTime<Utc>> = row.try_get_by_index(4)?;
        let status =
            status.zip(at).map(|(s, at)| (TrackingStatus::parse(&s).unwrap_or(TrackingStatus::Unknown), substatus.unwrap_or_default(), at));
        read.insert(row.try_get_by_index(0)?, CurrentStatus { status, latest: row.try_get_by_index(1)? });
    }
    for ((p, _), status) in parcels.iter().zip(statuses.iter_mut()) {
        if status.is_none() {
            *status = read.remove(&p.id);
        }
    }
    Ok(statuses)
}

/// The statements that write the changed parcels: inserts of rows that all exist, whose
/// conflict on the id updates every column a delivery can change. A parcel's identity
/// (carrier, tracking number) and creation time are left out: SQLite rewrites the entries
/// of every index on a column an update sets, changed or not, and two indexes are on the
/// identity.
fn update_parcels(backend: DbBackend, mut updates: Vec<parcel::ActiveModel>) -> Vec<Statement> {
    use parcel::Column as C;
    let columns: Vec<C> = C::iter().filter(|c| !matches!(c, C::Id | C::Carrier | C::TrackingNumber | C::CreatedAt)).collect();
    let mut statements = Vec::new();
    while !updates.is_empty() {
        let chunk: Vec<_> = updates.drain(..updates.len().min(ROWS_PER_INSERT)).collect();
        let conflict = OnConflict::column(parcel::Column::Id).update_columns(columns.clone()).to_owned();
        statements.push(backend.build(&parcel::Entity::insert_many(chunk).on_conflict(conflict).into_query()));
    }
    statements
}
