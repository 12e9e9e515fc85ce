//! A parcel's current status, worked out in memory when its only events are those of the
//! delivery that created it — the same rule as the recompute in SQL (the known status with
//! the latest carrier time, ties to the later journey step; `updated_at` is the latest
//! carrier time of any event), without its two queries.
use crate::domain::{NormalizedEvent, TrackingStatus};
use crate::entity::parcel;
use chrono::{DateTime, Utc};
use sea_orm::Set;

/// What the status recompute writes on the parcel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentStatus {
    /// The event that sets the status, if any has a known status.
    pub status: Option<(TrackingStatus, String, DateTime<Utc>)>,
    /// The latest carrier time of any event.
    pub latest: Option<DateTime<Utc>>,
}

/// The status a new parcel's first events give it, or `None` when only the database's
/// ordering can decide (two candidates tie on time and step, and the tie would go to the
/// dedupe key in the database's collation).
pub fn of_first_events(events: &[NormalizedEvent]) -> Option<CurrentStatus> {
    // One event per dedupe key, as the insert keeps them (`rows::earliest_per_key`).
    let kept = super::rows::earliest_per_key(events);
    let latest = kept.iter().map(|e| e.occurred_at).max();
    let mut known: Vec<&NormalizedEvent> = kept.into_iter().filter(|e| e.status != TrackingStatus::Unknown).collect();
    known.sort_by_key(|e| std::cmp::Reverse((e.occurred_at, e.status.step_rank())));
    let rank = |e: &NormalizedEvent| (e.occurred_at, e.status.step_rank());
    if let [first, second, ..] = known.as_slice() {
        if rank(first) == rank(second) {
            return None;
        }
    }
    Some(CurrentStatus { status: known.first().map(|e| (e.status, e.substatus.clone(), e.occurred_at)), latest })
}

/// Writes the recomputed status; a parcel left without a standing known event (its only
/// one voided) is `unknown` again, and one without any standing event is as updated as when
/// it was created.
pub fn set_status(update: &mut parcel::ActiveModel, current: CurrentStatus) {
    match current.status {
        Some((status, substatus, at)) => {
            update.status = Set(status);
            update.substatus = Set(Some(substatus));
            update.status_at = Set(Some(at));
        }
        None => {
            update.status = Set(TrackingStatus::Unknown);
            update.substatus = Set(None);
            update.status_at = Set(None);
        }
    }
    match current.latest {
        Some(latest) => update.updated_at = Set(latest),
        None => {
            if let Some(created) = update.created_at.try_as_ref() {
                update.updated_at = Set(*created);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn event(key: &str, hour: u32, status: TrackingStatus) -> NormalizedEvent {
        NormalizedEvent {
            occurred_at: chrono::TimeZone::with_ymd_and_hms(&Utc, 2025, 10, 8, hour, 0, 0).unwrap(),
            status,
            substatus: format!("{key}_sub"),
            raw_status: key.into(),
            description: None,
            location: None,
            texts: BTreeMap::new(),
            dedupe_key: key.into(),
        }
    }

    #[test]
    fn the_latest_known_status_wins_and_unknown_events_only_move_the_update_time() {
        use TrackingStatus::*;
        let events = [event("a", 9, InTransit), event("b", 11, OutForDelivery), event("c", 12, Unknown)];
        let current = of_first_events(&events).unwrap();
        assert_eq!(current.status.map(|s| (s.0, s.1)), Some((OutForDelivery, "b_sub".to_string())));
        assert_eq!(current.latest, Some(events[2].occurred_at));
    }

    #[test]
    fn a_repeated_key_keeps_its_earliest_time() {
        use TrackingStatus::*;
        // "b" first at 13:00, then again at 08:00: it counts at 08:00, so "a" (09:00) is newer.
        let events = [event("a", 9, InTransit), event("b", 13, Delivered), event("b", 8, Delivered)];
        let current = of_first_events(&events).unwrap();
        assert_eq!(current.status.map(|s| s.0), Some(InTransit));
        assert_eq!(current.latest, Some(events[0].occurred_at));
    }

    #[test]
    fn a_tie_on_time_and_step_is_left_to_the_database() {
        use TrackingStatus::*;
        assert_eq!(of_first_events(&[event("a", 9, InTransit), event("b", 9, InTransit)]), None);
        // The later journey step breaks a tie on time by itself.
        assert_eq!(of_first_events(&[event("a", 9, InTransit), event("b", 9, Delivered)]).unwrap().status.map(|s| s.0), Some(Delivered));
    }

    #[test]
    fn no_events_give_no_status() {
        assert_eq!(of_first_events(&[]), Some(CurrentStatus { status: None, latest: None }));
    }
}
