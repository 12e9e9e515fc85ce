//! The customer pages and the POD route, rendered by the real server.
use crate::common;

use common::{depot_form, TestApp, SIGNATURE_PNG};
use serde_json::Value;

async fn seed(app: &TestApp) {
    for (status, time) in [("Received in Depot", "2025-10-07T08:00:00Z"), ("In Transit", "2025-10-08T07:00:00Z")] {
        assert_eq!(app.post_depot(&depot_form("PAGE-1", status, time), None).await.status(), 200);
    }
    let delivered = depot_form("PAGE-1", "Delivered", "2025-10-08T10:15:00Z");
    assert_eq!(app.post_depot(&delivered, Some((SIGNATURE_PNG, "../../sig.png"))).await.status(), 200);
}

async fn the_public_page_shows_status_and_timeline_newest_first_without_pod(app: TestApp) {
    seed(&app).await;
    let response = app.get("/track/PAGE-1").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Delivered"), "status shown");
    let newest = html.find("Delivered remark").expect("delivered event");
    let middle = html.find("In Transit remark").expect("in transit event");
    let oldest = html.find("Received in Depot remark").expect("depot event");
    assert!(newest < middle && middle < oldest, "timeline newest first");
    assert!(!html.contains("/pod/"), "no POD on the public page");
    assert!(!html.contains("Proof of delivery"), "no POD section on the public page");
}
on_both_backends!(the_public_page_shows_status_and_timeline_newest_first_without_pod);

