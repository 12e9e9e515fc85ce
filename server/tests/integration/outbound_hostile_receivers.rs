//! Receivers that misbehave cannot hurt the server or the other endpoints: one that never
//! answers is given up after the timeout, one that answers 10 MB is read only up to the
//! cap, one that redirects is not followed, and meanwhile ingest and a healthy endpoint go
//! on as if they were not there.
use crate::common::receiver::Receiver;
use crate::common::{self, depot_form, Backend};
use crate::outbound_webhooks::add_endpoint;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_answers_answers_10_mb_or_redirects_cannot_hurt_the_server_or_a_healthy_endpoint() {
    let app = common::spawn_app_with(
        Backend::Sqlite,
        &[
            ("WAYBILL_OUTBOUND_ALLOW_PRIVATE", "1"),
            ("WAYBILL_OUTBOUND_POLL_MS", "50"),
            ("WAYBILL_WEBHOOK_TIMEOUT_SECS", "2"),
            ("WAYBILL_WEBHOOK_RETRY_SCHEDULE", "none"),
        ],
    )
    .await;
    let healthy = Receiver::start("verify", 0).await;
    let (_, secret) = add_endpoint(&app, &healthy.url, &[]);
    healthy.set_secret(&secret).await;
    let silent = Receiver::start("never-answer", 0).await;
    let huge = Receiver::start("huge", 0).await;
    let redirecting = Receiver::start("redirect", 0).await;
    let (silent_id, _) = add_endpoint(&app, &silent.url, &[]);
    let (huge_id, _) = add_endpoint(&app, &huge.url, &[]);
    let (redirect_id, _) = add_endpoint(&app, &redirecting.url, &[]);

    for i in 0..6 {
        let form = depot_form(&format!("HOSTILE-{i}"), "Received in Depot", "2025-10-08T08:00:00Z");
        assert_eq!(app.post_depot(&form, None).await.status(), 200, "ingest goes on");
    }
    // The healthy endpoint gets all six while the silent one still holds its sends.
    let log = healthy.log_once(Duration::from_secs(10), |log| log.len() >= 6).await;
    assert_eq!(log.len(), 6, "{log:#?}");
    assert_eq!(app.get("/healthz").await.status(), 200);

    // Every hostile attempt is logged for staff with what went wrong.
    let settled =
        || async { app.query_text(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM webhook_attempt WHERE endpoint_id = '{silent_id}'")).await };
    for _ in 0..100 {
        if settled().await == "6" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(settled().await, "6", "each silent attempt ends at the timeout");
    let silent_error = app.query_text(&format!("SELECT error FROM webhook_attempt WHERE endpoint_id = '{silent_id}' LIMIT 1")).await;
    assert!(silent_error.contains("no answer within 2 s") || silent_error.contains("timed out"), "{silent_error}");
    let huge_answer = app
        .query_text(&format!(
            "SELECT CAST(MAX(LENGTH(answer)) AS TEXT) || ' ' || MAX(error) FROM webhook_attempt WHERE endpoint_id = '{huge_id}'"
        ))
        .await;
    assert!(huge_answer.starts_with("1024 "), "at most the first KB is kept: {huge_answer}");
    assert!(huge_answer.contains("the rest was not read"), "{huge_answer}");
    let redirect = app
        .query_text(&format!(
            "SELECT CAST(MAX(status) AS TEXT) || ' ' || MAX(error) FROM webhook_attempt WHERE endpoint_id = '{redirect_id}'"
        ))
        .await;
    assert!(redirect.starts_with("302 ") && redirect.contains("not followed"), "{redirect}");
    assert!(redirecting.log().await.iter().all(|e| e["path"] == "/hooks"), "the redirect's target was never asked");
    // Every redirected attempt failed, and with no retries left its delivery is given up. How
    // many were attempted depends on timing: with an empty schedule, failures at two moments
    // are "failing longer than the schedule", which disables the endpoint, and what it has
    // not been sent waits for it to be enabled again.
    let app = &app;
    let count = |which: &'static str| {
        let sql = format!("SELECT CAST(COUNT(*) AS TEXT) FROM webhook_delivery WHERE endpoint_id = '{redirect_id}' AND {which}");
        async move { app.query_text(&sql).await }
    };
    for _ in 0..100 {
        if count("attempts > 0").await == count("attempts > 0 AND state = 'failed'").await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let attempted: u32 = count("attempts > 0").await.parse().unwrap();
    assert!(attempted >= 1, "the redirecting endpoint was tried");
    assert_eq!(
        count("attempts > 0 AND state = 'failed'").await,
        attempted.to_string(),
        "a redirect is a failed attempt, given up with no retries left"
    );
    assert_eq!(count("state = 'delivered'").await, "0", "nothing counts as delivered to it");
    if attempted < 6 {
        let disabled = app
            .query_text(&format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM webhook_endpoint WHERE id = '{redirect_id}' AND disabled_at IS NOT NULL"
            ))
            .await;
        assert_eq!(disabled, "1", "fewer than six tried only because the endpoint was disabled ({attempted} tried)");
    }
}
