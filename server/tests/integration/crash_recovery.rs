//! kill -9 during 2,000 concurrent webhook posts, then a restart: every delivery that was
//! answered `200` is there exactly once, and SQLite's integrity check passes. Runs the real
//! binary, on SQLite and on PostgreSQL, and prints sent / acknowledged / persisted / lost.
use crate::common;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const SENT: usize = 2000;
/// Acknowledgements to wait for before pulling the plug.
const KILL_AFTER: usize = 500;

fn start_server(port: u16, database_url: &str, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_waybill"))
        .arg("serve")
        .current_dir(dir)
        .env_clear()
        .env("WAYBILL_ADDR", format!("127.0.0.1:{port}"))
        .env("WAYBILL_DATABASE_URL", database_url)
        .env("WAYBILL_STORAGE_URL", format!("file://{}/pod", dir.display()))
        .env("WAYBILL_PEDDLER_TOKEN", common::PEDDLER_TOKEN)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("waybill serve starts")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

fn body(i: usize) -> String {
    serde_json::json!({
        "id": format!("crash-{i}"), "carrierTrackingNumber": format!("CRASH{i:05}"), "status": "OUT_FOR_DELIVERY",
        "ts": "2025-10-08T10:00:00Z", "code": 410
    })
    .to_string()
}

async fn numbers(db: &DatabaseConnection, sql: &str) -> Vec<(String, i64)> {
    let backend = db.get_database_backend();
    db.query_all(Statement::from_string(backend, sql.to_string()))
        .await
        .expect("query")
        .into_iter()
        .map(|row| (row.try_get_by_index::<String>(0).unwrap(), row.try_get_by_index::<i64>(1).unwrap()))
        .collect()
}

async fn acknowledged_deliveries_survive_a_kill_9(database_url: String, sqlite: bool) {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let mut server = start_server(port, &database_url, dir.path());
    wait_ready(&client, &base).await;

    let acked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let permits = Arc::new(tokio::sync::Semaphore::new(64));
    let mut posts = Vec::with_capacity(SENT);
    for i in 0..SENT {
        let (client, base, acked, count, permits) = (client.clone(), base.clone(), acked.clone(), count.clone(), permits.clone());
        posts.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let sent = client
                .post(format!("{base}/webhooks/peddler"))
                .header("content-type", "application/json")
                .header("x-webhook-shared-token", common::PEDDLER_TOKEN)
                .body(body(i))
                .send()
                .await;
            if sent.is_ok_and(|r| r.status() == 200) {
                acked.lock().unwrap().push(i);
                count.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    while count.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().expect("kill -9");
    server.wait().unwrap();
    futures::future::join_all(posts).await;
    let acked = acked.lock().unwrap().clone();

    let mut server = start_server(port, &database_url, dir.path());
    wait_ready(&client, &base).await;
    let db = Database::connect(&database_url).await.unwrap();
    let events = numbers(
        &db,
        "SELECT p.tracking_number, COUNT(e.id) FROM parcel p LEFT JOIN tracking_event e ON e.parcel_id = p.id GROUP BY p.tracking_number",
    )
    .await;
    let persisted: std::collections::HashMap<String, i64> = events.into_iter().collect();
    let lost: Vec<usize> = acked.iter().copied().filter(|i| persisted.get(&format!("CRASH{i:05}")).copied().unwrap_or(0) != 1).collect();
    let duplicated = persisted.values().filter(|n| **n > 1).count();
    let raw = numbers(&db, "SELECT 'raw', COUNT(*) FROM raw_delivery").await[0].1;
    println!(
        "crash test ({}): sent {SENT}, acknowledged {}, persisted {} (raw deliveries {raw}), lost {}, duplicated {duplicated}",
        if sqlite { "SQLite" } else { "PostgreSQL" },
        acked.len(),
        persisted.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "acknowledged but missing: {lost:?}");
    assert_eq!(duplicated, 0);
    assert!(persisted.len() >= acked.len());
    if sqlite {
        let check =
            db.query_one(Statement::from_string(db.get_database_backend(), "PRAGMA integrity_check".to_string())).await.unwrap().unwrap();
        assert_eq!(check.try_get_by_index::<String>(0).unwrap(), "ok");
    }
    // The restarted server takes new work.
    let after = client
        .post(format!("{base}/webhooks/peddler"))
        .header("content-type", "application/json")
        .header("x-webhook-shared-token", common::PEDDLER_TOKEN)
        .body(body(SENT + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200);
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_deliveries_survive_a_kill_9_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crash.db?mode=rwc", dir.path().display());
    acknowledged_deliveries_survive_a_kill_9(url, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_deliveries_survive_a_kill_9_on_postgres() {
    let pg = common::PostgresDatabase::create().await;
    acknowledged_deliveries_survive_a_kill_9(pg.url.clone(), false).await;
}
