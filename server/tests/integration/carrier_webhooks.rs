//! The four JSON carriers through their real endpoints, on SQLite and on PostgreSQL.
use crate::common;

use common::{hmac_hex, TestApp};
use serde_json::{json, Value};

fn deliverect(received: &str, status: u32, delivery_time: &str) -> String {
    json!({
        "received": received, "orderId": "DLV-1", "rawDriverUpdate": [], "updatedOrigin": 1,
        "pickupTime": "2024-03-11T12:15:00Z", "deliveryTime": delivery_time, "location": "loc-1",
        "courier": {"firstName": "Sam", "lastName": "Jansen", "phoneNumber": "+31612345678", "deliveryBy": "restaurant", "status": status}
    })
    .to_string()
}

async fn deliverect_updates_move_the_eta_without_adding_events(app: TestApp) {
    let first = deliverect("2024-03-11T12:04:31Z", 87, "2024-03-11T12:35:00Z");
    let response = app.post_signed("deliverect", &first).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"status":"accepted","duplicate":false,"tracking_number":"DLV-1"}));
    // The alias path is the same endpoint: the same delivery is a duplicate there.
    let alias = app
        .post_json("/courierUpdateStatus", &first, &[("x-server-authorization-hmac-sha256", hmac_hex(common::DELIVERECT_SECRET, &first))])
        .await;
    assert_eq!(alias.json::<Value>().await.unwrap()["duplicate"], true);

    let moved = deliverect("2024-03-11T12:10:00Z", 87, "2024-03-11T12:41:00Z");
    assert_eq!(app.post_signed("deliverect", &moved).await.json::<Value>().await.unwrap()["duplicate"], false);
    let parcel = &app.track_json("DLV-1").await["parcels"][0];
    assert_eq!(parcel["eta"], "2024-03-11T12:41:00Z");
    assert_eq!(parcel["events"].as_array().unwrap().len(), 1, "an ETA move adds no event");
    assert_eq!(parcel["status"], "out_for_delivery");

    // An older update arriving late does not move the ETA back.
    app.post_signed("deliverect", &deliverect("2024-03-11T12:05:00Z", 87, "2024-03-11T12:30:00Z")).await;
    assert_eq!(app.track_json("DLV-1").await["parcels"][0]["eta"], "2024-03-11T12:41:00Z");

    app.post_signed("deliverect", &deliverect("2024-03-11T12:40:00Z", 90, "2024-03-11T12:41:00Z")).await;
    let parcel = &app.track_json("DLV-1").await["parcels"][0];
    assert_eq!(parcel["status"], "delivered");
    assert_eq!(parcel["events"].as_array().unwrap().len(), 2);
}
on_both_backends!(deliverect_updates_move_the_eta_without_adding_events);

fn uber(event_id: &str, kind: &str, created: &str, status: &str, lat: f64, eta: &str) -> String {
    let mut body: Value = serde_json::from_str(include_str!("../fixtures/uber-courier-update.json")).unwrap();
    body["id"] = json!(event_id);
    body["kind"] = json!(kind);
    body["created"] = json!(created);
    body["data"]["status"] = json!(status);
    body["data"]["external_id"] = json!("SHOP-ORDER-77");
    body["data"]["dropoff_eta"] = json!(eta);
    body["location"] = json!({"lat": lat, "lng": -74.0119});
    body.to_string()
}

