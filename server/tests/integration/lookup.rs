//! A customer finds a parcel the way phone keyboards and copied texts give its number:
//! any case, with spaces for dashes, without dashes. The stored number stays as the
//! carrier sent it, and a number that finds nothing is repeated in a pre-filled form.
use crate::common;

use common::{depot_form, TestApp};

async fn case_spaces_and_dashes_do_not_matter_on_any_customer_surface(app: TestApp) {
    assert_eq!(app.post_depot(&depot_form("WB-LOOK-1002", "In Transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    for typed in ["wb-look-1002", "Wb-look-1002", "WB%20LOOK%201002", "wblook1002", "WB-LOOK%201002"] {
        let json = app.track_json(typed).await;
        assert_eq!(json["parcels"][0]["tracking_number"], "WB-LOOK-1002", "{typed}: found, and shown as the carrier sent it");
        let page = app.get(&format!("/track/{typed}")).await;
        assert_eq!(page.status(), 200, "{typed}");
        assert!(page.text().await.unwrap().contains("WB-LOOK-1002"));
    }
    // The home page's form, as a phone sends it.
    let found = app.get("/find?n=Wb+look+1002").await;
    assert_eq!(found.status(), 303);
    let location = found.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(app.get(&location).await.status(), 200, "{location}");
    // Another reference (Peddler's metaData) too.
    let peddler = r#"{"id":"lk1","carrierTrackingNumber":"P900000000000000001","metaData":"SHIP-AMS-77","status":"IN_TRANSIT","ts":"2025-10-08T10:00:00Z"}"#;
    assert_eq!(app.post_signed("peddler", peddler).await.status(), 200);
    assert_eq!(app.track_json("ship%20ams%2077").await["parcels"][0]["tracking_number"], "P900000000000000001");
    // Different numbers stay different.
    assert_eq!(app.get("/api/v1/track/wb-look-1003").await.status(), 404);
}
on_both_backends!(case_spaces_and_dashes_do_not_matter_on_any_customer_surface);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_that_finds_nothing_is_repeated_in_a_pre_filled_form() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let page = app.get("/track/NO-SUCH-77").await;
    assert_eq!(page.status(), 404);
    let html = page.text().await.unwrap();
    let repeated = html.split(r#"class="typed-number""#).nth(1).and_then(|rest| rest.split("</p>").next()).unwrap_or_default();
    assert!(repeated.contains("<strong>NO-SUCH-77"), "what was typed is repeated: {repeated}");
    assert!(html.contains(r#"name="n""#) && html.contains(r#"value="NO-SUCH-77""#), "in a pre-filled form");
    let home = app.get("/").await.text().await.unwrap();
    for attribute in [r#"autocapitalize="characters""#, r#"spellcheck="false""#, r#"autocorrect="off""#] {
        assert!(home.contains(attribute), "the number field has {attribute}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_language_chosen_once_is_kept_from_page_to_page_and_caches_vary_by_it() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    assert_eq!(app.post_depot(&depot_form("LANG-1", "Delivered", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    let chosen = app.get("/track/LANG-1?lang=nl").await;
    let cookie = chosen.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(cookie.starts_with("waybill_lang=nl;"), "the choice is kept: {cookie}");
    let vary = chosen.headers().get("vary").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(vary.contains("Accept-Language"), "{vary}");
    // The next page, without ?lang=, in Dutch (over an English Accept-Language).
    let next = app
        .client
        .get(format!("{}/track/LANG-1", app.address))
        .header("cookie", "waybill_lang=nl")
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(next.contains(">Bezorgd<") || next.contains(">Bezorgd<!>"), "Dutch from the cookie");
}
