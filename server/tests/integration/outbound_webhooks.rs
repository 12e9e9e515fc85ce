//! Signed webhooks to merchant systems, end to end: a carrier journey through the real
//! server, its events verified at a real Standard Webhooks receiver (`common::receiver`,
//! the `standardwebhooks` package from PyPI), the same events in the pull API, nothing
//! sent again after a replay, retries with the same `webhook-id`, and two instances that
//! never send one event twice.
use crate::common::receiver::Receiver;
use crate::common::staff::STAFF_EMAIL;
use crate::common::{self, depot_form, Backend, TestApp, SIGNATURE_PNG};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What every outbound test runs with: loopback receivers allowed, quick rounds, retries
/// a fifth of a second apart.
pub const OUTBOUND: [(&str, &str); 3] = [
    ("WAYBILL_OUTBOUND_ALLOW_PRIVATE", "1"),
    ("WAYBILL_OUTBOUND_POLL_MS", "50"),
    ("WAYBILL_WEBHOOK_RETRY_SCHEDULE", "200ms,200ms,200ms,200ms,200ms"),
];

/// `waybill webhook add` for `receiver`, and the receiver told the secret it printed.
pub fn add_endpoint(app: &TestApp, url: &str, extra: &[&str]) -> (String, String) {
    let mut args = vec!["webhook", "add", "--url", url];
    args.extend_from_slice(extra);
    let out = app.run_waybill(&args);
    assert!(out.status.success(), "webhook add: {}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = printed.lines();
    let (id, secret) = (lines.next().expect("the id").to_string(), lines.next().expect("the secret").to_string());
    assert!(id.starts_with("ep_"), "{printed}");
    assert!(secret.starts_with("whsec_"), "{printed}");
    (id, secret)
}

/// The depot journey: five statuses, a failed attempt among them, and a POD file with the
/// delivery.
async fn post_journey(app: &TestApp, number: &str) {
    let steps = [
        ("Not scanned", "2025-10-08T07:00:00Z"),
        ("Received in Depot", "2025-10-08T08:00:00Z"),
        ("In transit", "2025-10-08T09:00:00Z"),
        ("Failed delivery", "2025-10-08T10:00:00Z"),
    ];
    for (status, time) in steps {
        assert_eq!(app.post_depot(&depot_form(number, status, time), None).await.status(), 200, "{status}");
    }
    let delivered = depot_form(number, "Delivered", "2025-10-09T11:00:00Z");
    assert_eq!(app.post_depot(&delivered, Some((SIGNATURE_PNG, "signature.png"))).await.status(), 200);
}

/// The journey's events as (type, status): what a merchant should be told, once each.
fn expected_journey() -> BTreeSet<(String, String)> {
    [
        ("parcel.status_changed", "info_received"),
        ("parcel.status_changed", "in_transit"),
        ("parcel.status_changed", "out_for_delivery"),
        ("parcel.status_changed", "failed_attempt"),
        ("parcel.exception", "failed_attempt"),
        ("parcel.status_changed", "delivered"),
        ("parcel.delivered", "delivered"),
        ("parcel.pod_added", "delivered"),
    ]
    .into_iter()
    .map(|(k, s)| (k.to_string(), s.to_string()))
    .collect()
}

fn kind_and_status(payload: &Value) -> (String, String) {
    (payload["type"].as_str().unwrap_or("?").to_string(), payload["data"]["status"].as_str().unwrap_or("?").to_string())
}

pub async fn pull_events(app: &TestApp, key: &str, after: &str) -> Value {
    let answer =
        app.client.get(format!("{}/api/v1/events?after={after}&limit=100", app.address)).bearer_auth(key).send().await.expect("events");
    assert_eq!(answer.status(), 200);
    answer.json().await.expect("json")
}

/// An endpoint's attempt log, as the staff API answers it.
pub async fn attempts_of(app: &TestApp, key: &str, endpoint: &str) -> Value {
    let answer = app.client.get(format!("{}/staff/api/webhook-endpoints/{endpoint}/attempts", app.address)).bearer_auth(key).send().await;
    answer.expect("attempts").json().await.expect("json")
}

async fn a_carrier_journey_is_told_once_per_transition_verified_by_the_receiver_and_replay_sends_nothing(app: TestApp) {
    app.with_staff();
    let key = app.create_api_key(STAFF_EMAIL);
    let receiver = Receiver::start("verify", 0).await;
    let (_, secret) = add_endpoint(&app, &receiver.url, &[]);
    receiver.set_secret(&secret).await;

    post_journey(&app, "OUT-1").await;
    // A copy of a delivery, and a late scan older than the current status: no new event.
    assert_eq!(app.post_depot(&depot_form("OUT-1", "In transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    assert_eq!(app.post_depot(&depot_form("OUT-1", "Loaded by driver", "2025-10-08T08:30:00Z"), None).await.status(), 200);

    let expected = expected_journey();
    let log = receiver.log_once(Duration::from_secs(20), |log| log.len() >= expected.len()).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = if log.len() >= expected.len() { receiver.log().await } else { log };
    assert!(log.iter().all(|e| e["verified"] == true), "every request verifies with standardwebhooks: {log:#?}");
    let told: Vec<(String, String)> = log.iter().map(|e| kind_and_status(&e["payload"])).collect();
    assert_eq!(told.iter().cloned().collect::<BTreeSet<_>>(), expected, "{told:?}");
    assert_eq!(told.len(), expected.len(), "each transition once: {told:?}");
    let ids: BTreeSet<&str> = log.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), expected.len(), "one webhook-id per event");
    for entry in &log {
        let data = &entry["payload"]["data"];
        assert_eq!(data["carrier"], "depot");
        assert_eq!(data["tracking_number"], "OUT-1");
        // The carrier's time of the change; a POD's, when it arrived.
        let carrier_time = entry["payload"]["type"] != "parcel.pod_added";
        assert!(data["occurred_at"].as_str().is_some_and(|t| t.starts_with("2025-10-") == carrier_time), "{data}");
        assert!(data.get("substatus").is_some());
        assert!(entry["payload"]["timestamp"].is_string());
    }
    let delivered =
        log.iter().find(|e| e["payload"]["type"] == "parcel.status_changed" && e["payload"]["data"]["status"] == "delivered").unwrap();
    assert_eq!(delivered["payload"]["data"]["previous_status"], "failed_attempt");
    let pod = &log.iter().find(|e| e["payload"]["type"] == "parcel.pod_added").unwrap()["payload"]["data"]["pod"];
    assert_eq!(pod["content_type"], "image/png");
    assert_eq!(pod["sha256"].as_str().map(str::len), Some(64));

    // The pull API has the same events, in commit order, and its cursor moves past them.
    let page = pull_events(&app, &key, "").await;
    let pulled: Vec<&str> = page["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(pulled.iter().copied().collect::<BTreeSet<_>>(), ids);
    assert_eq!(page["events"][0]["type"], "parcel.status_changed");
    assert_eq!(page["events"][0]["data"]["status"], "info_received");
    let next = page["next"].as_str().expect("a cursor").to_string();
    assert_eq!(pull_events(&app, &key, &next).await["events"], serde_json::json!([]));
    let refused = app.client.get(format!("{}/api/v1/events", app.address)).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let bad = app.client.get(format!("{}/api/v1/events?after=yesterday", app.address)).bearer_auth(&key).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("after"));

    // Replay rebuilds every parcel from the raw deliveries: the same transitions, so the
    // same ids, so nothing new to tell.
    let outbox = app.count("outbound_event").await;
    app.replay().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(app.count("outbound_event").await, outbox, "replay writes no new events");
    assert_eq!(receiver.log().await.len(), expected.len(), "and nothing is sent again");
}
on_both_backends!(a_carrier_journey_is_told_once_per_transition_verified_by_the_receiver_and_replay_sends_nothing, OUTBOUND);

async fn a_receiver_that_fails_three_times_then_recovers_gets_each_event_once_with_the_same_webhook_id(app: TestApp) {
    let receiver = Receiver::start("verify", 3).await;
    let (endpoint, secret) = add_endpoint(&app, &receiver.url, &["--events", "parcel.status_changed"]);
    receiver.set_secret(&secret).await;
    assert_eq!(app.post_depot(&depot_form("RETRY-1", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);

    let log = receiver.log_once(Duration::from_secs(20), |log| log.iter().any(|e| e["status"] == 204)).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = if log.len() >= 4 { receiver.log().await } else { log };
    let statuses: Vec<&Value> = log.iter().map(|e| &e["status"]).collect();
    assert_eq!(statuses, [500, 500, 500, 204].map(|s| Value::from(s)).iter().collect::<Vec<_>>(), "{log:#?}");
    let ids: BTreeSet<&str> = log.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), 1, "every retry carries the same webhook-id: {ids:?}");
    let timestamps: BTreeSet<&str> = log.iter().filter_map(|e| e["timestamp"].as_str()).collect();
    assert!(!timestamps.is_empty());
    // Every attempt is in the log, with the status it got.
    let attempts = app
        .query_text(&format!("SELECT COUNT(*) || ':' || COALESCE(MAX(status), 0) FROM webhook_attempt WHERE endpoint_id = '{endpoint}'"))
        .await;
    assert_eq!(attempts, "4:500");
    let state = app.query_text("SELECT state || ':' || attempts FROM webhook_delivery").await;
    assert_eq!(state, "delivered:4");
    let answer = app.query_text("SELECT answer FROM webhook_attempt WHERE status = 500 LIMIT 1").await;
    assert_eq!(answer, "temporarily broken", "the first KB of the answer is kept");
}
on_both_backends!(a_receiver_that_fails_three_times_then_recovers_gets_each_event_once_with_the_same_webhook_id, OUTBOUND);

async fn two_instances_never_send_one_event_twice(app: TestApp) {
    let receiver = Receiver::start("verify", 0).await;
    let (_, secret) = add_endpoint(&app, &receiver.url, &[]);
    receiver.set_secret(&secret).await;
    let second = app.start_another(&[]).await;
    // Deliveries to both instances; both hand out and send.
    let numbers: Vec<String> = (0..12).map(|i| format!("TWO-{i}")).collect();
    for (i, number) in numbers.iter().enumerate() {
        let base = if i % 2 == 0 { app.address.clone() } else { second.clone() };
        // As a carrier does: a 503 (SQLite's one writer busy with the other process) is
        // sent again.
        let mut status = 0;
        for _ in 0..5 {
            let form = reqwest::multipart::Form::new().text("form_data", depot_form(number, "Received in Depot", "2025-10-08T08:00:00Z"));
            let answer =
                app.client.post(format!("{base}/webhooks/depot")).bearer_auth(common::DEPOT_TOKEN).multipart(form).send().await.unwrap();
            status = answer.status().as_u16();
            if status != 503 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(status, 200);
    }
    let log = receiver.log_once(Duration::from_secs(20), |log| log.len() >= numbers.len()).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let log = if log.len() >= numbers.len() { receiver.log().await } else { log };
    let mut times: BTreeMap<&str, u32> = BTreeMap::new();
    for entry in &log {
        *times.entry(entry["id"].as_str().unwrap_or("?")).or_default() += 1;
    }
    assert_eq!(times.len(), numbers.len(), "one event per parcel: {times:?}");
    assert!(times.values().all(|&n| n == 1), "no event was sent twice: {times:?}");
    let sent_by = app.query_text("SELECT CAST(COUNT(DISTINCT claimed_by) AS TEXT) || ' ' || CAST(COUNT(*) AS TEXT) FROM webhook_delivery WHERE state = 'delivered'").await;
    assert!(sent_by.ends_with(&format!(" {}", numbers.len())), "{sent_by}");
}
on_both_backends!(two_instances_never_send_one_event_twice, OUTBOUND);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_added_through_the_staff_api_answers_201_with_its_secret_and_bad_destinations_get_clear_errors() {
    let app = common::spawn_app(Backend::Sqlite).await;
    app.with_staff();
    let key = app.create_api_key(STAFF_EMAIL);
    let post = |body: Value| {
        let (client, url, key) = (app.client.clone(), format!("{}/staff/api/webhook-endpoints", app.address), key.clone());
        async move { client.post(url).bearer_auth(key).json(&body).send().await.expect("sent") }
    };
    let added = post(serde_json::json!({"url": "https://hooks.example.com/waybill", "events": ["parcel.delivered"]})).await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert!(added["id"].as_str().is_some_and(|id| id.starts_with("ep_")), "{added}");
    assert!(added["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")), "{added}");

    for (body, says) in [
        (serde_json::json!({"url": "http://hooks.example.com/x"}), "https://"),
        (serde_json::json!({"url": "https://127.0.0.1/x"}), "loopback, private"),
        (serde_json::json!({"url": "https://169.254.169.254/latest/meta-data"}), "metadata"),
        (serde_json::json!({"url": "https://[::1]/x"}), "loopback"),
        (serde_json::json!({"url": "https://hooks.example.com/x", "events": ["parcel.lost"]}), "unknown event kind"),
        (serde_json::json!({"url": "not a url"}), "does not parse"),
        (serde_json::json!({"address": "https://hooks.example.com/x"}), "url"),
    ] {
        let answer = post(body.clone()).await;
        assert_eq!(answer.status(), 400, "{body}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(says), "{body}: {text}");
    }
    let unauthenticated = app
        .client
        .post(format!("{}/staff/api/webhook-endpoints", app.address))
        .json(&serde_json::json!({"url": "https://x.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);

    // The CLI refuses the same, naming why, and lists what was added (never a secret).
    let out = app.run_waybill(&["webhook", "add", "--url", "https://10.0.0.8/hook"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("private"), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = String::from_utf8(app.run_waybill(&["webhook", "list"]).stdout).unwrap();
    assert!(listed.contains(added["id"].as_str().unwrap()) && listed.contains("parcel.delivered"), "{listed}");
    assert!(!listed.contains("whsec_"), "{listed}");
    let removed = app.run_waybill(&["webhook", "remove", added["id"].as_str().unwrap()]);
    assert!(removed.status.success());
    assert!(!String::from_utf8(app.run_waybill(&["webhook", "list"]).stdout).unwrap().contains(added["id"].as_str().unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_answers_410_is_disabled_with_a_notice_on_every_staff_page_and_staff_can_test_and_send_again() {
    let app = common::spawn_app_with(Backend::Sqlite, &OUTBOUND).await;
    app.with_staff();
    let gone = Receiver::start("gone", 0).await;
    let (gone_id, gone_secret) = add_endpoint(&app, &gone.url, &[]);
    gone.set_secret(&gone_secret).await;
    let healthy = Receiver::start("verify", 0).await;
    let (healthy_id, healthy_secret) = add_endpoint(&app, &healthy.url, &[]);
    healthy.set_secret(&healthy_secret).await;
    assert_eq!(app.post_depot(&depot_form("GONE-1", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
    healthy.log_once(Duration::from_secs(10), |log| !log.is_empty()).await;
    gone.log_once(Duration::from_secs(10), |log| !log.is_empty()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut browser = app.staff_browser().await;
    let (status, search) = browser.page("/staff").await;
    assert_eq!(status, 200);
    assert!(search.contains("1 webhook endpoint(s) disabled"), "the banner is on every staff page");
    let (_, page) = browser.page("/staff/webhooks").await;
    assert!(page.contains("answered 410 Gone"), "the reason is shown");
    assert!(page.contains("1 delivered, 0 waiting, 0 given up"), "{page}");
    assert_eq!(gone.log().await.len(), 1, "a disabled endpoint is not tried again");

    // A test event reaches the one endpoint it was sent to, signed like any other.
    let csrf = browser.csrf("/staff/webhooks").await;
    let sent = browser.post_form(&format!("/staff/webhooks/{healthy_id}/test"), &[("csrf", &csrf)]).await;
    assert_eq!(sent.status(), 303);
    let log = healthy.log_once(Duration::from_secs(10), |log| log.len() >= 2).await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["payload"]["type"], "webhook.test");
    assert_eq!(log[1]["verified"], true);
    // Sending the parcel's event again: the same webhook-id once more.
    let event_id = log[0]["id"].as_str().unwrap().to_string();
    let again = browser.post_form(&format!("/staff/webhooks/{healthy_id}/resend"), &[("csrf", &csrf), ("event_id", &event_id)]).await;
    assert_eq!(again.status(), 303);
    let log = healthy.log_once(Duration::from_secs(10), |log| log.len() >= 3).await;
    assert_eq!(log[2]["id"], event_id.as_str());
    let key = app.create_api_key(common::staff::STAFF_EMAIL);
    let events = pull_events(&app, &key, "").await;
    assert!(events["events"].as_array().unwrap().iter().all(|e| e["type"] != "webhook.test"), "test events are not parcel events");
    let attempts = attempts_of(&app, &key, &gone_id).await;
    assert_eq!(attempts["attempts"][0]["status"], 410);
    assert_eq!(attempts["attempts"][0]["answer"], "this endpoint is gone");

    // A new secret: for a day both sign, so the receiver still holding the old one verifies,
    // and one given the new one does too.
    let rotated: Value = app
        .client
        .post(format!("{}/staff/api/webhook-endpoints/{healthy_id}/rotate-secret", app.address))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_secret = rotated["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, healthy_secret);
    browser.post_form(&format!("/staff/webhooks/{healthy_id}/test"), &[("csrf", &csrf)]).await;
    let log = healthy.log_once(Duration::from_secs(10), |log| log.len() >= 4).await;
    assert_eq!(log[3]["verified"], true, "the old secret still verifies: {:?}", log[3]);
    let signatures = log[3]["signatures"].as_u64();
    assert_eq!(signatures, Some(2), "signed with both secrets");
    healthy.set_secret(&new_secret).await;
    browser.post_form(&format!("/staff/webhooks/{healthy_id}/test"), &[("csrf", &csrf)]).await;
    let log = healthy.log_once(Duration::from_secs(10), |log| log.len() >= 5).await;
    assert_eq!(log[4]["verified"], true, "and so does the new one");
}
