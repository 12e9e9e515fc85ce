//! The public read path (issue 23): the page and the JSON come from the page cache until a
//! commit changes what they show; `ETag` / `If-None-Match` give `304`; public bodies may be
//! kept by anyone, share links by no one; a second instance on PostgreSQL hears of a commit
//! on the first; `waybill replay` rebuilds the written read model.
use crate::common;

use common::{depot_form, spawn_app, Backend, TestApp};
use std::time::{Duration, Instant};

async fn get_with(app_base: &str, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{app_base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request sent")
}

fn cache_status(response: &reqwest::Response) -> String {
    response.headers().get("x-waybill-cache").and_then(|v| v.to_str().ok()).unwrap_or("none").to_string()
}

async fn status_of(base: &str, number: &str) -> String {
    let json: serde_json::Value = get_with(base, &format!("/api/v1/track/{number}"), &[]).await.json().await.expect("json");
    json["parcels"][0]["status"].as_str().unwrap_or_default().to_string()
}

async fn a_page_shows_a_webhook_as_soon_as_it_is_acknowledged(app: TestApp) {
    let steps = [("Not Scanned", "info_received"), ("In Transit", "out_for_delivery"), ("Delivered", "delivered")];
    for (i, (depot_status, status)) in steps.into_iter().enumerate() {
        let time = format!("2025-10-08T1{i}:00:00Z");
        assert_eq!(app.post_depot(&depot_form("FRESH-1", depot_status, &time), None).await.status(), 200);
        // Straight after the 200: the page and the JSON show it, though both were cached.
        let page = get_with(&app.address, "/track/FRESH-1", &[]).await;
        assert_eq!(cache_status(&page), "miss", "the commit replaced the cached page");
        let html = page.text().await.unwrap();
        assert!(html.contains(status), "step {i}: {status} on the page");
        assert_eq!(status_of(&app.address, "FRESH-1").await, status);
        let again = get_with(&app.address, "/track/FRESH-1", &[]).await;
        assert_eq!(cache_status(&again), "hit", "the unchanged page comes from the cache");
        let json = get_with(&app.address, "/api/v1/track/FRESH-1", &[]).await;
        assert_eq!(cache_status(&json), "hit");
    }
    // A number cached under another spelling is the same parcel's (case, dashes).
    assert_eq!(status_of(&app.address, "fresh1").await, "delivered");
}
on_both_backends!(a_page_shows_a_webhook_as_soon_as_it_is_acknowledged);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_instance_on_postgres_shows_a_webhook_the_first_took_within_the_bound() {
    use futures::StreamExt;
    let app = spawn_app(Backend::Postgres).await;
    let second = app.start_another(&[]).await;
    assert_eq!(app.post_depot(&depot_form("TWO-FRESH-1", "In Transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    // The second instance listens from its start, so it caches.
    assert_eq!(status_of(&second, "TWO-FRESH-1").await, "out_for_delivery");
    assert_eq!(cache_status(&get_with(&second, "/api/v1/track/TWO-FRESH-1", &[]).await), "hit");
    // A share link's live stream on the second instance.
    let token = app.share_token("TWO-FRESH-1").await;
    let mut stream = get_with(&second, &format!("/t/{token}/live"), &[]).await.bytes_stream();

    assert_eq!(app.post_depot(&depot_form("TWO-FRESH-1", "Delivered", "2025-10-08T10:00:00Z"), None).await.status(), 200);
    let acknowledged = Instant::now();
    loop {
        if status_of(&second, "TWO-FRESH-1").await == "delivered" {
            break;
        }
        assert!(acknowledged.elapsed() < Duration::from_secs(2), "the second instance still shows the old status after 2 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let seen_after = acknowledged.elapsed();
    let told = tokio::time::timeout(Duration::from_secs(5), async {
        let mut text = String::new();
        while let Some(Ok(chunk)) = stream.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("event: update") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(told, Ok(true), "the second instance's live stream was told");
    println!("second instance: the page showed the webhook {} ms after the first instance acknowledged it", seen_after.as_millis());
}

async fn conditional_requests_get_304_until_the_parcel_changes(app: TestApp) {
    app.post_depot(&depot_form("ETAG-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    for path in ["/track/ETAG-1", "/api/v1/track/ETAG-1"] {
        let first = get_with(&app.address, path, &[("accept-encoding", "br, gzip")]).await;
        assert_eq!(first.status(), 200);
        let etag = first.headers()["etag"].to_str().unwrap().to_string();
        assert_eq!(first.headers()["content-encoding"], "br", "{path}");
        let control = first.headers()["cache-control"].to_str().unwrap().to_string();
        assert!(control.starts_with("public, max-age=") && control.contains("stale-while-revalidate="), "{path}: {control}");
        assert!(first.headers()["vary"].to_str().unwrap().contains("Accept-Encoding"));

        let again = get_with(&app.address, path, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag, "{path}: the same validator, whatever the coding");
        assert!(again.bytes().await.unwrap().is_empty());
        let other = get_with(&app.address, path, &[("if-none-match", "W/\"not-this-one\"")]).await;
        assert_eq!(other.status(), 200, "{path}");
    }
    let etag_of = |r: &reqwest::Response| r.headers()["etag"].to_str().unwrap().to_string();
    let old = etag_of(&get_with(&app.address, "/api/v1/track/ETAG-1", &[]).await);
    app.post_depot(&depot_form("ETAG-1", "Delivered", "2025-10-08T10:00:00Z"), None).await;
    let changed = get_with(&app.address, "/api/v1/track/ETAG-1", &[("if-none-match", &old)]).await;
    assert_eq!(changed.status(), 200, "a changed parcel is sent again");
    assert_ne!(etag_of(&changed), old);

    // Not found is not kept; a share link is for its holder only.
    let missing = get_with(&app.address, "/track/NO-SUCH-PARCEL", &[]).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["cache-control"], "no-store");
    let token = app.share_token("ETAG-1").await;
    let share = get_with(&app.address, &format!("/t/{token}"), &[]).await;
    assert_eq!(share.status(), 200);
    assert_eq!(share.headers()["cache-control"], "private, no-store");
    assert!(share.headers().get("etag").is_none());
}
on_both_backends!(conditional_requests_get_304_until_the_parcel_changes);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_page_allows_exactly_its_own_scripts_and_carries_no_nonce() {
    let app = spawn_app(Backend::Sqlite).await;
    app.post_depot(&depot_form("CSP-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let page = get_with(&app.address, "/track/CSP-1", &[]).await;
        let policy = page.headers()["content-security-policy"].to_str().unwrap().to_string();
        let html = page.text().await.unwrap();
        assert!(!policy.contains("nonce") && policy.contains("'sha256-"), "{policy}");
        assert!(!html.contains(" nonce="), "no nonce in a page served to many");
        seen.push((policy, html));
    }
    assert_eq!(seen[0], seen[1], "the hit is the same bytes and the same policy");
}

async fn replay_rebuilds_the_written_read_model(app: TestApp) {
    use common::ConnectionTrait;
    for (n, status, time) in [
        ("RM-1", "In Transit", "2025-10-08T09:00:00Z"),
        ("RM-1", "Delivered", "2025-10-08T15:00:00Z"),
        ("RM-2", "Failed Delivery", "2025-10-08T12:00:00Z"),
    ] {
        assert_eq!(app.post_depot(&depot_form(n, status, time), None).await.status(), 200);
    }
    let documents = "SELECT number_key || ':' || document AS d FROM parcel_view ORDER BY parcel_id";
    let read = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let backend = db.get_database_backend();
            let rows = db.query_all(sea_orm::Statement::from_string(backend, sql.to_string())).await.unwrap();
            rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect::<Vec<_>>()
        }
    };
    let written = read(documents).await;
    assert_eq!(written.len(), 2, "one view per parcel");
    assert!(written[0].contains("\"status\":\"delivered\""), "{}", written[0]);
    // Damage the read model: one view wrong, one gone.
    app.db.execute_unprepared("UPDATE parcel_view SET document = '{}' WHERE number_key = 'RM1'").await.unwrap();
    app.db.execute_unprepared("DELETE FROM parcel_view WHERE number_key = 'RM2'").await.unwrap();
    assert_ne!(read(documents).await, written);

    app.replay().await;
    assert_eq!(read(documents).await, written, "replay wrote the same views again");
    // A fresh instance serves them.
    let restarted = app.start_another(&[]).await;
    assert_eq!(status_of(&restarted, "RM-1").await, "delivered");
    assert_eq!(status_of(&restarted, "RM-2").await, "failed_attempt");
}
on_both_backends!(replay_rebuilds_the_written_read_model);
