//! The payload's unit tests: every kind reads back from its stored data, tagged by its kind.
use super::*;

#[test]
fn a_payload_reads_back_from_its_stored_data_and_is_tagged_by_its_kind() {
    let at = "2026-12-03T11:00:00Z".parse().unwrap();
    let payload = Payload::Delivered(StatusData {
        parcel: ParcelFacts {
            carrier: Carrier::Peddler,
            tracking_number: "PD1".into(),
            status: TrackingStatus::Delivered,
            substatus: None,
            occurred_at: at,
            eta: None,
            eta_window: Some(EtaWindow { from: at, until: at }),
        },
        previous_status: TrackingStatus::OutForDelivery,
        previous_substatus: Some("near".into()),
    });
    let data = payload.data();
    assert_eq!(data["occurred_at"], "2026-12-03T11:00:00.000Z");
    assert_eq!(data["carrier"], "peddler");
    assert_eq!(data["previous_status"], "out_for_delivery");
    assert_eq!(data["eta"], serde_json::Value::Null);
    assert_eq!(Payload::from_data(EventKind::Delivered, &data.to_string()).unwrap(), payload);
    let tagged = serde_json::to_value(&payload).unwrap();
    assert_eq!(tagged["type"], "parcel.delivered");
    assert_eq!(serde_json::from_value::<Payload>(tagged).unwrap(), payload);
    assert!(Payload::from_data(EventKind::PodAdded, &data.to_string()).is_err(), "a delivered event has no pod");
}

/// A payload of `kind` (the match makes a new kind name its sample here).
fn sample(kind: EventKind) -> Payload {
    let at: DateTime<Utc> = "2026-12-03T11:00:00Z".parse().unwrap();
    let parcel = ParcelFacts {
        carrier: Carrier::Uber,
        tracking_number: "UB1".into(),
        status: TrackingStatus::OutForDelivery,
        substatus: Some("near".into()),
        occurred_at: at,
        eta: Some(at),
        eta_window: None,
    };
    let status = StatusData { parcel: parcel.clone(), previous_status: TrackingStatus::InTransit, previous_substatus: None };
    match kind {
        EventKind::StatusChanged => Payload::StatusChanged(status),
        EventKind::Exception => Payload::Exception(status),
        EventKind::Delivered => Payload::Delivered(status),
        EventKind::EtaChanged => Payload::EtaChanged(EtaData { parcel, previous_eta: None, previous_eta_window: None }),
        EventKind::PodAdded => {
            Payload::PodAdded(PodData { parcel, pod: PodRef { id: "p1".into(), sha256: "ab".into(), content_type: "image/png".into() } })
        }
        EventKind::AlertParcelStuck => Payload::ParcelStuck(StuckData {
            summary: "stuck".into(),
            carrier: Carrier::Uber,
            tracking_number: "UB1".into(),
            status: TrackingStatus::InTransit,
            substatus: None,
            occurred_at: at,
            hours_without_news: 50,
        }),
        EventKind::AlertFeedSilent => Payload::FeedSilent(SilentData {
            summary: "silent".into(),
            carrier: Carrier::Uber,
            last_delivery_at: at,
            minutes_silent: 90,
            deliveries_the_day_before: 40,
        }),
        EventKind::AlertQuarantineGrowing => Payload::QuarantineGrowing(QuarantineData {
            summary: "growing".into(),
            quarantined_last_hour: 9,
            quarantined: 12,
            occurred_at: at,
        }),
        EventKind::Test => Payload::Test(TestData { endpoint: "ep_1".into(), message: "hi".into(), sent_at: at }),
    }
}

#[test]
fn every_kind_has_a_payload_of_that_kind_that_reads_back_from_its_data() {
    for &kind in EventKind::ALL {
        let payload = sample(kind);
        assert_eq!(payload.kind(), kind);
        assert_eq!(Payload::from_data(kind, &payload.data().to_string()).unwrap(), payload, "{kind}");
        assert_eq!(payload.summary().is_some(), kind.is_alert(), "{kind}: an alert, and only an alert, has a summary");
        assert_eq!(payload.parcel().is_some(), EventKind::OF_PARCELS.contains(&kind), "{kind}");
    }
}
