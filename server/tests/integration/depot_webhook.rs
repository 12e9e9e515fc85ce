//! `POST /webhooks/depot` against the real server, on SQLite and on PostgreSQL.
use crate::common;

use common::{depot_form, ConnectionTrait, TestApp, SIGNATURE_PNG};
use serde_json::{json, Value};

async fn a_delivered_depot_delivery_with_pod_is_accepted_and_tracked(app: TestApp) {
    let form = include_str!("../fixtures/depot-delivered.form_data.json");
    let response = app.post_depot(form, Some((SIGNATURE_PNG, "signature.png"))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"status": "accepted", "duplicate": false, "tracking_number": "ARP1000052447"}));

    let tracked = app.track_json("ARP1000052447").await;
    assert_eq!(
        tracked,
        json!({"parcels": [{
            "carrier": "depot",
            "tracking_number": "ARP1000052447",
            "status": "delivered",
            "substatus": "delivered",
            "eta": null,
            "updated_at": "2025-10-08T10:15:00Z",
            "events": [{
                "occurred_at": "2025-10-08T10:15:00Z",
                "status": "delivered",
                "substatus": "delivered",
                "description": "Delivered successfully",
                "location": null
            }]
        }]})
    );
    assert_eq!(app.count("pod_file").await, 1);
    assert_eq!(app.count("raw_delivery").await, 1);
}
on_both_backends!(a_delivered_depot_delivery_with_pod_is_accepted_and_tracked);

async fn the_same_delivery_sent_again_is_a_duplicate_and_changes_nothing(app: TestApp) {
    let form = depot_form("DUP-1", "Delivered", "2025-10-08T10:15:00Z");
    let first: Value = app.post_depot(&form, Some((SIGNATURE_PNG, "a.png"))).await.json().await.unwrap();
    assert_eq!(first["duplicate"], false);
    let before = app.track_json("DUP-1").await;
    for _ in 0..3 {
        let again = app.post_depot(&form, Some((SIGNATURE_PNG, "a.png"))).await;
        assert_eq!(again.status(), 200);
        assert_eq!(again.json::<Value>().await.unwrap(), json!({"status": "accepted", "duplicate": true, "tracking_number": "DUP-1"}));
    }
    assert_eq!(app.track_json("DUP-1").await, before);
    assert_eq!(app.count("tracking_event").await, 1);
    assert_eq!(app.count("pod_file").await, 1);
    // Every delivery is archived, duplicates included.
    assert_eq!(app.count("raw_delivery").await, 4);
}
on_both_backends!(the_same_delivery_sent_again_is_a_duplicate_and_changes_nothing);

async fn out_of_order_deliveries_take_the_status_of_the_latest_carrier_time(app: TestApp) {
    for (status, time) in [
        ("Delivered", "2025-10-08T15:00:00Z"),
        ("Not Scanned", "2025-10-07T08:00:00Z"),
        ("In Transit", "2025-10-08T09:00:00+02:00"),
        ("Received in Depot", "2025-10-07T18:00:00Z"),
    ] {
        assert_eq!(app.post_depot(&depot_form("ORDER-1", status, time), None).await.status(), 200);
    }
    let tracked = app.track_json("ORDER-1").await;
    let parcel = &tracked["parcels"][0];
    assert_eq!(parcel["status"], "delivered");
    let times: Vec<&str> = parcel["events"].as_array().unwrap().iter().map(|e| e["occurred_at"].as_str().unwrap()).collect();
    assert_eq!(times, ["2025-10-08T15:00:00Z", "2025-10-08T07:00:00Z", "2025-10-07T18:00:00Z", "2025-10-07T08:00:00Z"]);
}
on_both_backends!(out_of_order_deliveries_take_the_status_of_the_latest_carrier_time);

