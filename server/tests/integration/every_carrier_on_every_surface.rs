//! A carrier is declared once, in its adapter file's profile (`server::carriers`); every
//! surface reads that list. This fails when a carrier is missing from one: its webhook paths,
//! its authentication, where its secret variable is documented (the staff carriers page names
//! it for every carrier; the README points there and to `waybill-tools env`), the staff
//! pages' lists and carriers page, the
//! customer page's display name, and what the tools make of its samples: the secret
//! `waybill-tools env` gives the scripts, its demo journey (`waybill-tools demo`) and the
//! next delivery the browser tests post (`waybill-tools env --json`), each through its real
//! webhook. (That every carrier has samples its adapter reads, a secret the settings accept
//! and Dutch texts for its statuses is checked beside the profiles, `carriers::samples`.)
use crate::common;

use serde_json::Value;
use server::carriers::{profiles, BodyFormat};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_carrier_is_mounted_authenticated_documented_and_listed() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    assert!(
        readme.contains("/staff/carriers") && readme.contains("waybill-tools env"),
        "README says where every carrier's variables are listed"
    );
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
        assert!(carriers_page.contains(profile.secret_variable), "the carriers page names {}", profile.secret_variable);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_carriers_demo_journey_and_next_delivery_go_through_its_webhook_with_the_secret_the_tools_print() {
    // Configured as scripts/e2e.sh configures its server: every secret from `waybill-tools env`.
    let secrets = tools::env::secrets("e2e");
    let vars: Vec<(&str, &str)> = secrets.iter().map(|(variable, secret)| (*variable, secret.as_str())).collect();
    let app = common::spawn_app_with(common::Backend::Sqlite, &vars).await;
    let posted = tools::demo::post_journeys(&app.settings, &app.address).await.expect("every carrier's demo journey is accepted");
    let described = tools::env::describe("e2e", chrono::Utc::now());
    let events = |json: Value| json["parcels"][0]["events"].as_array().map_or(0, Vec::len);
    for profile in profiles() {
        let code = profile.carrier.as_str();
        let numbers = profile.demo_numbers();
        assert!(!numbers.is_empty() && numbers.iter().all(|n| posted.contains(n)), "the demo posts {code}'s journey");
        for number in &numbers {
            assert_eq!(app.track_json(number).await["parcels"][0]["carrier"], code, "{number}");
        }

        // What the browser tests post to an open share link, exactly as they post it.
        let entry = described.as_array().and_then(|all| all.iter().find(|c| c["carrier"] == code));
        let entry = entry.unwrap_or_else(|| panic!("`waybill-tools env --json` describes {code}"));
        assert_eq!(entry["secret"], profile.demo_secret("e2e"), "{code}");
        let next = &entry["next"];
        let number = next["number"].as_str().unwrap_or_else(|| panic!("{code} has a next delivery"));
        let before = events(app.track_json(number).await);
        let mut request = app.client.post(format!("{}{}", app.address, next["path"].as_str().unwrap()));
        for (name, value) in next["headers"].as_object().unwrap() {
            request = request.header(name.as_str(), value.as_str().unwrap());
        }
        let body = next["body"].as_str().unwrap().to_string();
        let request = match profile.body {
            BodyFormat::Json => request.body(body),
            BodyFormat::Multipart => request.multipart(reqwest::multipart::Form::new().text("form_data", body)),
        };
        assert_eq!(request.send().await.unwrap().status(), 200, "{code}'s next delivery");
        assert_eq!(events(app.track_json(number).await), before + 1, "{code}'s next delivery adds one event");
    }
}
