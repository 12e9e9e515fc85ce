//! What the public page says about the arrival (`app::eta`): "Delivered at …" once
//! delivered, the estimate otherwise, without a window older than the parcel's latest
//! event, and "No delivery estimate yet" when there is none.
use crate::common;

fn arrival_of(html: &str) -> String {
    html.split(r#"<p class="eta"#).nth(1).and_then(|rest| rest.split("</p>").next()).unwrap_or_default().replace("<!>", "")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_says_delivered_expected_or_no_estimate_by_the_rules() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    // Deliverect: an estimate, then delivered.
    let deliverect = |status: u32, received: &str| {
        serde_json::json!({"orderId": "ARR-1", "received": received, "deliveryTime": "2025-10-08T12:35:00Z", "courier": {"status": status}})
            .to_string()
    };
    assert_eq!(app.post_signed("deliverect", &deliverect(87, "2025-10-08T12:04:00Z")).await.status(), 200);
    let out = arrival_of(&app.get("/track/ARR-1").await.text().await.unwrap());
    assert!(out.contains("Expected") && out.contains("2025-10-08T12:35:00Z"), "{out}");
    assert_eq!(app.post_signed("deliverect", &deliverect(90, "2025-10-08T12:40:00Z")).await.status(), 200);
    let delivered = arrival_of(&app.get("/track/ARR-1").await.text().await.unwrap());
    assert!(delivered.contains("Delivered at") && delivered.contains("2025-10-08T12:40:00Z"), "{delivered}");
    assert!(!delivered.contains("Expected"), "a delivered parcel is not expected any more");

    // Uber: today's estimate with the sample's window of 2023 beside events of today.
    let mut uber: serde_json::Value = serde_json::from_str(include_str!("../fixtures/uber-courier-update.json")).unwrap();
    let now = chrono::Utc::now();
    let at = |minutes: i64| (now + chrono::Duration::minutes(minutes)).to_rfc3339();
    uber["data"]["id"] = "del_ARR2".into();
    uber["data"]["status"] = "dropoff".into();
    uber["created"] = at(-5).into();
    uber["data"]["dropoff_eta"] = at(30).into();
    let body = uber.to_string();
    assert_eq!(app.post_signed("uber", &body).await.status(), 200);
    let expected = arrival_of(&app.get("/track/del_ARR2").await.text().await.unwrap());
    assert!(expected.contains("Expected") && !expected.contains("2023"), "the stale window is dropped: {expected}");
    assert!(!expected.contains("late"), "not late: {expected}");

    // A depot parcel: no estimate at all.
    assert_eq!(app.post_depot(&common::depot_form("ARR-3", "Received in Depot", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    let none = arrival_of(&app.get("/track/ARR-3").await.text().await.unwrap());
    assert!(none.contains("No delivery estimate yet"), "{none}");
}
