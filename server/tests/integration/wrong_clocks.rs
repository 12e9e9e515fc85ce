//! A carrier's wrong clock must not pin a parcel: an event dated far after its webhook
//! arrived is quarantined by default, and staff can void a wrong event that got in anyway
//! (the check turned off, or a plausible but wrong time). A void is audited, survives
//! replay, and leaves the event struck through for staff and absent for customers.
use crate::common;

use common::{depot_form, TestApp};
use serde_json::Value;

async fn browser_notice(staff: &mut common::staff::StaffBrowser, response: reqwest::Response) -> (String, String) {
    staff.notice(response).await.expect("the page says what happened")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_dated_years_ahead_is_quarantined_by_default() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let body = r#"{"id":"clock-1","carrierTrackingNumber":"CLOCK-1","status":"DELIVERED","ts":"2099-01-01T00:00:00Z","code":410}"#;
    let response = app.post_signed("peddler", body).await;
    assert_eq!(response.status(), 400);
    let error = response.json::<Value>().await.unwrap()["error"].as_str().unwrap().to_string();
    assert!(error.starts_with("time: event time 2099-01-01"), "{error}");
    assert_eq!(app.query_text("SELECT outcome FROM raw_delivery").await, "quarantined");
    assert_eq!(app.count("tracking_event").await, 0, "the status is not pinned to 2099");
    // Within a day is a carrier's clock a little ahead, not a wrong one.
    let soon = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let body = format!(r#"{{"id":"clock-2","carrierTrackingNumber":"CLOCK-2","status":"DELIVERED","ts":"{soon}","code":410}}"#);
    assert_eq!(app.post_signed("peddler", &body).await.status(), 200);
}

async fn staff_void_a_wrong_event_and_replay_keeps_the_void(app: TestApp) {
    assert_eq!(app.post_depot(&depot_form("VOID-1", "In Transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    let wrong = depot_form("VOID-1", "Delivered", "2099-01-01T00:00:00Z");
    assert_eq!(app.post_depot(&wrong, None).await.status(), 200, "the check is off in this test");
    assert_eq!(app.track_json("VOID-1").await["parcels"][0]["status"], "delivered", "pinned by the wrong clock");

    let mut staff = app.staff_browser().await;
    let page = "/staff/parcels/depot/VOID-1";
    let csrf = staff.csrf(page).await;
    let event_id = app.query_text("SELECT CAST(id AS TEXT) FROM tracking_event WHERE status = 'delivered'").await;
    let response =
        staff.post_form(&format!("{page}/events/{event_id}/void"), &[("csrf", &csrf), ("reason", "carrier clock in 2099")]).await;
    assert_eq!(browser_notice(&mut staff, response).await.0, "notice", "a notice, not an error");

    let customers_see = |app: &TestApp| {
        let (client, address) = (app.client.clone(), app.address.clone());
        async move {
            let json: Value = client.get(format!("{address}/api/v1/track/VOID-1")).send().await.unwrap().json().await.unwrap();
            let html = client.get(format!("{address}/track/VOID-1")).send().await.unwrap().text().await.unwrap();
            (json, html)
        }
    };
    let check = |(json, html): (Value, String), when: &str| {
        let parcel = &json["parcels"][0];
        assert_eq!(parcel["status"], "out_for_delivery", "{when}: the status follows the events that stand (depot In Transit)");
        assert_eq!(parcel["events"].as_array().unwrap().len(), 1, "{when}: the voided event is not shown to customers");
        assert!(!html.contains("2099-01-01"), "{when}: nor on the page");
    };
    check(customers_see(&app).await, "after the void");
    let (_, staff_page) = staff.page(page).await;
    assert!(staff_page.contains(&format!(r#"<tr data-event-id="{event_id}" class="voided">"#)), "struck through for staff");
    assert!(staff_page.contains("carrier clock in 2099") && staff_page.contains(common::staff::STAFF_EMAIL));
    let (_, audit) = staff.page("/staff/audit").await;
    assert!(audit.contains("void_event") && audit.contains("carrier clock in 2099"), "the void is in the audit log, with its reason");

    // The same wrong delivery again changes nothing; replay rebuilds the void.
    let again = app.post_depot(&wrong, None).await;
    assert_eq!(again.json::<Value>().await.unwrap()["duplicate"], true);
    check(customers_see(&app).await, "after a re-send");
    app.replay().await;
    check(customers_see(&app).await, "after replay");
    // A second void of the same event is refused with a reason staff can read.
    let csrf = staff.csrf(page).await;
    let event_id = app.query_text("SELECT CAST(id AS TEXT) FROM tracking_event WHERE status = 'delivered'").await;
    let twice = staff.post_form(&format!("{page}/events/{event_id}/void"), &[("csrf", &csrf)]).await;
    let (class, text) = browser_notice(&mut staff, twice).await;
    assert!(class == "form-error" && text.contains("already voided"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voiding_a_parcels_only_event_leaves_it_unknown_not_pinned() {
    let app = common::spawn_app_with(common::Backend::Sqlite, &[("WAYBILL_MAX_FUTURE_SKEW_SECS", "0")]).await;
    assert_eq!(app.post_depot(&depot_form("VOID-2", "Delivered", "2099-01-01T00:00:00Z"), None).await.status(), 200);
    let mut staff = app.staff_browser().await;
    let page = "/staff/parcels/depot/VOID-2";
    let csrf = staff.csrf(page).await;
    let event_id = app.query_text("SELECT CAST(id AS TEXT) FROM tracking_event").await;
    assert_eq!(staff.post_form(&format!("{page}/events/{event_id}/void"), &[("csrf", &csrf)]).await.status(), 303);
    let parcel = &app.track_json("VOID-2").await["parcels"][0];
    assert_eq!(parcel["status"], "unknown", "no standing event sets a status");
    assert_eq!(parcel["events"].as_array().unwrap().len(), 0);
    assert!(!parcel["updated_at"].as_str().unwrap().starts_with("2099"), "nor the update time: {parcel}");
}

mod staff_void_a_wrong_event_and_replay_keeps_the_void {
    use super::*;
    const UNCHECKED: [(&str, &str); 1] = [("WAYBILL_MAX_FUTURE_SKEW_SECS", "0")];
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::staff_void_a_wrong_event_and_replay_keeps_the_void(common::spawn_app_with(common::Backend::Sqlite, &UNCHECKED).await).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::staff_void_a_wrong_event_and_replay_keeps_the_void(common::spawn_app_with(common::Backend::Postgres, &UNCHECKED).await)
            .await;
    }
}
