//! The outbox as the one write path fills it: for each delivery that changed a parcel,
//! `apply_distinct` hands the parcel before and after to [`events_of`] (which reads the
//! timelines of parcels whose status moved, for the run it reached), and the statements
//! from [`statements`] insert the transitions in the same transaction, so an event exists
//! exactly when its change committed. A transition already in the outbox (the same stable
//! id) is left as it is: replay and repeats add nothing.
//!
//! `seq` must be commit order, or a reader of `after=<cursor>` could pass over a row that
//! commits late. SQLite has one writer at a time (the write gate); on PostgreSQL the inserts
//! take a transaction-wide advisory lock first, held to the commit, so writers of events
//! take turns from there on.
use super::transitions::{status_moved, transitions, AddedPod, ParcelIdentity, ParcelState};
use crate::entity::{outbound_event, parcel, pod_file, tracking_event};
use app::model::TrackingStatus;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, Statement,
};
use std::collections::HashMap;

/// The advisory lock key of writing events (PostgreSQL): "WAYB" "ILL1".
const OUTBOX_LOCK: i64 = 0x5741_5942_494c_4c31;

/// Rows per insert: 6 bound values each.
const ROWS_PER_INSERT: usize = 1000;

/// What the outbox compares of a parcel row.
pub fn state_of(parcel: &parcel::Model) -> ParcelState {
    ParcelState {
        status: parcel.status,
        substatus: parcel.substatus.clone(),
        status_at: parcel.status_at,
        eta: parcel.eta,
        eta_from: parcel.eta_from,
        eta_until: parcel.eta_until,
        eta_as_of: parcel.eta_as_of,
    }
}

/// The same of a parcel as an update leaves it (what it does not set stays as `before`).
pub fn state_after(before: &parcel::Model, update: &parcel::ActiveModel) -> ParcelState {
    let mut state = state_of(before);
    if let Some(v) = update.status.try_as_ref() {
        state.status = *v;
    }
    let take = |value: &sea_orm::ActiveValue<Option<DateTime<Utc>>>, into: &mut Option<DateTime<Utc>>| {
        if let Some(v) = value.try_as_ref() {
            *into = *v;
        }
    };
    take(&update.status_at, &mut state.status_at);
    take(&update.eta, &mut state.eta);
    take(&update.eta_from, &mut state.eta_from);
    take(&update.eta_until, &mut state.eta_until);
    take(&update.eta_as_of, &mut state.eta_as_of);
    if let Some(v) = update.substatus.try_as_ref() {
        state.substatus = v.clone();
    }
    state
}

/// What a POD row about to be inserted tells of itself.
pub fn added_pod(row: &pod_file::ActiveModel) -> Option<(i64, AddedPod)> {
    Some((
        *row.parcel_id.try_as_ref()?,
        AddedPod {
            id: row.id.try_as_ref()?.clone(),
            sha256: row.sha256.try_as_ref()?.clone(),
            content_type: row.content_type.try_as_ref()?.clone(),
        },
    ))
}

/// One delivery's change to a parcel, as the write path saw it.
pub struct Change<'a> {
    pub before: &'a parcel::Model,
    pub after: ParcelState,
    pub pods: Vec<AddedPod>,
    pub received_at: DateTime<Utc>,
}

