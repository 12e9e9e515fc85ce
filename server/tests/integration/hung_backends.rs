//! A backend that accepts connections and then never answers (PostgreSQL, or S3 behind a
//! stalling TCP proxy): webhooks get `503` with `Retry-After` within the configured bounds,
//! pages say "temporarily unavailable" with `503`, readiness says which backend, and once
//! the backend answers again the same instance recovers by itself, with nothing lost.
use crate::common;

use common::proxy::TcpProxy;
use common::{depot_form, Backend, SIGNATURE_PNG};
use std::time::{Duration, Instant};

/// The bounds the tests configure: a statement may take 1 s, a pooled connection is waited
/// for 1 s; Waybill's own deadline adds a second.
const DB_LIMITS: [(&str, &str); 2] = [("WAYBILL_DB_STATEMENT_TIMEOUT_SECS", "1"), ("WAYBILL_DB_ACQUIRE_TIMEOUT_SECS", "1")];
/// What the answer may take at most: the deadline (2 s) and a margin for a busy machine.
const ANSWERED_WITHIN: Duration = Duration::from_secs(5);

/// Retries `attempt` until it answers 200, for up to 20 s; the time it took.
async fn until_ok<F, Fut>(mut attempt: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if attempt().await.status() == 200 {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("not answered 200 within 20 s of the backend answering again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_stops_answering_gives_503_within_the_deadline_and_the_instance_recovers_by_itself() {
    let pg = common::PostgresDatabase::create().await;
    let proxy = TcpProxy::start("127.0.0.1:5432").await;
    let name = pg.url.rsplit('/').next().unwrap().to_string();
    let through_proxy = format!("postgres://postgres@127.0.0.1:{}/{name}", proxy.port);
    let mut vars = vec![("WAYBILL_DATABASE_URL", through_proxy.as_str())];
    vars.extend(DB_LIMITS);
    let app = common::spawn_app_with(Backend::Sqlite, &vars).await;
    assert_eq!(app.post_signed("peddler", &common::peddler_body("HUNG-DB-1", "IN_TRANSIT", "2025-10-08T09:00:00Z")).await.status(), 200);

    proxy.stall();
    let started = Instant::now();
    let webhook = app.post_signed("peddler", &common::peddler_body("HUNG-DB-1", "DELIVERED", "2025-10-08T15:00:00Z")).await;
    let webhook_took = started.elapsed();
    assert_eq!(webhook.status(), 503, "the carrier is told to retry");
    assert!(webhook.headers().contains_key("retry-after"), "with Retry-After");
    assert!(webhook_took < ANSWERED_WITHIN, "answered in {webhook_took:?}, not after the request timeout");

    let started = Instant::now();
    let page = app.get("/track/HUNG-DB-1").await;
    let page_took = started.elapsed();
    assert_eq!(page.status(), 503);
    assert!(page.headers().contains_key("retry-after"));
    assert!(page.text().await.unwrap().contains("temporarily unavailable"));
    assert!(page_took < ANSWERED_WITHIN, "page answered in {page_took:?}");
    let json = app.get("/api/v1/track/HUNG-DB-1").await;
    assert_eq!(json.status(), 503);
    assert!(json.headers().contains_key("retry-after"));
    let started = Instant::now();
    let ready = app.get("/readyz/database").await;
    assert_eq!(ready.status(), 503);
    assert!(started.elapsed() < ANSWERED_WITHIN, "the probe is bounded too");
    assert_eq!(ready.json::<serde_json::Value>().await.unwrap()["database"], "database unavailable");

    // Longer than every deadline, so that the connections dropped mid-statement are
    // tested by the pool meanwhile (a ping that gets no answer either).
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.resume();
    let retried = common::peddler_body("HUNG-DB-1", "DELIVERED", "2025-10-08T15:00:00Z");
    let recovered = until_ok(|| app.post_signed("peddler", &retried)).await;
    assert_eq!(app.get("/readyz/database").await.status(), 200);
    assert_eq!(app.track_json("HUNG-DB-1").await["parcels"][0]["status"], "delivered");

    // Nothing lost: both deliveries that were answered 200 are in the archive.
    let direct = sea_orm::Database::connect(&pg.url).await.unwrap();
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let kept = server::entity::raw_delivery::Entity::find()
        .filter(server::entity::raw_delivery::Column::TrackingNumber.eq("HUNG-DB-1"))
        .count(&direct)
        .await
        .unwrap();
    assert!(kept >= 2, "the accepted deliveries are archived: {kept}");
    println!(
        "hung database: webhook 503 in {} ms, page 503 in {} ms, recovered {} ms after it answered again, lost 0",
        webhook_took.as_millis(),
        page_took.as_millis(),
        recovered.as_millis()
    );
    drop(direct);
    drop(pg);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_store_that_stops_answering_gives_pod_uploads_503_within_the_deadline_while_json_webhooks_go_on() {
    let moto = common::s3::Moto::start().await;
    let proxy = TcpProxy::start(&format!("127.0.0.1:{}", moto.port)).await;
    let endpoint = format!("http://127.0.0.1:{}", proxy.port);
    let mut vars: Vec<(&str, String)> = moto.vars();
    vars.retain(|(k, _)| *k != "AWS_ENDPOINT_URL");
    vars.push(("AWS_ENDPOINT_URL", endpoint));
    vars.push(("WAYBILL_STORAGE_TIMEOUT_SECS", "1".into()));
    vars.push(("WAYBILL_STORAGE_RETRIES", "0".into()));
    vars.push(("WAYBILL_STORAGE_CHECK_SECS", "1".into()));
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = common::spawn_app_with(Backend::Sqlite, &vars).await;
    let form = depot_form("HUNG-S3-1", "Delivered", "2025-10-08T15:00:00Z");
    assert_eq!(app.post_depot(&form, Some((SIGNATURE_PNG, "sig.png"))).await.status(), 200);

    proxy.stall();
    let started = Instant::now();
    let upload = app.post_depot(&depot_form("HUNG-S3-2", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "sig.png"))).await;
    let upload_took = started.elapsed();
    assert_eq!(upload.status(), 503, "the depot is told to retry");
    assert!(upload.headers().contains_key("retry-after"));
    assert!(upload_took < ANSWERED_WITHIN, "answered in {upload_took:?}");
    assert_eq!(
        app.post_signed("peddler", &common::peddler_body("HUNG-S3-3", "IN_TRANSIT", "2025-10-08T09:00:00Z")).await.status(),
        200,
        "a JSON webhook never touches the object store"
    );
    assert_eq!(app.get("/track/HUNG-S3-1").await.status(), 200, "the page needs no object store");
    assert_eq!(app.readyz_once(503).await.status(), 503, "/readyz names the store");
    assert_eq!(app.get("/readyz/database").await.status(), 200, "the load balancer's probe keeps the instance in");

    proxy.resume();
    let retried = depot_form("HUNG-S3-2", "Delivered", "2025-10-08T15:00:00Z");
    let recovered = until_ok(|| app.post_depot(&retried, Some((SIGNATURE_PNG, "sig.png")))).await;
    assert_eq!(app.readyz_once(200).await.status(), 200);
    assert_eq!(app.track_json("HUNG-S3-2").await["parcels"][0]["status"], "delivered");
    println!(
        "hung object store: POD upload 503 in {} ms, JSON webhooks and pages 200 meanwhile, recovered {} ms after it answered again, lost 0",
        upload_took.as_millis(),
        recovered.as_millis()
    );
}
