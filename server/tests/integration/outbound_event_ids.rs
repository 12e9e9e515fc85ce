//! Property: a parcel's events for merchants have ids derived from its transitions, so
//! - its deliveries in journey order, with any number of copies anywhere after the first,
//!   give exactly the same event ids;
//! - in any order, with copies, every status event id they give is one of the journey's (a
//!   late event that does not change the current status tells nothing), every ETA they
//!   tell is one the journey told (its id may differ: an ETA is identified by the message
//!   that brought it, and a newer message repeating it can come first), and every POD and
//!   every delivery is told under the same id.
//! The real pipeline on a real SQLite file, the pool of `order_independence`.
use crate::order_independence::{apply_to_fresh_database, deliveries, run};
use proptest::prelude::*;
use sea_orm::EntityTrait;
use server::entity::outbound_event;
use std::collections::BTreeSet;

/// The outbox's (kind, id) pairs after the pool was applied in `order`.
async fn event_ids(order: &[usize]) -> BTreeSet<(String, String)> {
    told(order, |e| e.event_id.clone()).await
}

/// The same, with each ETA change as the ETA it told instead of its id.
async fn told_states(order: &[usize]) -> BTreeSet<(String, String)> {
    told(order, |e| match e.kind {
        app::event_kind::EventKind::EtaChanged => {
            let data: serde_json::Value = serde_json::from_str(&e.data).unwrap();
            format!("{} {}", data["eta"], data["eta_window"])
        }
        _ => e.event_id.clone(),
    })
    .await
}

async fn told(order: &[usize], key: impl Fn(&outbound_event::Model) -> String) -> BTreeSet<(String, String)> {
    let (_dir, db) = apply_to_fresh_database(order).await;
    outbound_event::Entity::find().all(&db).await.unwrap().iter().map(|e| (e.kind.as_str().to_string(), key(e))).collect()
}

fn journey() -> Vec<usize> {
    (0..deliveries().len()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn copies_of_deliveries_in_journey_order_give_the_same_event_ids(
        copies in proptest::collection::vec((0..deliveries().len(), 0..100usize), 1..10),
    ) {
        let expected = run(event_ids(&journey()));
        let mut order = journey();
        for (delivery, at) in copies {
            // Anywhere after the original.
            let first = order.iter().position(|&d| d == delivery).unwrap();
            let place = first + 1 + at % (order.len() - first);
            order.insert(place, delivery);
        }
        prop_assert_eq!(run(event_ids(&order)), expected);
    }

    #[test]
    fn any_order_with_copies_tells_only_what_the_journey_told_and_every_delivery_and_pod(
        order in Just(journey()).prop_shuffle(),
        copies in proptest::collection::vec(0..deliveries().len(), 0..8),
    ) {
        let expected = run(told_states(&journey()));
        let mut shuffled = order.clone();
        for (n, copy) in copies.iter().enumerate() {
            shuffled.insert((n * 5) % (shuffled.len() + 1), *copy);
        }
        let got = run(told_states(&shuffled));
        let extra: Vec<_> = got.difference(&expected).collect();
        prop_assert!(extra.is_empty(), "ids the journey does not have: {:?}", extra);
        for must in expected.iter().filter(|(kind, _)| kind == "parcel.delivered" || kind == "parcel.pod_added") {
            prop_assert!(got.contains(must), "{:?} missing", must);
        }
    }
}

#[test]
fn the_journey_tells_each_status_once_and_every_delivery() {
    let told = run(event_ids(&journey()));
    let delivered = told.iter().filter(|(kind, _)| kind == "parcel.delivered").count();
    assert_eq!(delivered, 4, "uber, deliverect, keydelivery and peddler were each delivered: {told:?}");
    assert!(told.iter().any(|(kind, _)| kind == "parcel.eta_changed"));
    let ids: BTreeSet<&String> = told.iter().map(|(_, id)| id).collect();
    assert_eq!(ids.len(), told.len(), "no id is shared by two events");
}
