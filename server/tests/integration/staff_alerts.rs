//! Staff alerts end to end: a parcel without news, a carrier gone silent and a quarantine
//! growing are each raised once however many checks run, shown on the back office (page and
//! banner), mailed to the staff address through a real SMTP server, and sent as `alert.*`
//! events to a webhook endpoint that names them (a real Standard Webhooks receiver).
use crate::common::receiver::Receiver;
use crate::common::smtp::SmtpSink;
use crate::common::{self, depot_form, Backend};
use crate::outbound_webhooks::add_endpoint;
use std::collections::BTreeMap;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_parcel_a_silent_feed_and_a_growing_quarantine_are_each_raised_once_shown_mailed_and_sent() {
    let smtp = SmtpSink::start().await;
    let app = common::spawn_app_with(
        Backend::Sqlite,
        &[
            ("WAYBILL_OUTBOUND_ALLOW_PRIVATE", "1"),
            ("WAYBILL_OUTBOUND_POLL_MS", "50"),
            ("WAYBILL_ALERT_CHECK_SECS", "1"),
            ("WAYBILL_ALERT_STUCK_HOURS", "1"),
            ("WAYBILL_ALERT_FEED_SILENT_SECS", "2"),
            ("WAYBILL_ALERT_FEED_USUAL_PER_DAY", "3"),
            ("WAYBILL_ALERT_QUARANTINE_PER_HOUR", "2"),
            ("WAYBILL_SMTP_URL", &smtp.url),
            ("WAYBILL_ALERT_EMAIL", "ops@example.com"),
        ],
    )
    .await;
    app.with_staff();
    let receiver = Receiver::start("verify", 0).await;
    let (_, secret) = add_endpoint(&app, &receiver.url, &["--events", "alert.parcel_stuck,alert.feed_silent,alert.quarantine_growing"]);
    receiver.set_secret(&secret).await;

    let three_hours_ago = (chrono::Utc::now() - chrono::Duration::hours(3)).to_rfc3339();
    assert_eq!(app.post_depot(&depot_form("STUCK-1", "Received in Depot", &three_hours_ago), None).await.status(), 200);
    let now = chrono::Utc::now().to_rfc3339();
    assert_eq!(app.post_depot(&depot_form("FRESH-1", "Received in Depot", &now), None).await.status(), 200);
    for _ in 0..2 {
        assert_eq!(app.post_depot("this is not JSON", None).await.status(), 400);
    }

    let kinds = |log: &[serde_json::Value]| {
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for entry in log {
            *seen.entry(entry["payload"]["type"].as_str().unwrap_or("?").to_string()).or_default() += 1;
        }
        seen
    };
    let log = receiver.log_once(Duration::from_secs(20), |log| kinds(log).len() >= 3).await;
    // More checks run meanwhile; none raises an alert again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let log = if kinds(&log).len() >= 3 { receiver.log().await } else { log };
    let seen = kinds(&log);
    assert_eq!(
        seen,
        [("alert.feed_silent", 1), ("alert.parcel_stuck", 1), ("alert.quarantine_growing", 1)]
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect(),
        "each alert once, and no parcel events (the endpoint did not ask for them): {log:#?}"
    );
    assert!(log.iter().all(|e| e["verified"] == true));
    let stuck = log.iter().find(|e| e["payload"]["type"] == "alert.parcel_stuck").unwrap();
    assert_eq!(stuck["payload"]["data"]["tracking_number"], "STUCK-1", "the fresh parcel is not stuck");
    assert_eq!(stuck["payload"]["data"]["carrier"], "depot");

    let mails = smtp.at_least(3, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 3, "{mails:#?}");
    assert!(mails
        .iter()
        .all(|m| m["to"] == serde_json::json!(["ops@example.com"])
            && m["headers"]["subject"].as_str().unwrap().starts_with("Waybill alert: ")));

    let mut staff = app.staff_browser().await;
    let (_, page) = staff.page("/staff").await;
    assert!(page.contains("3 alert(s) in the last 24 hours"), "the banner on every staff page");
    let (_, alerts) = staff.page("/staff/alerts").await;
    assert!(alerts.contains("has had no news for 3 h") && alerts.contains("STUCK-1"), "{alerts}");
    assert!(alerts.contains("has sent nothing for") && alerts.contains("went to the quarantine in the last hour"));
}