/// The outbox rows of `changes` (one delivery each, no two about the same parcel), read
/// inside the transaction that made them: the parcels whose status moved have their
/// timelines read (their events are written by now) for the run of the status reached.
pub async fn events_of(db: &impl ConnectionTrait, changes: &[Change<'_>]) -> Result<Vec<outbound_event::ActiveModel>, DbErr> {
    let moved: Vec<&Change> = changes.iter().filter(|c| status_moved(&state_of(c.before), &c.after)).collect();
    let runs = status_runs(db, &moved).await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for change in changes {
        let before = change.before;
        let identity = ParcelIdentity { carrier: before.carrier, tracking_number: &before.tracking_number };
        let run = runs.get(&before.id).copied().unwrap_or(1);
        for t in transitions(identity, &state_of(before), &change.after, run, &change.pods, change.received_at) {
            rows.push(outbound_event::ActiveModel {
                seq: sea_orm::ActiveValue::NotSet,
                event_id: Set(t.event_id),
                kind: Set(t.kind),
                parcel_id: Set(Some(before.id)),
                carrier: Set(Some(before.carrier)),
                created_at: Set(now),
                data: Set(t.data.to_string()),
            });
        }
    }
    Ok(rows)
}

/// For each change whose status moved: how many times its timeline (events of a known
/// status, in the order the status is decided by) has entered the status reached. A voided
/// event counts as a run of its own: the same status after it, standing again, is a new
/// run, not the one undone.
async fn status_runs(db: &impl ConnectionTrait, moved: &[&Change<'_>]) -> Result<HashMap<i64, u32>, DbErr> {
    if moved.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: HashMap<i64, (TrackingStatus, String)> =
        moved.iter().map(|c| (c.before.id, (c.after.status, c.after.substatus.clone().unwrap_or_default()))).collect();
    let timeline: Vec<(i64, TrackingStatus, String, Option<DateTime<Utc>>)> = tracking_event::Entity::find()
        .select_only()
        .columns([
            tracking_event::Column::ParcelId,
            tracking_event::Column::Status,
            tracking_event::Column::Substatus,
            tracking_event::Column::VoidedAt,
        ])
        .filter(tracking_event::Column::ParcelId.is_in(wanted.keys().copied()))
        .filter(tracking_event::Column::Status.ne(TrackingStatus::Unknown))
        .order_by_asc(tracking_event::Column::ParcelId)
        .order_by_asc(tracking_event::Column::OccurredAt)
        .order_by_asc(tracking_event::Column::StepRank)
        .order_by_asc(tracking_event::Column::DedupeKey)
        .into_tuple()
        .all(db)
        .await?;
    let mut runs: HashMap<i64, u32> = HashMap::new();
    let mut previous: Option<(i64, TrackingStatus, String, bool)> = None;
    for (parcel_id, status, substatus, voided_at) in timeline {
        let entry = (parcel_id, status, substatus, voided_at.is_some());
        let starts_a_run = previous.as_ref() != Some(&entry);
        if starts_a_run && wanted.get(&parcel_id).is_some_and(|w| (w.0, &w.1) == (entry.1, &entry.2)) {
            *runs.entry(parcel_id).or_default() += 1;
        }
        previous = Some(entry);
    }
    Ok(runs)
}

/// The statements that add `rows` to the outbox (none for none), in the order given.
pub fn statements(backend: DbBackend, mut rows: Vec<outbound_event::ActiveModel>) -> Vec<Statement> {
    let mut statements = Vec::new();
    if rows.is_empty() {
        return statements;
    }
    statements.extend(commit_order_lock(backend));
    while !rows.is_empty() {
        let chunk: Vec<_> = rows.drain(..rows.len().min(ROWS_PER_INSERT)).collect();
        statements.push(insert(backend, chunk));
    }
    statements
}

/// What a transaction runs before it adds to the outbox, so that `seq` is commit order:
/// on PostgreSQL the advisory lock (held to its commit); nothing on SQLite.
pub fn commit_order_lock(backend: DbBackend) -> Option<Statement> {
    (backend == DbBackend::Postgres).then(|| Statement::from_string(backend, format!("SELECT pg_advisory_xact_lock({OUTBOX_LOCK})")))
}

/// Inserts `rows`, leaving out any whose id the outbox has already.
pub fn insert(backend: DbBackend, rows: Vec<outbound_event::ActiveModel>) -> Statement {
    let conflict = OnConflict::column(outbound_event::Column::EventId).do_nothing().to_owned();
    backend.build(&outbound_event::Entity::insert_many(rows).on_conflict(conflict).into_query())
}
