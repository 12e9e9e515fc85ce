//! The transitions' unit tests: ids, kinds and data from states before and after.
use super::*;
use app::carrier::Carrier;
use app::event_kind::EventKind;
use chrono::TimeZone;
use serde_json::Value;

const PARCEL: ParcelIdentity<'static> = ParcelIdentity { carrier: Carrier::Peddler, tracking_number: "PD123" };

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, hour, 0, 0).unwrap()
}

fn state(status: TrackingStatus, hour: u32) -> ParcelState {
    ParcelState { status, substatus: Some(format!("{status}_sub")), status_at: Some(at(hour)), ..ParcelState::default() }
}

fn kinds(list: &[Transition]) -> Vec<EventKind> {
    list.iter().map(|t| t.payload.kind()).collect()
}

#[test]
fn a_delivery_tells_the_status_change_and_that_it_was_delivered_with_the_previous_status() {
    let told = transitions(PARCEL, &state(TrackingStatus::OutForDelivery, 9), &state(TrackingStatus::Delivered, 11), 1, &[], at(12));
    assert_eq!(kinds(&told), [EventKind::StatusChanged, EventKind::Delivered]);
    let data = &told[0].payload.data();
    assert_eq!(data["previous_status"], "out_for_delivery");
    assert_eq!(data["status"], "delivered");
    assert_eq!(data["carrier"], "peddler");
    assert_eq!(data["tracking_number"], "PD123");
    assert_eq!(data["occurred_at"], "2026-12-03T11:00:00.000Z");
}

#[test]
fn a_failed_attempt_is_also_an_exception() {
    let told = transitions(PARCEL, &state(TrackingStatus::OutForDelivery, 9), &state(TrackingStatus::FailedAttempt, 10), 1, &[], at(10));
    assert_eq!(kinds(&told), [EventKind::StatusChanged, EventKind::Exception]);
}

#[test]
fn the_same_state_reached_from_anywhere_at_any_time_has_the_same_id_and_a_second_run_a_new_one() {
    let ids = |list: Vec<Transition>| list.into_iter().map(|t| t.event_id).collect::<Vec<_>>();
    let from_nothing = ids(transitions(PARCEL, &ParcelState::default(), &state(TrackingStatus::Delivered, 11), 1, &[], at(12)));
    let from_transit =
        ids(transitions(PARCEL, &state(TrackingStatus::InTransit, 8), &state(TrackingStatus::Delivered, 12), 1, &[], at(13)));
    assert_eq!(from_nothing, from_transit);
    let again =
        ids(transitions(PARCEL, &state(TrackingStatus::FailedAttempt, 13), &state(TrackingStatus::OutForDelivery, 14), 2, &[], at(14)));
    let first = ids(transitions(PARCEL, &state(TrackingStatus::InTransit, 8), &state(TrackingStatus::OutForDelivery, 9), 1, &[], at(9)));
    assert_ne!(again, first, "out for delivery again after a failed attempt is told again");
    let other = ParcelIdentity { carrier: Carrier::Uber, tracking_number: "PD123" };
    assert_ne!(ids(transitions(other, &ParcelState::default(), &state(TrackingStatus::Delivered, 11), 1, &[], at(12))), from_nothing);
}

#[test]
fn going_back_to_a_status_because_the_newer_event_was_voided_is_told_under_an_id_of_its_own() {
    let ids = |list: Vec<Transition>| list.into_iter().map(|t| t.event_id).collect::<Vec<_>>();
    let first = ids(transitions(PARCEL, &state(TrackingStatus::InTransit, 8), &state(TrackingStatus::OutForDelivery, 9), 1, &[], at(9)));
    let back = ids(transitions(PARCEL, &state(TrackingStatus::Delivered, 11), &state(TrackingStatus::OutForDelivery, 9), 1, &[], at(12)));
    assert_eq!(back.len(), 1);
    assert_ne!(back, first, "the step back is news, not the first arrival again");
    let again = ids(transitions(PARCEL, &state(TrackingStatus::Delivered, 11), &state(TrackingStatus::OutForDelivery, 9), 1, &[], at(13)));
    assert_eq!(back, again, "the same step back, processed again, has the same id");
    assert!(!went_back(&state(TrackingStatus::InTransit, 8), &state(TrackingStatus::OutForDelivery, 9)));
}

#[test]
fn nothing_changed_tells_nothing_and_an_eta_or_a_pod_tells_its_own_kind() {
    let s = state(TrackingStatus::InTransit, 8);
    assert!(transitions(PARCEL, &s, &s, 1, &[], at(9)).is_empty());
    let moved = ParcelState { eta: Some(at(15)), eta_as_of: Some(at(9)), ..s.clone() };
    let told = transitions(PARCEL, &s, &moved, 1, &[], at(9));
    assert_eq!(kinds(&told), [EventKind::EtaChanged]);
    assert_eq!(told[0].payload.data()["eta"], "2026-12-03T15:00:00.000Z");
    assert_eq!(told[0].payload.data()["previous_eta"], Value::Null);
    let pod = AddedPod { id: "pod-1".into(), sha256: "ab".repeat(32), content_type: "image/jpeg".into() };
    let told = transitions(PARCEL, &s, &s, 1, std::slice::from_ref(&pod), at(9));
    assert_eq!(kinds(&told), [EventKind::PodAdded]);
    assert_eq!(told[0].payload.data()["pod"]["sha256"], pod.sha256);
    assert!(told[0].event_id.starts_with("evt_") && told[0].event_id.len() == 36);
}
