//! A shop's own brand, language and time zone on the customer pages: the brand by the
//! request's host, times rendered in `WAYBILL_DEFAULT_TIMEZONE` with the zone named, the
//! document's language negotiated on every page, Dutch event texts where the carrier sends
//! none, and a notice on a parcel that has gone quiet.
use crate::common;

use common::{spawn_app_with, Backend, TestApp};

const BRANDS: &str = r##"
[[brand]]
hosts = ["track.tulip.example"]
name = "Tulip Flowers"
accent = "#7a1f5c"
accent_dark = "#f0a6d4"
support = "help@tulip.example"
footer = "Tulip Flowers B.V., Amsterdam"
language = "nl"
"##;

async fn get_as(app: &TestApp, host: &str, path: &str, language: Option<&str>) -> (reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(format!("{}{path}", app.address)).header("host", host);
    if let Some(language) = language {
        request = request.header("accept-language", language);
    }
    let response = request.send().await.expect("request sent");
    (response.headers().clone(), without_markers(response.text().await.expect("body")))
}

/// The page without the hydration markers (`<!>`) a debug build puts between texts.
fn without_markers(page: String) -> String {
    page.replace("<!>", "")
}

async fn page(app: &TestApp, path: &str) -> String {
    without_markers(app.get(path).await.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hosts_show_two_brands_and_an_unknown_host_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("brands.toml");
    std::fs::write(&file, BRANDS).unwrap();
    let app =
        spawn_app_with(Backend::Sqlite, &[("WAYBILL_BRANDS_FILE", file.to_str().unwrap()), ("WAYBILL_BRAND_NAME", "Parcel Hub")]).await;

    let (_, tulip) = get_as(&app, "track.tulip.example", "/", None).await;
    assert!(tulip.contains(r#"<span class="brand-name">Tulip Flowers</span>"#), "the header names the shop");
    assert!(tulip.contains("<title>Volg je pakket · Tulip Flowers</title>"), "the title, in the brand's language");
    assert!(tulip.contains(r#"<meta content="Tulip Flowers" property="og:site_name">"#));
    assert!(tulip.contains(r#"<link rel="stylesheet" href="/brand.css">"#));
    assert!(tulip.contains(r#"href="mailto:help@tulip.example""#) && tulip.contains("Tulip Flowers B.V., Amsterdam"));
    assert!(tulip.contains(r#"<html lang="nl""#), "the brand's language when the browser asks for none");
    assert!(!tulip.contains("Waybill"), "nothing says Waybill");

    let (headers, css) = get_as(&app, "track.tulip.example:8443", "/brand.css", None).await;
    assert!(css.contains("--accent: #7a1f5c;") && css.contains("--accent: #f0a6d4;"), "{css}");
    assert_eq!(headers["vary"], "Host");

    let (_, other) = get_as(&app, "track.other.example", "/", Some("en-GB")).await;
    assert!(other.contains(r#"<span class="brand-name">Parcel Hub</span>"#), "an unknown host gets the default brand");
    assert!(!other.contains("/brand.css") && !other.contains("Tulip"));
    assert!(other.contains(r#"<html lang="en""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_rendered_in_the_configured_zone_with_the_zone_named() {
    let app = spawn_app_with(Backend::Sqlite, &[("WAYBILL_DEFAULT_TIMEZONE", "Europe/Amsterdam")]).await;
    let form = common::depot_form("ZONE-1", "Delivered", "2025-12-08T23:30:00Z");
    assert_eq!(app.post_depot(&form, None).await.status(), 200);
    let amsterdam = page(&app, "/track/ZONE-1").await;
    assert!(amsterdam.contains("9 Dec 2025, 00:30 CET"), "delivered at, in Amsterdam's winter time");
    assert!(amsterdam.contains(r#"<h3 class="day-heading">9 Dec 2025</h3>"#), "the day is Amsterdam's, not UTC's 8 December");
    assert!(!amsterdam.contains("23:30 UTC"));

    let utc = spawn_app_with(Backend::Sqlite, &[]).await;
    assert_eq!(utc.post_depot(&form, None).await.status(), 200);
    assert!(page(&utc, "/track/ZONE-1").await.contains("8 Dec 2025, 23:30 UTC"), "UTC unless configured");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_speaks_the_browsers_language_and_carrier_texts_follow_in_dutch() {
    let app = spawn_app_with(Backend::Sqlite, &[]).await;
    let (headers, home) = get_as(&app, "localhost", "/", Some("nl-NL,nl;q=0.9,en;q=0.5")).await;
    assert!(home.contains(r#"<html lang="nl""#) && home.contains("Volg je pakket"), "the home page negotiates");
    assert!(home.contains(r#"name="lang" value="nl""#), "and its form sends the language it shows");
    assert!(headers["vary"].to_str().unwrap().contains("Accept-Language"));

    let keydelivery = include_str!("../fixtures/keydelivery-completed.json");
    assert_eq!(app.post_signed("keydelivery", keydelivery).await.status(), 200);
    let english = page(&app, "/track/6981236054").await;
    let (_, dutch) = get_as(&app, "localhost", "/track/6981236054", Some("nl")).await;
    assert!(dutch.contains(r#"<html lang="nl""#));
    let description = |page: &str| {
        page.split(r#"<p class="event-description">"#).nth(1).and_then(|rest| rest.split("</p>").next()).unwrap_or_default().to_string()
    };
    assert_ne!(description(&english), description(&dutch), "the carrier's English is not kept under Dutch headings");
    assert!(dutch.contains("Je pakket is bezorgd"), "the delivered event in Dutch: {}", description(&dutch));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parcel_without_news_for_longer_than_the_spell_says_so_unless_delivered_or_turned_off() {
    let app = spawn_app_with(Backend::Sqlite, &[("WAYBILL_QUIET_AFTER_DAYS", "10")]).await;
    let days_ago = |days: i64| {
        (chrono::Utc::now() - chrono::Duration::days(days) - chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
    };
    let (old, recent) = (days_ago(30), days_ago(3));
    for (number, status, time) in
        [("QUIET-1", "Loaded by driver", &old), ("QUIET-2", "Loaded by driver", &recent), ("QUIET-3", "Delivered", &old)]
    {
        assert_eq!(app.post_depot(&common::depot_form(number, status, time), None).await.status(), 200);
    }
    let quiet = page(&app, "/track/QUIET-1").await;
    assert!(quiet.contains(r#"class="quiet-notice">No update for 30 days."#), "a month without news");
    assert!(!page(&app, "/track/QUIET-2").await.contains("quiet-notice"), "three days is within the spell");
    assert!(!page(&app, "/track/QUIET-3").await.contains("quiet-notice"), "a delivered parcel has no news to wait for");

    let off = spawn_app_with(Backend::Sqlite, &[("WAYBILL_QUIET_AFTER_DAYS", "0")]).await;
    assert_eq!(off.post_depot(&common::depot_form("QUIET-1", "Loaded by driver", &old), None).await.status(), 200);
    assert!(!page(&off, "/track/QUIET-1").await.contains("quiet-notice"), "0 turns the notice off");
}
