//! What the write path tells: for each delivery that changed a parcel, `apply_distinct`
//! hands the parcel before and after to [`events_of`] (which reads the timelines of parcels
//! whose status moved, for the run it reached, and asks `transitions` what that was), and
//! hands the events to `crate::outbox::statements`, run in the same transaction, so an event
//! exists exactly when its change committed.
use super::transitions::{status_moved, transitions, AddedPod, ParcelState};
use crate::entity::{parcel, pod_file, tracking_event};
use crate::outbox::{NewEvent, ParcelIdentity};
use app::model::TrackingStatus;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

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

/// The events of `changes` (one delivery each, no two about the same parcel), read inside
/// the transaction that made them: the parcels whose status moved have their timelines
/// read (their events are written by now) for the run of the status reached.
pub async fn events_of(db: &impl ConnectionTrait, changes: &[Change<'_>]) -> Result<Vec<NewEvent>, DbErr> {
    let moved: Vec<&Change> = changes.iter().filter(|c| status_moved(&state_of(c.before), &c.after)).collect();
    let runs = status_runs(db, &moved).await?;
    let mut rows = Vec::new();
    for change in changes {
        let before = change.before;
        let identity = ParcelIdentity { carrier: before.carrier, tracking_number: &before.tracking_number };
        let run = runs.get(&before.id).copied().unwrap_or(1);
        for t in transitions(identity, &state_of(before), &change.after, run, &change.pods, change.received_at) {
            rows.push(NewEvent { event_id: t.event_id, parcel_id: Some(before.id), carrier: Some(before.carrier), payload: t.payload });
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
