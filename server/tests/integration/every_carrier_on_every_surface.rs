//! A carrier is declared once, in its adapter file's profile (`server::carriers`); every
//! surface reads that list. This fails when a carrier is missing from one: its webhook paths,
//! its authentication, the configuration docs, the staff pages' lists and carriers page, and
//! the customer page's display name.
use crate::common;

use server::carriers::{profiles, BodyFormat};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_carrier_is_mounted_authenticated_documented_and_listed() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let env_example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.env.example")).unwrap();
    let mut staff = app.staff_browser().await;
    let (_, carriers_page) = staff.page("/staff/carriers").await;
    let (_, search_page) = staff.page("/staff").await;
    let (_, deliveries_page) = staff.page("/staff/deliveries").await;
    for profile in profiles() {
        let code = profile.carrier.as_str();
        for path in profile.paths {
            // Mounted, and refusing a request without the carrier's credentials.
            let unsigned = match profile.body {
                BodyFormat::Json => app.post_json(path, "{}", &[]).await,
                BodyFormat::Multipart => app.client.post(format!("{}{path}", app.address)).send().await.unwrap(),
            };
            assert_eq!(unsigned.status(), 401, "{code} at {path} without credentials");
        }
        if profile.body == BodyFormat::Json {
            // Accepted with them (the body is unreadable, so it is quarantined: 400, not 401).
            let signed = app.post_signed(code, "{}").await;
            assert_eq!(signed.status(), 400, "{code} signed as its profile says");
        }
        for variable in [profile.secret_variable, profile.previous_secret_variable] {
            assert!(readme.contains(variable), "README documents {variable}");
        }
        assert!(env_example.contains(profile.secret_variable), ".env.example names {}", profile.secret_variable);
        assert!(carriers_page.contains(&format!(r#"data-carrier="{code}""#)), "the carriers page has a row for {code}");
        for page in [&search_page, &deliveries_page] {
            assert!(page.contains(&format!(r#"value="{code}""#)), "the staff filters offer {code}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_read_each_carrier_by_the_name_in_its_profile() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    assert_eq!(app.post_signed("keydelivery", include_str!("../fixtures/keydelivery-completed.json")).await.status(), 200);
    let page = app.get("/track/6981236054").await.text().await.unwrap();
    let name = server::carriers::profile(server::domain::Carrier::Keydelivery).name;
    assert!(page.replace("<!>", "").contains(&format!(r#"<span class="carrier">{name}</span>"#)), "{name}");
}
