//! A customer's mails carry the brand of the page they subscribed on: a brand host of
//! `WAYBILL_BRANDS_FILE` gives its name, its language (when the form names none) and links
//! to that host; any other host the default brand and `WAYBILL_PUBLIC_URL`. Through the
//! real SMTP server (`common::smtp`, aiosmtpd).
use crate::common::smtp::SmtpSink;
use crate::common::{self, depot_form, Backend};
use std::time::Duration;

const BRANDS: &str = r##"
[[brand]]
hosts = ["track.tulip.example"]
name = "Tulip Flowers"
language = "nl"
"##;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_made_on_a_brand_host_gets_mails_in_that_brands_name_language_and_host() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("brands.toml");
    std::fs::write(&file, BRANDS).unwrap();
    let smtp = SmtpSink::start().await;
    let settings = [
        ("WAYBILL_SMTP_URL", smtp.url.as_str()),
        ("WAYBILL_OUTBOUND_POLL_MS", "50"),
        ("WAYBILL_BRANDS_FILE", file.to_str().unwrap()),
        ("WAYBILL_BRAND_NAME", "Parcel Hub"),
        ("WAYBILL_PUBLIC_URL", "https://track.parcelhub.example"),
    ];
    let app = common::spawn_app_with(Backend::Sqlite, &settings).await;
    assert_eq!(app.post_depot(&depot_form("BRAND-1", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
    let token = app.share_token("BRAND-1").await;
    let subscribe = |host: Option<&'static str>, email: &'static str| {
        let (client, address, token) = (app.client.clone(), app.address.clone(), token.clone());
        async move {
            let mut request = client.post(format!("{address}/t/{token}/subscribe")).form(&[("email", email)]);
            if let Some(host) = host {
                request = request.header("host", host);
            }
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), 303);
        }
    };
    subscribe(Some("track.tulip.example"), "jane@example.com").await;
    subscribe(None, "joe@example.com").await;
    let mails = smtp.at_least(2, Duration::from_secs(10)).await;
    let to = |who: &str| mails.iter().find(|m| m["to"] == serde_json::json!([who])).unwrap_or_else(|| panic!("no mail to {who}"));

    let branded = to("jane@example.com");
    let subject = branded["headers"]["subject"].as_str().unwrap();
    assert!(subject.starts_with("Tulip Flowers: ") && subject.contains("Bevestig"), "the brand's name and language: {subject}");
    let text = branded["text"].as_str().unwrap();
    assert!(text.contains("https://track.tulip.example/m/"), "links to the brand's host, the public URL's scheme: {text}");
    assert!(!text.contains("parcelhub"), "{text}");

    let plain = to("joe@example.com");
    let subject = plain["headers"]["subject"].as_str().unwrap();
    assert!(subject.starts_with("Parcel Hub: ") && subject.contains("Confirm"), "the default brand, in English: {subject}");
    assert!(plain["text"].as_str().unwrap().contains("https://track.parcelhub.example/m/"), "links to WAYBILL_PUBLIC_URL");
}