async fn an_unknown_status_is_kept_but_does_not_change_the_current_status(app: TestApp) {
    app.post_depot(&depot_form("UNK-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    let response = app.post_depot(&depot_form("UNK-1", "Abducted by Aliens", "2025-10-08T10:00:00Z"), None).await;
    assert_eq!(response.status(), 200);
    let parcel = &app.track_json("UNK-1").await["parcels"][0];
    assert_eq!(parcel["status"], "out_for_delivery");
    assert_eq!(parcel["events"][0]["status"], "unknown");
    assert_eq!(parcel["events"][0]["substatus"], "abducted_by_aliens");
}
on_both_backends!(an_unknown_status_is_kept_but_does_not_change_the_current_status);

async fn bad_or_missing_credentials_are_401_and_nothing_is_applied(app: TestApp) {
    let form = depot_form("AUTH-1", "Delivered", "2025-10-08T10:15:00Z");
    for token in [Some("wrong-token"), Some(""), None] {
        let response = app.post_depot_with_token(&form, Some((SIGNATURE_PNG, "x.png")), token).await;
        assert_eq!(response.status(), 401);
        assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    }
    assert_eq!(app.get("/api/v1/track/AUTH-1").await.status(), 404);
    assert_eq!(app.count("raw_delivery").await, 0);
    assert_eq!(app.count("pod_file").await, 0);
    let stored = std::fs::read_dir(app.dir.path().join("pod")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "no POD object written for an unauthenticated request");
}
on_both_backends!(bad_or_missing_credentials_are_401_and_nothing_is_applied);

async fn malformed_form_data_is_400_naming_the_field_and_kept_in_quarantine(app: TestApp) {
    let cases = [
        ("not json at all", "form_data"),
        (r#"{"track_status":"Delivered","track_datetime":"2025-10-08T10:15:00Z"}"#, "form_data.articleId"),
        (r#"{"articleId":"Q-1","track_status":"Delivered","track_datetime":"next tuesday"}"#, "form_data.track_datetime"),
        (r#"{"articleId":"Q-1","track_datetime":"2025-10-08T10:15:00Z"}"#, "form_data.track_status"),
        (r#"[1,2,3]"#, "form_data"),
    ];
    for (body, field) in cases {
        let response = app.post_depot(body, None).await;
        assert_eq!(response.status(), 400, "{body}");
        let error = response.json::<Value>().await.unwrap()["error"].as_str().unwrap().to_string();
        assert!(error.starts_with(&format!("{field}:")), "{error} should name {field}");
    }
    assert_eq!(app.count("raw_delivery").await, cases.len() as i64);
    assert_eq!(app.count("tracking_event").await, 0);
    let quarantined = app
        .db
        .query_one(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM raw_delivery WHERE outcome = 'quarantined' AND error IS NOT NULL",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(quarantined, cases.len() as i64);
}
on_both_backends!(malformed_form_data_is_400_naming_the_field_and_kept_in_quarantine);

async fn a_request_without_form_data_is_400(app: TestApp) {
    let form = reqwest::multipart::Form::new().part("pod_file", reqwest::multipart::Part::bytes(SIGNATURE_PNG).file_name("s.png"));
    let response =
        app.client.post(format!("{}/webhooks/depot", app.address)).bearer_auth(common::DEPOT_TOKEN).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.json::<Value>().await.unwrap()["error"].as_str().unwrap().starts_with("form_data"));
}
on_both_backends!(a_request_without_form_data_is_400);

async fn html_posing_as_a_jpeg_is_415_and_not_stored(app: TestApp) {
    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
    let response = app.post_depot(&depot_form("HTML-1", "Delivered", "2025-10-08T10:15:00Z"), Some((html, "photo.jpg"))).await;
    assert_eq!(response.status(), 415);
    assert!(response.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("pod_file"));
    assert_eq!(app.count("pod_file").await, 0);
    assert_eq!(app.count("tracking_event").await, 0);
}
on_both_backends!(html_posing_as_a_jpeg_is_415_and_not_stored);

async fn a_pod_file_name_with_a_nul_byte_is_400_and_kept_in_quarantine(app: TestApp) {
    let form = depot_form("NUL-1", "Delivered", "2025-10-08T10:15:00Z");
    let response = app.post_depot(&form, Some((SIGNATURE_PNG, "sig\0.png"))).await;
    assert_eq!(response.status(), 400);
    assert!(response.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("multipart"));
    assert_eq!(app.count("tracking_event").await, 0);
    assert_eq!(app.count("raw_delivery").await, 1, "kept in the quarantine");
}
on_both_backends!(a_pod_file_name_with_a_nul_byte_is_400_and_kept_in_quarantine);

async fn a_pod_file_over_the_limit_is_413(app: TestApp) {
    // The test server allows 1 MiB; send a real PNG header followed by 2 MiB.
    let mut big = SIGNATURE_PNG.to_vec();
    big.resize(2 * 1024 * 1024, 0);
    let response = app.post_depot(&depot_form("BIG-1", "Delivered", "2025-10-08T10:15:00Z"), Some((&big, "big.png"))).await;
    assert_eq!(response.status(), 413);
    assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    assert_eq!(app.count("tracking_event").await, 0);
}
on_both_backends!(a_pod_file_over_the_limit_is_413);

async fn a_body_that_is_not_multipart_is_415(app: TestApp) {
    let response = app
        .client
        .post(format!("{}/webhooks/depot", app.address))
        .bearer_auth(common::DEPOT_TOKEN)
        .header("content-type", "application/json")
        .body(depot_form("CT-1", "Delivered", "2025-10-08T10:15:00Z"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(response.headers()["content-type"], "application/json");
}
on_both_backends!(a_body_that_is_not_multipart_is_415);

async fn fifty_concurrent_copies_of_one_delivery_give_exactly_one_event(app: TestApp) {
    let form = depot_form("RACE-1", "Delivered", "2025-10-08T10:15:00Z");
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (app, form) = (app.clone(), form.clone());
            tokio::spawn(async move { app.post_depot(&form, None).await.json::<Value>().await.unwrap() })
        })
        .collect();
    let mut fresh = 0;
    for task in tasks {
        let body = task.await.unwrap();
        assert_eq!(body["status"], "accepted");
        if body["duplicate"] == false {
            fresh += 1;
        }
    }
    assert_eq!(fresh, 1, "exactly one copy is new");
    assert_eq!(app.count("tracking_event").await, 1);
    assert_eq!(app.count("parcel").await, 1);
    assert_eq!(app.count("share_link").await, 1);
}
on_both_backends!(fifty_concurrent_copies_of_one_delivery_give_exactly_one_event);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unset_depot_token_is_503_naming_the_variable() {
    let app = common::spawn_app_with(common::Backend::Sqlite, &[("WAYBILL_DEPOT_TOKEN", "")]).await;
    let response = app.post_depot(&depot_form("CFG-1", "Delivered", "2025-10-08T10:15:00Z"), None).await;
    assert_eq!(response.status(), 503);
    assert!(response.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("WAYBILL_DEPOT_TOKEN"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_mode_accepts_a_depot_delivery_without_a_token() {
    let app = common::spawn_app_with(common::Backend::Sqlite, &[("WAYBILL_DEPOT_TOKEN", ""), ("WAYBILL_DEV", "1")]).await;
    let response = app.post_depot_with_token(&depot_form("DEV-1", "Delivered", "2025-10-08T10:15:00Z"), None, None).await;
    assert_eq!(response.status(), 200);
}