async fn uber_pings_move_the_courier_and_add_events_only_on_status_changes(app: TestApp) {
    let n = "del_y_aY8RuTQ0CRKu2aFXe8qQ";
    let posts = [
        uber("evt_1", "event.delivery_status", "2023-07-06T05:06:00Z", "pending", 40.70, "2023-07-06T05:30:00Z"),
        uber("evt_2", "event.delivery_status", "2023-07-06T05:08:00Z", "pickup", 40.71, "2023-07-06T05:25:00Z"),
        uber("evt_3", "event.courier_update", "2023-07-06T05:08:20Z", "pickup", 40.72, "2023-07-06T05:24:00Z"),
        uber("evt_4", "event.courier_update", "2023-07-06T05:08:40Z", "pickup", 40.73, "2023-07-06T05:23:00Z"),
        uber("evt_5", "event.delivery_status", "2023-07-06T05:12:00Z", "pickup_complete", 40.74, "2023-07-06T05:21:00Z"),
    ];
    for body in &posts {
        assert_eq!(app.post_signed("uber", body).await.status(), 200);
    }
    // A re-sent event changes nothing.
    assert_eq!(app.post_signed("uber", &posts[3]).await.json::<Value>().await.unwrap()["duplicate"], true);
    // The legacy header is accepted too.
    let legacy = app.post_json("/webhooks/uber", &posts[2], &[("x-postmates-signature", hmac_hex(common::UBER_KEY, &posts[2]))]).await;
    assert_eq!(legacy.status(), 200);

    let parcel = &app.track_json(n).await["parcels"][0];
    assert_eq!(parcel["status"], "in_transit");
    assert_eq!(parcel["eta"], "2023-07-06T05:21:00Z");
    let statuses: Vec<&str> = parcel["events"].as_array().unwrap().iter().map(|e| e["substatus"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["pickup_complete", "pickup", "pending"], "one event per status change");
    // The drop-off window is shown on the page.
    let page = app.get(&format!("/track/{n}")).await.text().await.unwrap();
    assert!(
        page.contains("between")
            && page.contains(r#"datetime="2023-07-06T05:06:02Z""#)
            && page.contains(r#"datetime="2023-07-06T05:56:08Z""#)
    );
    // external_id finds the same parcel.
    assert_eq!(app.track_json("SHOP-ORDER-77").await["parcels"][0]["tracking_number"], n);
    assert_eq!(app.count("courier_position").await, 5);

    // The share link shows the courier on the map; the verification images are proof of a
    // delivery, shown once there is one.
    let html = app.get(&format!("/t/{}", app.share_token(n).await)).await.text().await.unwrap();
    assert!(html.contains("Cori R."), "courier first name and initial");
    assert!(!html.contains("+11111111111"), "no courier phone");
    assert!(html.contains("courier-map"), "last known position, on the map");
    assert!(!html.contains("tb-static.uber.com/prod/file-upload/uploads/courier-task-platform/signatures/"), "no POD before delivery");
    let delivered = uber("evt_6", "event.delivery_status", "2023-07-06T05:20:00Z", "delivered", 40.75, "2023-07-06T05:21:00Z");
    assert_eq!(app.post_signed("uber", &delivered).await.status(), 200);
    let html = app.get(&format!("/t/{}", app.share_token(n).await)).await.text().await.unwrap();
    assert!(html.contains("https://tb-static.uber.com/prod/file-upload/uploads/courier-task-platform/signatures/"), "POD once delivered");
    // The public page shows none of it.
    let public = app.get(&format!("/track/{n}")).await.text().await.unwrap();
    assert!(!public.contains("Cori R.") && !public.contains("tb-static.uber.com"));
}
on_both_backends!(uber_pings_move_the_courier_and_add_events_only_on_status_changes);

async fn the_courier_trail_shows_the_newest_fifty_positions_keeps_at_most_twice_that_and_ignores_older_pings(app: TestApp) {
    let at = |second: u32| format!("2023-07-06T05:{:02}:{:02}Z", 10 + second / 60, second % 60);
    let ping = |i: u32| {
        uber(&format!("evt_trail_{i}"), "event.courier_update", &at(i), "pickup", 40.0 + f64::from(i) / 1000.0, "2023-07-06T06:00:00Z")
    };
    let shown = || async {
        let token = app.share_token("del_y_aY8RuTQ0CRKu2aFXe8qQ").await;
        let (_, view) = server::read_model::ReadModel::new(app.db.clone(), None).shared_parcel(&token).await.unwrap().unwrap();
        view.courier.map(|c| c.trail).unwrap_or_default()
    };
    for i in 0..60 {
        assert_eq!(app.post_signed("uber", &ping(i)).await.status(), 200);
    }
    let trail = shown().await;
    assert_eq!(trail.len(), 50, "the newest fifty are shown");
    assert!((trail[0].0 - 40.010).abs() < 1e-9 && (trail[49].0 - 40.059).abs() < 1e-9, "oldest first: {:?}", (trail[0], trail[49]));
    assert_eq!(app.count("courier_position").await, 60, "older positions wait to be deleted in one go");
    for i in 60..101 {
        assert_eq!(app.post_signed("uber", &ping(i)).await.status(), 200);
    }
    assert_eq!(app.count("courier_position").await, 50, "the 101st position trims the trail back to fifty");
    assert_eq!(app.query_text("SELECT CAST(MIN(lat) AS TEXT) FROM courier_position").await.trim_end_matches('0'), "40.051");
    // A late ping older than every position shown is not added.
    let late = uber("evt_trail_late", "event.courier_update", &at(20), "pickup", 41.0, "2023-07-06T06:00:00Z");
    assert_eq!(app.post_signed("uber", &late).await.status(), 200);
    assert_eq!(app.count("courier_position").await, 50);
    assert!(shown().await.iter().all(|p| p.0 < 41.0));
}
on_both_backends!(the_courier_trail_shows_the_newest_fifty_positions_keeps_at_most_twice_that_and_ignores_older_pings);

async fn peddler_keeps_both_languages_and_is_found_by_id_and_metadata(app: TestApp) {
    let failed = include_str!("../fixtures/peddler-failed-attempt.json");
    assert_eq!(app.post_signed("peddler", failed).await.status(), 200);
    let parcel = &app.track_json("P199684830307745678").await["parcels"][0];
    assert_eq!(parcel["status"], "failed_attempt");
    assert_eq!(parcel["events"][0]["substatus"], "customer_not_present_no_neighbours");
    assert_eq!(parcel["events"][0]["description"], "Customer not answering; no neighbours available");
    for reference in ["fx6_ZSWp0RDc24csBqOj9", "78420240902-2"] {
        assert_eq!(app.track_json(reference).await["parcels"][0]["tracking_number"], "P199684830307745678");
    }
    let texts = app.query_text("SELECT texts FROM tracking_event").await;
    assert!(texts.contains("Afleverpoging mislukt") && texts.contains("Delivery attempt failed"));
    // Pages show the carrier's text in the visitor's language.
    let page = |lang: &'static str| {
        let url = format!("{}/track/P199684830307745678", app.address);
        let client = app.client.clone();
        async move { client.get(url).header("accept-language", lang).send().await.unwrap().text().await.unwrap() }
    };
    let shown = |html: &str, text: &str| html.contains(&format!(r#"class="event-description">{text}<"#));
    let dutch = page("nl-NL,nl;q=0.9").await;
    assert!(shown(&dutch, "Afleverpoging mislukt op bestemming"), "Dutch text for a Dutch visitor");
    let english = page("en-GB,en;q=0.9").await;
    assert!(shown(&english, "Customer not answering; no neighbours available"), "English reason for others");

    let out = include_str!("../fixtures/peddler-out-for-delivery.json");
    assert_eq!(app.post_signed("peddler", out).await.status(), 200);
    let parcel = &app.track_json("P123456789012345678").await["parcels"][0];
    assert_eq!(parcel["events"][0]["location"], serde_json::Value::Null, "the doorstep's GPS is no public location");
    let page = app.get("/track/P123456789012345678").await.text().await.unwrap();
    assert!(!page.contains("52.34") && !page.contains("4.823"), "no coordinates on the public page");
    let position = app.query_text("SELECT CAST(lat AS TEXT) FROM courier_position").await;
    assert!(position.starts_with("52.34"), "the position goes to the courier (share link): {position}");
}
on_both_backends!(peddler_keeps_both_languages_and_is_found_by_id_and_metadata);

async fn keydelivery_history_becomes_one_event_per_item_however_often_resent(app: TestApp) {
    let history = include_str!("../fixtures/keydelivery-completed.json");
    for _ in 0..3 {
        let response = app.post_signed("keydelivery", history).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), r#"{"code":200,"message":"OK"}"#);
    }
    let parcel = &app.track_json("6981236054").await["parcels"][0];
    assert_eq!(parcel["events"].as_array().unwrap().len(), 4);
    assert_eq!(parcel["status"], "delivered");
    assert_eq!(parcel["events"][0]["occurred_at"], "2021-07-09T18:47:17Z", "zoneless times read as UTC");

    let mut expired: Value = serde_json::from_str(history).unwrap();
    expired["event"] = json!("expired");
    expired["message"] = json!("No status update for 60 days");
    assert_eq!(app.post_signed("keydelivery", &expired.to_string()).await.status(), 200);
    let parcel = &app.track_json("6981236054").await["parcels"][0];
    assert_eq!(parcel["events"].as_array().unwrap().len(), 5);
    assert!(parcel["events"].as_array().unwrap().iter().any(|e| e["status"] == "expired"));

    let unauthorized = app.post_json("/webhooks/keydelivery?token=wrong", history, &[]).await;
    assert_eq!(unauthorized.status(), 401);
    let body = unauthorized.json::<Value>().await.unwrap();
    assert_eq!(body["code"], 401);
    assert!(body["message"].is_string() && body["error"] == body["message"], "{body}");
    let broken = app.post_signed("keydelivery", r#"{"event":"update","items":[]}"#).await;
    assert_eq!(broken.status(), 400);
    let body = broken.json::<Value>().await.unwrap();
    assert_eq!(body["code"], 400);
    assert!(body["message"].as_str().unwrap().starts_with("tracking_number"));
}
on_both_backends!(keydelivery_history_becomes_one_event_per_item_however_often_resent);

async fn every_carrier_refuses_bad_credentials_with_401_and_applies_nothing(app: TestApp) {
    let deliverect_body = deliverect("2024-03-11T12:04:31Z", 87, "2024-03-11T12:35:00Z");
    let uber_body = include_str!("../fixtures/uber-courier-update.json");
    let peddler_body = include_str!("../fixtures/peddler-out-for-delivery.json");
    let key_body = include_str!("../fixtures/keydelivery-completed.json");
    // Re-serialized JSON under the original signature must not pass.
    let reserialized = serde_json::to_string_pretty(&serde_json::from_str::<Value>(&deliverect_body).unwrap()).unwrap();
    let cases: Vec<(&str, String, Vec<(&str, String)>)> = vec![
        ("/webhooks/deliverect", deliverect_body.clone(), vec![]),
        ("/webhooks/deliverect", deliverect_body.clone(), vec![("x-server-authorization-hmac-sha256", "00".repeat(32))]),
        ("/webhooks/deliverect", deliverect_body.clone(), vec![("x-server-authorization-hmac-sha256", "abc".into())]),
        ("/webhooks/deliverect", deliverect_body.clone(), vec![("x-server-authorization-hmac-sha256", "a".repeat(10_000))]),
        (
            "/webhooks/deliverect",
            reserialized,
            vec![("x-server-authorization-hmac-sha256", hmac_hex(common::DELIVERECT_SECRET, &deliverect_body))],
        ),
        (
            "/courierUpdateStatus",
            deliverect_body.clone(),
            vec![("x-server-authorization-hmac-sha256", hmac_hex("wrong", &deliverect_body))],
        ),
        ("/webhooks/uber", uber_body.to_string(), vec![("x-uber-signature", hmac_hex("wrong", uber_body))]),
        ("/webhooks/uber", uber_body.to_string(), vec![]),
        ("/webhooks/peddler", peddler_body.to_string(), vec![("x-webhook-shared-token", "wrong".into())]),
        ("/webhooks/peddler", peddler_body.to_string(), vec![]),
        ("/webhooks/keydelivery?token=wrong", key_body.to_string(), vec![]),
        ("/webhooks/keydelivery", key_body.to_string(), vec![]),
    ];
    for (path, body, headers) in &cases {
        let response = app.post_json(path, body, headers).await;
        assert_eq!(response.status(), 401, "{path} {headers:?}");
    }
    assert_eq!(
        app.post_depot_with_token(&common::depot_form("X", "Delivered", "2025-10-08T10:15:00Z"), None, Some("bad")).await.status(),
        401
    );
    assert_eq!(app.count("raw_delivery").await, 0);
    assert_eq!(app.count("parcel").await, 0);
}
on_both_backends!(every_carrier_refuses_bad_credentials_with_401_and_applies_nothing);

async fn unknown_statuses_are_stored_as_unknown_and_leave_the_status_alone(app: TestApp) {
    app.post_signed("peddler", include_str!("../fixtures/peddler-out-for-delivery.json")).await;
    let odd = json!({"carrierTrackingNumber": "P123456789012345678", "status": "BEAMED_UP", "ts": "2023-06-14T11:00:00Z", "code": 999});
    assert_eq!(app.post_signed("peddler", &odd.to_string()).await.status(), 200);
    let parcel = &app.track_json("P123456789012345678").await["parcels"][0];
    assert_eq!(parcel["status"], "out_for_delivery");
    assert_eq!(parcel["events"][0]["status"], "unknown");
    assert_eq!(parcel["events"][0]["substatus"], "beamed_up");
}
on_both_backends!(unknown_statuses_are_stored_as_unknown_and_leave_the_status_alone);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_400_naming_the_field_and_wrong_types_are_415_or_413() {
    let app = common::spawn_app_with(common::Backend::Sqlite, &[("WAYBILL_MAX_BODY_BYTES", "4096")]).await;
    let bad = app.post_signed("uber", r#"{"created":"2023-07-06T05:09:07Z","data":{"id":"del_1"}}"#).await;
    assert_eq!(bad.status(), 400);
    assert!(bad.json::<Value>().await.unwrap()["error"].as_str().unwrap().starts_with("data.status:"));
    let not_json = app.post_signed("peddler", "<xml/>").await;
    assert_eq!(not_json.status(), 400);
    assert_eq!(app.count("raw_delivery").await, 2, "both kept in the quarantine");

    let body = include_str!("../fixtures/peddler-out-for-delivery.json");
    let wrong_type = app
        .client
        .post(format!("{}/webhooks/peddler", app.address))
        .header("content-type", "text/html")
        .header("x-webhook-shared-token", common::PEDDLER_TOKEN)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    let huge = format!(r#"{{"pad":"{}"}}"#, "x".repeat(10_000));
    let too_big = app.post_signed("peddler", &huge).await;
    assert_eq!(too_big.status(), 413);
    assert!(too_big.json::<Value>().await.unwrap()["error"].is_string());
}
