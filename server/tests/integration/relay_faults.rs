//! The relay's faults, each against real receivers: an answer with a NUL byte (which
//! PostgreSQL refuses in text) neither sends its event again nor its batch neighbours'; a
//! disabled endpoint, enabled again, receives what it missed; mail through an SMTP server
//! slower than a round arrives once though two instances share the queue; and a staff
//! alert's mail refused for a while is sent once it is taken.
use crate::common::receiver::Receiver;
use crate::common::smtp::SmtpSink;
use crate::common::staff::STAFF_EMAIL;
use crate::common::{self, depot_form, Backend, TestApp};
use crate::mail_notifications::{link_path, subscribe};
use crate::outbound_webhooks::{add_endpoint, pull_events, OUTBOUND};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// How many requests carried each `webhook-id`.
fn times_by_id(log: &[Value]) -> BTreeMap<String, usize> {
    let mut times: BTreeMap<String, usize> = BTreeMap::new();
    for entry in log {
        *times.entry(entry["id"].as_str().unwrap_or("?").to_string()).or_default() += 1;
    }
    times
}

/// The ids of every parcel event so far, from the pull API.
async fn event_ids(app: &TestApp, key: &str) -> BTreeSet<String> {
    let page = pull_events(app, key, "").await;
    page["events"].as_array().expect("events").iter().map(|e| e["id"].as_str().expect("an id").to_string()).collect()
}

