//! What staff do all day: find parcels, upload and download POD, add events, rotate share
//! links, inspect raw deliveries and clear the quarantine (CONTRACT §5).
use crate::common;

use common::staff::{csrf_in, StaffBrowser, STAFF_EMAIL};
use common::{depot_form, Backend, TestApp, SIGNATURE_PNG};

fn file_part(bytes: &[u8], name: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string())
}

async fn a_pod_uploaded_with_an_api_key_downloads_byte_exact(app: TestApp) {
    app.with_staff();
    let key = app.create_api_key(STAFF_EMAIL);
    assert!(key.starts_with("wbk_") && key.len() > 40);
    assert!(app.query_text("SELECT key_hash FROM staff_api_key").await != key, "only a hash is stored");
    app.post_depot(&depot_form("POD-API-1", "Delivered", "2025-10-08T15:00:00Z"), None).await;
    let url = format!("{}/staff/api/parcels/depot/POD-API-1/pod", app.address);

    let upload = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new().part("file", file_part(&bytes, name));
        app.client.post(&url).bearer_auth(&key).multipart(form).send()
    };
    let response = upload(SIGNATURE_PNG.to_vec(), "signature.png").await.unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["content_type"], "image/png");
    assert_eq!(body["bytes"], SIGNATURE_PNG.len());
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(SIGNATURE_PNG))
    };
    assert_eq!(body["sha256"], sha);
    let id = body["id"].as_str().unwrap().to_string();

    let mut browser = StaffBrowser::new(&app.address);
    browser.login(STAFF_EMAIL, common::staff::STAFF_PASSWORD).await;
    let download = browser.get(&format!("/staff/pod/{id}")).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/png");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    assert_eq!(download.headers()["content-disposition"], "inline");
    assert_eq!(download.bytes().await.unwrap().as_ref(), SIGNATURE_PNG, "byte-exact");
    let (_, page) = browser.page("/staff/parcels/depot/POD-API-1").await;
    assert!(page.contains(&sha) && page.contains("staff_upload") && page.contains(STAFF_EMAIL), "shown with its facts");

    // The customer's share link shows it too.
    let token = app.share_token("POD-API-1").await;
    assert!(app.get(&format!("/t/{token}")).await.text().await.unwrap().contains(&format!("/t/{token}/pod/{id}")));

    // The same file again is the same entry.
    let again: serde_json::Value = upload(SIGNATURE_PNG.to_vec(), "again.png").await.unwrap().json().await.unwrap();
    assert_eq!(again["id"], id.as_str());
    assert_eq!(app.count("pod_file").await, 1);

    // Same sniffing and limits as the depot webhook.
    assert_eq!(upload(b"<html><script>alert(1)</script></html>".to_vec(), "x.png").await.unwrap().status(), 415);
    let mut big = SIGNATURE_PNG.to_vec();
    big.resize(1_048_577, 0);
    assert_eq!(upload(big, "big.png").await.unwrap().status(), 413);
    let nowhere = app
        .client
        .post(format!("{}/staff/api/parcels/depot/NO-SUCH/pod", app.address))
        .bearer_auth(&key)
        .multipart(reqwest::multipart::Form::new().part("file", file_part(SIGNATURE_PNG, "s.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);
    assert_eq!(app.count("audit_log WHERE action = 'upload_pod'").await, 2);
}
on_both_backends!(a_pod_uploaded_with_an_api_key_downloads_byte_exact);

async fn the_upload_form_takes_several_files_and_checks_its_token_first(app: TestApp) {
    let mut browser = app.staff_browser().await;
    app.post_depot(&depot_form("POD-FORM-1", "Delivered", "2025-10-08T15:00:00Z"), None).await;
    let page = "/staff/parcels/depot/POD-FORM-1";
    let token = browser.csrf(page).await;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .part("file", file_part(SIGNATURE_PNG, "sig.png"))
        .part("file", file_part(&pdf, "note.pdf"));
    let response = browser.post_multipart(&format!("{page}/pod"), form).await;
    let notice = browser.notice(response).await;
    assert_eq!(notice, Some(("notice".into(), "2 POD files uploaded.".into())));
    assert!(!browser.page(page).await.1.contains("2 POD files uploaded."), "a notice is shown once");
    assert_eq!(app.count("pod_file").await, 2);

    let html_as_image =
        reqwest::multipart::Form::new().text("csrf", token.clone()).part("file", file_part(b"<svg onload=alert(1)>", "x.jpg"));
    let refused = browser.post_multipart(&format!("{page}/pod"), html_as_image).await;
    let refused = browser.notice(refused).await;
    assert!(
        refused.as_ref().is_some_and(|(class, text)| class == "form-error" && text.contains("file")),
        "the reason goes back: {refused:?}"
    );
    let file_first = reqwest::multipart::Form::new().part("file", file_part(SIGNATURE_PNG, "s.png")).text("csrf", token);
    assert_eq!(browser.post_multipart(&format!("{page}/pod"), file_first).await.status(), 403);
    assert_eq!(app.count("pod_file").await, 2);
}
on_both_backends!(the_upload_form_takes_several_files_and_checks_its_token_first);

async fn search_finds_parcels_by_partial_reference_status_and_carrier_and_exports_csv(app: TestApp) {
    let mut browser = app.staff_browser().await;
    app.post_depot(&depot_form("WB-SEARCH-1001", "Delivered", "2025-10-08T15:00:00Z"), None).await;
    app.post_depot(&depot_form("WB-SEARCH-1002", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    app.post_depot(&depot_form("OTHER-77", "In Transit", "2025-09-01T09:00:00Z"), None).await;
    let peddler = include_str!("../fixtures/peddler-out-for-delivery.json");
    assert_eq!(app.post_signed("peddler", peddler).await.status(), 200);

    let (_, html) = browser.page("/staff?q=search-10").await;
    assert!(html.contains("WB-SEARCH-1001") && html.contains("WB-SEARCH-1002") && !html.contains("OTHER-77"));
    assert!(html.contains("2 parcels"));
    // Peddler's `metaData` is a reference of its parcel; part of it finds the parcel.
    let (_, html) = browser.page("/staff?q=ams_00").await;
    assert!(html.contains("P123456789012345678"), "found by a partial carrier reference");
    let (_, html) = browser.page("/staff?status=out_for_delivery&carrier=depot").await;
    assert!(html.contains("WB-SEARCH-1002") && html.contains("OTHER-77") && !html.contains("WB-SEARCH-1001"));
    let (_, html) = browser.page("/staff?from=2025-10-01&until=2025-10-31&carrier=depot").await;
    assert!(html.contains("WB-SEARCH-1001") && !html.contains("OTHER-77"), "date range on the last update");
    let (_, html) = browser.page("/staff?stuck_days=30&carrier=depot").await;
    assert!(html.contains("OTHER-77") && html.contains("WB-SEARCH-1002") && !html.contains("WB-SEARCH-1001"), "delivered is never stuck");

    let csv = browser.get("/staff/parcels.csv?q=search-10").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "carrier,tracking_number,status,references,created_at,updated_at");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].starts_with("depot,WB-SEARCH-1001,delivered,"));
    assert_eq!(app.count("audit_log WHERE action = 'export_parcels'").await, 1);
}
on_both_backends!(search_finds_parcels_by_partial_reference_status_and_carrier_and_exports_csv);

async fn a_manual_event_and_a_rotated_share_link_are_recorded_by_their_author(app: TestApp) {
    let mut browser = app.staff_browser().await;
    app.post_depot(&depot_form("MAN-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    let page = "/staff/parcels/depot/MAN-1";
    let old_token = app.share_token("MAN-1").await;
    let csrf = browser.csrf(page).await;
    let response = browser
        .post_form(
            &format!("{page}/events"),
            &[("csrf", &csrf), ("status", "failed_attempt"), ("occurred_at", "2025-10-08T11:30"), ("note", "Customer called: not home")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let tracked = app.track_json("MAN-1").await;
    assert_eq!(tracked["parcels"][0]["status"], "failed_attempt", "the manual event is the latest: {tracked}");
    let (_, html) = browser.page(page).await;
    assert!(html.contains("Customer called: not home") && html.contains(STAFF_EMAIL));

    let bad_time = browser.post_form(&format!("{page}/events"), &[("csrf", &csrf), ("status", "delivered"), ("occurred_at", "soon")]).await;
    assert!(browser.notice(bad_time).await.is_some_and(|(class, text)| class == "form-error" && text.contains("soon")));

    assert_eq!(browser.post_form(&format!("{page}/share-link/rotate"), &[("csrf", &csrf)]).await.status(), 303);
    let new_token = app.share_token("MAN-1").await;
    assert_ne!(new_token, old_token);
    assert_eq!(app.get(&format!("/t/{old_token}")).await.status(), 404, "the old link is revoked");
    assert_eq!(app.get(&format!("/t/{new_token}")).await.status(), 200);
    let (_, html) = browser.page("/staff/audit").await;
    assert!(html.contains("manual_event") && html.contains("rotate_share_link") && html.contains("depot/MAN-1"));

    // Replay rebuilds from the raw deliveries, staff work included.
    app.replay().await;
    assert_eq!(app.track_json("MAN-1").await, tracked, "a replay keeps the manual event");
}
on_both_backends!(a_manual_event_and_a_rotated_share_link_are_recorded_by_their_author);

/// KeyDelivery sends zoneless times; with the wrong offset they land hours in the future.
fn keydelivery_body(number: &str, local_time: &str) -> String {
    serde_json::json!({
        "event": "update", "message": "OK", "carrier_id": "dhl", "tracking_number": number, "order_status_code": 2,
        "items": [{ "context": "With delivery courier", "time": local_time, "order_status_description": "Out for delivery" }]
    })
    .to_string()
}

async fn a_quarantined_delivery_is_applied_once_the_configuration_is_fixed(app: TestApp) {
    let mut browser = app.staff_browser().await;
    // A carrier sends its local time (UTC here) while Waybill is told it is UTC-10:00.
    let now_utc = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let wrong = app.start_another(&[("WAYBILL_KEYDELIVERY_TIME_OFFSET", "-10:00"), ("WAYBILL_MAX_FUTURE_SKEW_SECS", "3600")]).await;
    let response = app
        .client
        .post(format!("{wrong}/webhooks/keydelivery?token={}", common::KEYDELIVERY_TOKEN))
        .header("content-type", "application/json")
        .body(keydelivery_body("KD-FIX-1", &now_utc))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "a time 10 h after arrival is refused");
    let error: serde_json::Value = response.json().await.unwrap();
    assert!(error["error"].as_str().unwrap().contains("time zone"), "{error}");

    let (_, html) = browser.page("/staff/quarantine").await;
    assert!(html.contains("KD-FIX-1") && html.contains("after the delivery arrived"));
    let id = app.query_text("SELECT CAST(id AS TEXT) FROM raw_delivery WHERE outcome = 'quarantined'").await;
    let csrf = csrf_in(&html).unwrap();

    // This server runs with the right (default) offset: re-processing applies it.
    let response = browser.post_form(&format!("/staff/quarantine/{id}/reprocess"), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), 303);
    assert!(browser.notice(response).await.is_some_and(|(class, text)| class == "notice" && text.contains("applied")));
    assert_eq!(app.track_json("KD-FIX-1").await["parcels"][0]["status"], "out_for_delivery");
    assert_eq!(app.count("raw_delivery WHERE outcome = 'quarantined'").await, 0);
    let (_, html) = browser.page("/staff/quarantine").await;
    assert!(html.contains("The quarantine is empty"));

    // A body that still cannot be read can be discarded; it stays in the archive.
    app.post_signed("keydelivery", "{\"tracking_number\": 7").await;
    let id = app.query_text("SELECT CAST(id AS TEXT) FROM raw_delivery WHERE outcome = 'quarantined'").await;
    let again = browser.post_form(&format!("/staff/quarantine/{id}/reprocess"), &[("csrf", &csrf)]).await;
    assert!(browser.notice(again).await.is_some_and(|(_, text)| text.contains("still cannot be read")));
    assert_eq!(browser.post_form(&format!("/staff/quarantine/{id}/discard"), &[("csrf", &csrf)]).await.status(), 303);
    assert_eq!(app.count("raw_delivery WHERE outcome = 'discarded'").await, 1);
    let (_, audit) = browser.page("/staff/audit").await;
    assert!(audit.contains("reprocess_delivery") && audit.contains("discard_delivery"));
}
on_both_backends!(a_quarantined_delivery_is_applied_once_the_configuration_is_fixed);

async fn raw_deliveries_show_headers_with_credentials_redacted(app: TestApp) {
    let mut browser = app.staff_browser().await;
    let peddler = include_str!("../fixtures/peddler-out-for-delivery.json");
    app.post_signed("peddler", peddler).await;
    let (_, list) = browser.page("/staff/deliveries?carrier=peddler&outcome=applied").await;
    assert!(list.contains("P123456789012345678"));
    let id = app.query_text("SELECT CAST(id AS TEXT) FROM raw_delivery").await;
    let (status, html) = browser.page(&format!("/staff/deliveries/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("x-webhook-shared-token") && html.contains("[redacted]"));
    assert!(!html.contains(common::PEDDLER_TOKEN), "the shared token is never shown");
    assert!(
        html.contains("&quot;status&quot;: &quot;OUT_FOR_DELIVERY&quot;") || html.contains("\"status\": \"OUT_FOR_DELIVERY\""),
        "pretty-printed body"
    );
    assert_eq!(browser.page("/staff/deliveries/999999").await.0, 404);
}
on_both_backends!(raw_deliveries_show_headers_with_credentials_redacted);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_carriers_page_says_which_secrets_are_set_but_never_shows_one() {
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_UBER_SIGNING_KEY", "")]).await;
    let mut browser = app.staff_browser().await;
    app.post_signed("peddler", include_str!("../fixtures/peddler-out-for-delivery.json")).await;
    app.post_signed("peddler", "{}").await;
    let (_, html) = browser.page("/staff/carriers").await;
    assert!(html.contains("WAYBILL_UBER_SIGNING_KEY"), "the unset one names its variable");
    for secret in [common::PEDDLER_TOKEN, common::DEPOT_TOKEN, common::DELIVERECT_SECRET, common::KEYDELIVERY_TOKEN] {
        assert!(!html.contains(secret));
    }
    let row_start = html.find("data-carrier=\"peddler\"").unwrap();
    let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
    assert!(row.contains("configured") && row.contains("50.0 %"), "{row}");
}

async fn the_pod_api_takes_a_signed_in_session_only_with_its_form_token(app: TestApp) {
    let mut browser = app.staff_browser().await;
    app.post_depot(&depot_form("POD-SESSION-1", "Delivered", "2025-10-08T15:00:00Z"), None).await;
    let token = browser.csrf("/staff/parcels/depot/POD-SESSION-1").await;
    let url = format!("{}/staff/api/parcels/depot/POD-SESSION-1/pod", app.address);
    let cookie = browser.cookie.clone().unwrap();
    let post = |csrf: Option<&str>| {
        let form = reqwest::multipart::Form::new().part("file", file_part(SIGNATURE_PNG, "s.png"));
        let mut request = app.client.post(&url).header("cookie", &cookie).header("origin", &app.address).multipart(form);
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf.to_string());
        }
        request.send()
    };
    assert_eq!(post(None).await.unwrap().status(), 403, "no token, no upload");
    assert_eq!(post(Some("guessed")).await.unwrap().status(), 403);
    assert_eq!(app.count("pod_file").await, 0);
    assert_eq!(post(Some(&token)).await.unwrap().status(), 201, "what the page's script sends");
    assert_eq!(app.count("pod_file").await, 1);
}
on_both_backends!(the_pod_api_takes_a_signed_in_session_only_with_its_form_token);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_link_can_make_a_staff_page_say_what_its_author_wants() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    app.post_depot(&depot_form("SPOOF-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    let mut browser = app.staff_browser().await;
    for path in ["/staff/parcels/depot/SPOOF-1", "/staff/quarantine", "/staff/deliveries"] {
        let (status, html) =
            browser.page(&format!("{path}?error=Your%20account%20is%20locked%3A%20call%20%2B31%20555&notice=Pay%20here")).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("Your account is locked") && !html.contains("Pay here"), "{path}: no text from the URL");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_deliveries_are_found_by_tracking_number_and_link_to_their_parcel() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    app.post_depot(&depot_form("FIND-RAW-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    app.post_depot(&depot_form("OTHER-RAW-2", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    let mut browser = app.staff_browser().await;
    let (status, html) = browser.page("/staff/deliveries?number=find%20raw%201").await;
    assert_eq!(status, 200);
    assert!(html.contains("1 deliveries"), "only the one with that number");
    assert!(html.contains(r#"href="/staff/parcels/depot/FIND-RAW-1""#), "its number links to the parcel");
    assert!(!html.contains("OTHER-RAW-2"));
    let (_, audit) = browser.page("/staff/audit").await;
    assert!(audit.contains(">Signed in<"), "audit entries say what happened, not a code");
    assert!(audit.contains(r#"class="table-scroll""#), "a wide table scrolls in its box on a phone");
    let (_, home) = browser.page("/").await;
    assert!(home.contains(r##"href="#main""##) && home.contains("skip-link"), "a skip link");
}
