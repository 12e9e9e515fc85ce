//! While PostgreSQL is unreachable, webhooks get `503` (so carriers retry) and `/readyz`
//! says the database is down; when it is back, work resumes without a restart.
use crate::common;

use common::proxy::TcpProxy;
use common::{depot_form, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_down_webhooks_get_503_and_work_resumes_after() {
    let pg = common::PostgresDatabase::create().await;
    let proxy = TcpProxy::start("127.0.0.1:5432").await;
    let name = pg.url.rsplit('/').next().unwrap().to_string();
    let through_proxy = format!("postgres://postgres@127.0.0.1:{}/{name}", proxy.port);
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_DATABASE_URL", &through_proxy)]).await;
    assert_eq!(app.post_depot(&depot_form("DB-DOWN-1", "In Transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);

    proxy.down().await;
    let response = app.post_depot(&depot_form("DB-DOWN-1", "Delivered", "2025-10-08T15:00:00Z"), None).await;
    assert_eq!(response.status(), 503, "the carrier is told to retry");
    let error: serde_json::Value = response.json().await.unwrap();
    assert!(!error["error"].as_str().unwrap().contains("postgres"), "no internal detail leaks: {error}");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    let why: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(why["database"], "database unavailable");
    assert_eq!(app.get("/healthz").await.status(), 200, "the process itself is alive");

    proxy.up().await;
    let mut ready = false;
    for _ in 0..100 {
        if app.get("/readyz").await.status() == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "ready again without a restart");
    let retried = app.post_depot(&depot_form("DB-DOWN-1", "Delivered", "2025-10-08T15:00:00Z"), None).await;
    assert_eq!(retried.status(), 200);
    assert_eq!(app.track_json("DB-DOWN-1").await["parcels"][0]["status"], "delivered");
    println!("database outage: 503 while down, readyz named the database, accepted after it came back");
    drop(pg);
}