async fn the_share_link_shows_the_pod_and_serves_it_byte_exact(app: TestApp) {
    seed(&app).await;
    let token = app.share_token("PAGE-1").await;
    assert!(token.len() >= 22, "at least 128 bits");
    let response = app.get(&format!("/t/{token}")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"), "{csp}");
    let html = response.text().await.unwrap();
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    for script in html.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")) || tag.contains("src="), "inline script without the nonce: <script{tag}>");
    }
    assert!(html.contains("Delivered remark"));
    let start = html.find(&format!("/t/{token}/pod/")).expect("POD image on the share link");
    let url: String = html[start..].chars().take_while(|c| *c != '"').collect();

    let pod = app.get(&url).await;
    assert_eq!(pod.status(), 200);
    assert_eq!(pod.headers()["content-type"], "image/png");
    assert_eq!(pod.headers()["x-content-type-options"], "nosniff");
    assert_eq!(pod.headers()["content-disposition"], "inline");
    assert_eq!(&pod.bytes().await.unwrap()[..], SIGNATURE_PNG);

    // The same POD id under another token is not served.
    assert_eq!(app.get(&url.replace(&token, "not-a-real-token")).await.status(), 404);
}
on_both_backends!(the_share_link_shows_the_pod_and_serves_it_byte_exact);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_numbers_tokens_and_paths_are_404_pages() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let page = app.get("/track/NOPE-404").await;
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("Parcel not found"));

    let api = app.get("/api/v1/track/NOPE-404").await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/json");
    assert!(api.json::<Value>().await.unwrap()["error"].is_string());

    let token = app.get("/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(token.status(), 404);
    assert!(token.text().await.unwrap().contains("Link not found"));

    let nowhere = app.get("/no/such/page").await;
    assert_eq!(nowhere.status(), 404);
    assert!(nowhere.text().await.unwrap().contains("Page not found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_form_redirects_to_the_tracking_page() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let response = app.get("/find?n=+ABC-123+").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/track/ABC-123");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["database"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_is_503_when_the_object_store_cannot_take_files() {
    let app = common::spawn_app_with(common::Backend::Sqlite, &[("WAYBILL_STORAGE_CHECK_SECS", "1")]).await;
    let pod_dir = app.dir.path().join("pod");
    std::fs::remove_dir_all(&pod_dir).unwrap();
    std::fs::write(&pod_dir, b"not a directory").unwrap();
    // The store is checked in the background, once a second here.
    let mut ready = app.get("/readyz").await;
    for _ in 0..30 {
        if ready.status() == 503 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        ready = app.get("/readyz").await;
    }
    assert_eq!(ready.status(), 503);
    let body = ready.json::<Value>().await.unwrap();
    assert_eq!(body["storage"], "object store unavailable");
    assert_eq!(body["database"], "ok");
    // The load balancer's check follows the database: this instance stays in rotation.
    let database_only = app.get("/readyz/database").await;
    assert_eq!(database_only.status(), 200);
    assert_eq!(database_only.json::<Value>().await.unwrap()["storage"], "object store unavailable");
    // Probes write nothing to the store (the old check put, read and deleted an object).
    std::fs::remove_file(&pod_dir).unwrap();
    std::fs::create_dir(&pod_dir).unwrap();
    for _ in 0..20 {
        app.get("/readyz").await;
    }
    assert_eq!(std::fs::read_dir(&pod_dir).unwrap().count(), 0, "no probe left or made an object");
    std::fs::remove_dir_all(&pod_dir).unwrap();
    std::fs::write(&pod_dir, b"not a directory").unwrap();
    let upload = app.post_depot(&depot_form("STORE-1", "Delivered", "2025-10-08T10:15:00Z"), Some((SIGNATURE_PNG, "s.png"))).await;
    assert_eq!(upload.status(), 503, "a POD that cannot be stored is 503, so the carrier retries");
    assert_eq!(app.count("tracking_event").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_is_503_when_the_database_is_gone() {
    let app = common::spawn_app(common::Backend::Postgres).await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    // Drop the database from under the running server.
    let name = app.settings.database_url.expose().rsplit('/').next().unwrap().to_string();
    let admin = sea_orm::Database::connect("postgres://postgres@127.0.0.1:5432/postgres").await.unwrap();
    use sea_orm::ConnectionTrait;
    admin.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.json::<Value>().await.unwrap()["database"], "database unavailable");
    assert_eq!(app.get("/readyz/database").await.status(), 503, "the balancer's check follows the database");
    let webhook = app.post_depot(&depot_form("DOWN-1", "Delivered", "2025-10-08T10:15:00Z"), None).await;
    assert_eq!(webhook.status(), 503);
    assert!(webhook.json::<Value>().await.unwrap()["error"].is_string());
    let page = app.get("/track/DOWN-1").await;
    assert_eq!(page.status(), 503, "a database outage is temporary, not a server bug");
    assert!(page.headers().contains_key("retry-after"));
    let html = page.text().await.unwrap();
    assert!(html.contains("Tracking temporarily unavailable"));
    assert!(!html.to_lowercase().contains("database"), "no internal error text on the page");
    assert_eq!(app.get("/api/v1/track/DOWN-1").await.status(), 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_timeline_shows_the_newest_events_and_links_to_all_of_them() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let items: Vec<Value> = (0..60)
        .map(|i| serde_json::json!({"context": format!("Scan number {i}."), "time": format!("2025-01-01 {:02}:{:02}:00", i / 60, i % 60), "order_status_description": "In transit"}))
        .collect();
    let body = serde_json::json!({"event": "update", "tracking_number": "LONG-1", "items": items}).to_string();
    assert_eq!(app.post_signed("keydelivery", &body).await.status(), 200);

    let html = app.get("/track/LONG-1").await.text().await.unwrap();
    assert_eq!(html.matches(r#"class="event-description""#).count(), 50);
    assert!(html.contains("Scan number 59.") && !html.contains(">Scan number 9.<"), "the newest 50");
    assert!(html.contains(r#"href="?all=1""#));
    let all = app.get("/track/LONG-1?all=1").await.text().await.unwrap();
    assert_eq!(all.matches(r#"class="event-description""#).count(), 60);
    // The JSON API always has every event.
    assert_eq!(app.track_json("LONG-1").await["parcels"][0]["events"].as_array().unwrap().len(), 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_share_link_is_told_when_the_parcel_changes() {
    use futures::StreamExt;
    let app = common::spawn_app_with(common::Backend::Sqlite, &[("WAYBILL_LIVE_STREAM_MAX_SECS", "60")]).await;
    app.post_depot(&depot_form("LIVE-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    let token = app.share_token("LIVE-1").await;
    let response = app.get(&format!("/t/{token}/live")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut stream = response.bytes_stream();
    // Nothing changed, nothing is sent (no polling: the stream waits for a commit).
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(800), stream.next()).await;
    assert!(quiet.is_err(), "an update without a change: {quiet:?}");

    app.post_depot(&depot_form("LIVE-1", "Delivered", "2025-10-08T10:15:00Z"), None).await;
    let received = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if text.contains("event: update") {
                return text;
            }
        }
        text
    })
    .await
    .expect("an update within 10 s");
    assert!(received.contains("event: update"), "{received}");
    assert_eq!(app.get("/t/not-a-token/live").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_jpegs_have_no_gps_and_the_gallery_gets_thumbnails() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let mut plain = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(1200, 800, image::Rgb([10, 120, 200])).write_to(&mut plain, image::ImageFormat::Jpeg).unwrap();
    let plain = plain.into_inner();
    let exif = b"Exif\0\0GPSLatitude=52.3676;GPSLongitude=4.9041";
    let mut photo = plain[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    photo.extend_from_slice(exif);
    photo.extend_from_slice(&plain[2..]);

    let form = depot_form("JPEG-1", "Delivered", "2025-10-08T10:15:00Z");
    assert_eq!(app.post_depot(&form, Some((&photo, "photo.jpg"))).await.status(), 200);
    let token = app.share_token("JPEG-1").await;
    let url = app.shared_pod_url(&token).await;
    let html = app.get(&format!("/t/{token}")).await.text().await.unwrap();
    assert!(html.contains(&format!("{url}?size=thumb")), "the gallery shows the thumbnail");

    let full = app.get(&url).await;
    assert_eq!(full.headers()["content-type"], "image/jpeg");
    let full = full.bytes().await.unwrap();
    assert!(!full.windows(11).any(|w| w == b"GPSLatitude"), "no GPS in the served copy");
    assert_eq!(image::load_from_memory(&full).unwrap().width(), 1200);

    let thumb = app.get(&format!("{url}?size=thumb")).await.bytes().await.unwrap();
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 213));
    // The original, with its hash, is what was kept.
    let sha = app.query_text("SELECT sha256 FROM pod_file").await;
    use sha2::Digest;
    assert_eq!(sha, hex::encode(sha2::Sha256::digest(&photo)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_seen_only_in_the_quarantine_says_tracking_will_appear_soon() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let broken = serde_json::json!({"articleId": "QONLY-1", "track_status": "Delivered", "track_datetime": "not a time"}).to_string();
    assert_eq!(app.post_depot(&broken, None).await.status(), 400);
    assert_eq!(app.query_text("SELECT tracking_number FROM raw_delivery").await, "QONLY-1", "tied to its number");
    let page = app.get("/track/QONLY-1").await;
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("Tracking will appear soon"));
    assert_eq!(app.get("/api/v1/track/QONLY-1").await.status(), 404, "the contract's API has no parcel to show");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_parcel_says_so_and_leaves_the_happy_path() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let body = serde_json::json!({"event": "expired", "message": "No tracking information for 3 days", "tracking_number": "EXP-1",
        "items": [{"time": "2025-01-01 10:00:00", "context": "Accepted", "order_status_description": "Accepted"}]});
    assert_eq!(app.post_signed("keydelivery", &body.to_string()).await.status(), 200);
    let html = app.get("/track/EXP-1").await.text().await.unwrap();
    assert!(html.contains(r#"class="parcel-status status-expired">Tracking expired<"#), "status heading");
    assert!(html.contains("step current detour"), "the stepper shows the detour");
    assert!(html.contains("No tracking information for 3 days"));
}

/// Pages rendered many at a time: every one is answered (a page's reactive values were
/// once read after the render had disposed them, which panicked a few renders in a
/// thousand under load).
async fn hundreds_of_concurrent_page_renders_each_show_their_own_parcel_and_language(app: TestApp) {
    // Several parcels and both languages at once: a render that read another request's
    // route, or none, would show the wrong number or language, not only a wrong status.
    let mut pages = Vec::new();
    for k in 1..=4 {
        let number = format!("LOAD-{k}");
        app.post_depot(&common::depot_form(&number, "In Transit", "2025-10-08T09:00:00Z"), None).await;
        let token = app.share_token(&number).await;
        for lang in ["en", "nl"] {
            pages.push((format!("/track/{number}?lang={lang}"), number.clone(), lang));
            pages.push((format!("/t/{token}?lang={lang}"), number.clone(), lang));
        }
    }
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(16));
    let renders = (0..640).map(|i| {
        let (path, number, lang) = pages[i % pages.len()].clone();
        let (client, permits, url) = (app.client.clone(), permits.clone(), format!("{}{path}", app.address));
        tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let answer = client.get(url).send().await;
            let (status, html) = match answer {
                Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
                Err(_) => (0, String::new()),
            };
            let right = status == 200 && html.contains(&number) && html.contains(&format!(r#"<div lang="{lang}""#));
            (!right).then(|| format!("{path}: {status}"))
        })
    });
    let wrong: Vec<String> =
        futures::future::join_all(renders).await.into_iter().filter_map(|r| r.unwrap_or(Some("task failed".into()))).collect();
    assert!(wrong.is_empty(), "{} of 640 renders were wrong, e.g. {:?}", wrong.len(), wrong.first());
}
on_both_backends!(hundreds_of_concurrent_page_renders_each_show_their_own_parcel_and_language);