/// The staff API's entry for the endpoint `id`.
async fn listed(app: &TestApp, key: &str, id: &str) -> Value {
    let list: Value =
        app.client.get(format!("{}/staff/api/webhook-endpoints", app.address)).bearer_auth(key).send().await.unwrap().json().await.unwrap();
    list["endpoints"].as_array().expect("endpoints").iter().find(|e| e["id"] == id).cloned().unwrap_or_else(|| panic!("{id} in {list}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_answering_a_nul_byte_gets_its_event_once_and_its_batch_neighbour_each_id_once() {
    let mut vars = OUTBOUND.to_vec();
    vars.push(("WAYBILL_WEBHOOK_TIMEOUT_SECS", "2"));
    let app = common::spawn_app_with(Backend::Postgres, &vars).await;
    app.with_staff();
    let key = app.create_api_key(STAFF_EMAIL);
    let nul = Receiver::start("nul", 0).await;
    let (nul_id, secret) = add_endpoint(&app, &nul.url, &[]);
    nul.set_secret(&secret).await;
    let neighbour = Receiver::start("verify", 0).await;
    let (_, secret) = add_endpoint(&app, &neighbour.url, &[]);
    neighbour.set_secret(&secret).await;
    for (status, time) in
        [("Received in Depot", "2025-10-08T08:00:00Z"), ("In transit", "2025-10-08T09:00:00Z"), ("Delivered", "2025-10-08T11:00:00Z")]
    {
        assert_eq!(app.post_depot(&depot_form("NUL-1", status, time), None).await.status(), 200, "{status}");
    }
    let expected = event_ids(&app, &key).await;
    assert!(expected.len() >= 3, "a transition per status: {expected:?}");
    for receiver in [&nul, &neighbour] {
        receiver.log_once(Duration::from_secs(30), |log| expected.iter().all(|id| times_by_id(log).contains_key(id))).await;
    }
    // A claim whose sends were never written lapses after its lease, and they go out again:
    // wait out two leases, sized as the sender sizes them (WAYBILL_WEBHOOK_CONCURRENCY 4 by
    // default, 8 sends a slot, a 2 s timeout each: 46 s).
    let lease = server::relay::lease_for(Duration::from_secs(2), 4 * 8, 4);
    tokio::time::sleep(lease * 2 + Duration::from_secs(5)).await;
    for (who, receiver) in [("the receiver answering `ok\\0`", &nul), ("its batch neighbour", &neighbour)] {
        let log = receiver.log().await;
        assert!(log.iter().all(|e| e["verified"] == true), "{who}: every request verifies: {log:#?}");
        let times = times_by_id(&log);
        assert_eq!(times.keys().cloned().collect::<BTreeSet<_>>(), expected, "{who} got every event");
        assert!(times.values().all(|&n| n == 1), "{who} got each webhook-id once: {times:#?}");
    }
    assert_eq!(app.count("webhook_delivery WHERE state = 'delivered'").await, 2 * expected.len() as i64, "every send was written");
    let attempts = crate::outbound_webhooks::attempts_of(&app, &key, &nul_id).await;
    assert_eq!(attempts["attempts"][0]["status"], 200);
    assert_eq!(attempts["attempts"][0]["answer"], "ok\u{FFFD}", "the answer is kept without its NUL byte");
}

async fn a_disabled_endpoint_is_re_enabled_and_receives_what_it_missed(app: TestApp) {
    app.with_staff();
    let key = app.create_api_key(STAFF_EMAIL);
    let receiver = Receiver::start("gone", 0).await;
    let (id, secret) = add_endpoint(&app, &receiver.url, &[]);
    receiver.set_secret(&secret).await;
    let api = |action: &str| format!("{}/staff/api/webhook-endpoints/{id}/{action}", app.address);

    assert_eq!(app.post_depot(&depot_form("BACK-1", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
    let log = receiver.log_once(Duration::from_secs(20), |log| !log.is_empty()).await;
    assert!(log.first().is_some_and(|e| e["status"] == 410 && e["verified"] == true), "{log:#?}");
    let gone_id = log[0]["id"].as_str().expect("a webhook-id").to_string();
    let mut entry = listed(&app, &key, &id).await;
    for _ in 0..100 {
        if !entry["disabled_at"].is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        entry = listed(&app, &key, &id).await;
    }
    assert!(!entry["disabled_at"].is_null(), "a 410 disables the endpoint: {entry}");

    // Meanwhile the parcel moves on, and another arrives: nothing is sent to a disabled endpoint.
    for (number, status, time) in [
        ("BACK-1", "In transit", "2025-10-08T09:00:00Z"),
        ("BACK-1", "Failed delivery", "2025-10-08T10:00:00Z"),
        ("BACK-2", "Received in Depot", "2025-10-08T08:30:00Z"),
    ] {
        assert_eq!(app.post_depot(&depot_form(number, status, time), None).await.status(), 200, "{number} {status}");
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(receiver.log().await.len(), 1, "nothing was sent while disabled");
    let resend = app.client.post(api("resend")).bearer_auth(&key).json(&json!({"since": "2000-01-01T00:00:00Z"})).send().await.unwrap();
    assert_eq!(resend.status(), 409, "a disabled endpoint is sent nothing again");
    let refused: Value = resend.json().await.expect("a JSON error");
    assert!(refused["error"].as_str().is_some_and(|e| e.contains("disabled")), "{refused}");

    // The merchant fixes the endpoint; staff enable it; it receives every event it missed.
    receiver.set_mode("verify").await;
    let enabled = app.client.post(api("enable")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(enabled.status(), 200);
    let enabled: Value = enabled.json().await.expect("JSON");
    assert_eq!(enabled["enabled"], true, "{enabled}");
    let entry = listed(&app, &key, &id).await;
    assert!(entry["disabled_at"].is_null() && entry["disabled_reason"].is_null(), "listed as enabled: {entry}");
    let expected = event_ids(&app, &key).await;
    assert!(expected.contains(&gone_id) && expected.len() >= 4, "{expected:?}");
    let accepted_ids = |log: &[Value]| {
        let ok: Vec<Value> = log.iter().filter(|e| e["status"] == 204 && e["verified"] == true).cloned().collect();
        times_by_id(&ok)
    };
    receiver.log_once(Duration::from_secs(20), |log| accepted_ids(log).len() >= expected.len()).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let log = receiver.log().await;
    let accepted = accepted_ids(&log);
    assert_eq!(accepted.keys().cloned().collect::<BTreeSet<_>>(), expected, "every event it missed, the one it refused among them");
    assert!(accepted.values().all(|&n| n == 1), "each webhook-id once: {accepted:#?}");
    assert_eq!(log.len(), expected.len() + 1, "nothing else was sent: {log:#?}");
}
on_both_backends!(a_disabled_endpoint_is_re_enabled_and_receives_what_it_missed, OUTBOUND);

async fn mail_through_a_slow_smtp_server_arrives_once(backend: Backend) {
    // Each message is answered after 3 s, an exchange may take 20 (a loaded machine must not
    // give up on an exchange the server then completes: that mail would go out again), and
    // four mails are claimed a round (sent one after another: 12 s), by either of two
    // instances.
    let smtp = SmtpSink::start_with(3, 0).await;
    let vars = [
        ("WAYBILL_SMTP_URL", smtp.url.as_str()),
        ("WAYBILL_OUTBOUND_POLL_MS", "50"),
        ("WAYBILL_SMTP_TIMEOUT_SECS", "20"),
        ("WAYBILL_MAIL_PER_ROUND", "4"),
        ("WAYBILL_WEBHOOK_RETRY_SCHEDULE", "1s,1s,1s,1s,1s"),
    ];
    let app = common::spawn_app_with(backend, &vars).await;
    let second = app.start_another(&[]).await;
    let parcels = [("SLOW-1", "jane@example.com"), ("SLOW-2", "john@example.com")];
    for (number, email) in parcels {
        assert_eq!(app.post_depot(&depot_form(number, "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
        let back = subscribe(&app, &app.share_token(number).await, email, "en").await;
        assert!(back.contains("mail=check"), "{back}");
    }
    let confirmations = smtp.at_least(2, Duration::from_secs(40)).await;
    assert_eq!(confirmations.len(), 2, "{confirmations:#?}");
    for (mail, base) in confirmations.iter().zip([&app.address, &second]) {
        let path = link_path(mail["text"].as_str().expect("a text part"), "/confirm");
        assert_eq!(app.client.get(format!("{base}{path}")).send().await.unwrap().status(), 303, "confirmed on either instance");
    }

    // Six mails due at once.
    for (status, time) in
        [("In transit", "2025-10-08T09:00:00Z"), ("Failed delivery", "2025-10-08T10:00:00Z"), ("Delivered", "2025-10-09T11:00:00Z")]
    {
        for (number, _) in parcels {
            assert_eq!(app.post_depot(&depot_form(number, status, time), None).await.status(), 200, "{number} {status}");
        }
    }
    smtp.at_least(8, Duration::from_secs(120)).await;
    tokio::time::sleep(Duration::from_secs(20)).await;
    let mails = smtp.received().await;
    let mut times: BTreeMap<String, usize> = BTreeMap::new();
    for mail in &mails {
        *times.entry(format!("{} {}", mail["to"], mail["headers"]["subject"].as_str().unwrap_or("?"))).or_default() += 1;
    }
    assert!(times.values().all(|&n| n == 1), "each mail arrived once: {times:#?}");
    for (number, email) in parcels {
        let theirs: Vec<&str> =
            mails.iter().filter(|m| m["to"] == json!([email])).filter_map(|m| m["headers"]["subject"].as_str()).collect();
        let expected = [
            "Confirm your parcel updates".to_string(),
            format!("{number} is out for delivery"),
            format!("missed you: parcel {number}"),
            format!("{number} was delivered"),
        ];
        for says in &expected {
            assert_eq!(theirs.iter().filter(|s| s.contains(says.as_str())).count(), 1, "{email}: one mail saying {says:?}: {theirs:#?}");
        }
        assert_eq!(theirs.len(), expected.len(), "{email}: {theirs:#?}");
    }
}

mod mail_through_a_slow_smtp_server_arrives_once {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::mail_through_a_slow_smtp_server_arrives_once(super::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::mail_through_a_slow_smtp_server_arrives_once(super::Backend::Postgres).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_mail_is_retried_after_an_smtp_failure() {
    let smtp = SmtpSink::start_with(0, 2).await;
    let app = common::spawn_app_with(
        Backend::Sqlite,
        &[
            ("WAYBILL_OUTBOUND_POLL_MS", "50"),
            ("WAYBILL_WEBHOOK_RETRY_SCHEDULE", "1s,1s,1s,1s,1s"),
            ("WAYBILL_ALERT_CHECK_SECS", "1"),
            ("WAYBILL_ALERT_STUCK_HOURS", "0"),
            ("WAYBILL_ALERT_FEED_SILENT_SECS", "0"),
            ("WAYBILL_ALERT_QUARANTINE_PER_HOUR", "2"),
            ("WAYBILL_SMTP_URL", &smtp.url),
            ("WAYBILL_ALERT_EMAIL", "ops@example.com"),
        ],
    )
    .await;
    // Two deliveries to the quarantine within the hour: one `alert.quarantine_growing`.
    for _ in 0..2 {
        assert_eq!(app.post_depot("this is not JSON", None).await.status(), 400);
    }
    let mails = smtp.at_least(1, Duration::from_secs(30)).await;
    // More checks and more retries meanwhile; neither mails it again.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mails = if mails.is_empty() { mails } else { smtp.received().await };
    assert_eq!(smtp.rejected().await, 2, "the server refused it twice first");
    assert_eq!(mails.len(), 1, "the alert mail arrived once: {mails:#?}");
    assert_eq!(mails[0]["to"], json!(["ops@example.com"]));
    let subject = mails[0]["headers"]["subject"].as_str().unwrap_or_default();
    assert!(subject.starts_with("Waybill alert: ") && subject.contains("quarantine"), "{subject}");
    let row = app.query_text("SELECT state || ':' || CAST(attempts AS TEXT) FROM mail_message WHERE recipient IS NOT NULL").await;
    assert_eq!(row, "delivered:3", "two refusals, then taken");
}
