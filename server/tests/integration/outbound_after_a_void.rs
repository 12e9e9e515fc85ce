//! A staff void is a real transition too: when the event a parcel's status came from is
//! voided, the status goes back, and merchants are told of the step back under a new id
//! (not the id of the first arrival at that status, which they have already had); a new
//! event of the voided status afterwards is told again. Replay afterwards, voids included,
//! sends nothing. Verified at the real Standard Webhooks receiver (`common::receiver`).
use crate::common::receiver::Receiver;
use crate::common::{self, depot_form, Backend};
use crate::outbound_webhooks::{add_endpoint, OUTBOUND};
use std::time::Duration;

/// (type, status, previous status) of each request the receiver got, in order.
fn told(log: &[serde_json::Value]) -> Vec<(String, String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    log.iter()
        .map(|e| (text(&e["payload"]["type"]), text(&e["payload"]["data"]["status"]), text(&e["payload"]["data"]["previous_status"])))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voided_delivery_is_told_as_a_step_back_and_the_next_delivery_is_told_again() {
    let app = common::spawn_app_with(Backend::Sqlite, &OUTBOUND).await;
    let receiver = Receiver::start("verify", 0).await;
    let (_, secret) = add_endpoint(&app, &receiver.url, &["--events", "parcel.status_changed,parcel.delivered"]);
    receiver.set_secret(&secret).await;
    assert_eq!(app.post_depot(&depot_form("BACK-1", "In Transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    assert_eq!(app.post_depot(&depot_form("BACK-1", "Delivered", "2025-10-08T11:00:00Z"), None).await.status(), 200);
    let log = receiver.log_once(Duration::from_secs(10), |log| log.len() >= 3).await;
    // Sends run side by side, so the receiver's order is not the events' order.
    let id_of = |log: &[serde_json::Value], told: (&str, &str, &str)| {
        let found: Vec<String> = log
            .iter()
            .filter(|e| {
                let d = &e["payload"]["data"];
                (e["payload"]["type"].as_str(), d["status"].as_str(), d["previous_status"].as_str())
                    == (Some(told.0), Some(told.1), Some(told.2))
            })
            .map(|e| e["id"].to_string())
            .collect();
        assert_eq!(found.len(), 1, "{told:?} told once: {:?}", self::told(log));
        found[0].clone()
    };
    let first_out_for_delivery = id_of(&log, ("parcel.status_changed", "out_for_delivery", "unknown"));
    let first_delivered = id_of(&log, ("parcel.delivered", "delivered", "out_for_delivery"));

    let mut staff = app.staff_browser().await;
    let page = "/staff/parcels/depot/BACK-1";
    let csrf = staff.csrf(page).await;
    let event_id = app.query_text("SELECT CAST(id AS TEXT) FROM tracking_event WHERE status = 'delivered'").await;
    let voided = staff.post_form(&format!("{page}/events/{event_id}/void"), &[("csrf", &csrf), ("reason", "wrong parcel scanned")]).await;
    assert_eq!(staff.notice(voided).await.expect("a notice").0, "notice");
    let log = receiver.log_once(Duration::from_secs(10), |log| log.len() >= 4).await;
    let back = id_of(&log, ("parcel.status_changed", "out_for_delivery", "delivered"));
    assert_ne!(back, first_out_for_delivery, "the step back is told under an id of its own");

    assert_eq!(app.post_depot(&depot_form("BACK-1", "Delivered", "2025-10-08T12:00:00Z"), None).await.status(), 200);
    let log = receiver.log_once(Duration::from_secs(10), |log| log.len() >= 6).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = if receiver.log().await.len() > log.len() { receiver.log().await } else { log };
    assert_eq!(log.len(), 6, "{:?}", told(&log));
    let delivered_again = log.iter().filter(|e| e["payload"]["type"] == "parcel.delivered").count();
    assert_eq!(delivered_again, 2, "delivered again is told again: {:?}", told(&log));
    assert!(log.iter().any(|e| e["payload"]["type"] == "parcel.delivered" && e["id"].to_string() != first_delivered));
    let ids: std::collections::BTreeSet<_> = log.iter().map(|e| e["id"].to_string()).collect();
    assert_eq!(ids.len(), 6, "six events, six ids");
    assert!(log.iter().all(|e| e["verified"] == true));

    let outbox = app.count("outbound_event").await;
    app.replay().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(app.count("outbound_event").await, outbox, "replay, the void included, writes no new events");
    assert_eq!(receiver.log().await.len(), 6, "and nothing is sent again");
}
