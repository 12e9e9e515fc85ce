//! `waybill replay` rebuilds every parcel in one transaction, so it refuses to run while a
//! server uses the same database, saying which and what to do; once the servers are gone
//! (stopped, or killed long enough ago) it runs.
use crate::common;

use common::Backend;
use sea_orm::{EntityTrait, Set};
use server::entity::server_instance;

async fn replay_beside_a_running_server_is_refused_with_what_to_do(app: common::TestApp) {
    assert_eq!(app.post_signed("peddler", &common::peddler_body("REPLAY-LIVE-1", "DELIVERED", "2025-10-08T15:00:00Z")).await.status(), 200);
    let rows = server_instance::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1, "the running server signed in: {rows:?}");
    assert_eq!(rows[0].pid, i64::from(std::process::id()));

    let refused = server::cli::replay(&app.settings).await.expect_err("refused beside a running server");
    let message = refused.to_string();
    assert!(message.contains("waybill replay refused"), "{message}");
    assert!(message.contains(&format!("pid {}", std::process::id())), "names the server: {message}");
    assert!(message.contains("stop every server on this database"), "says what to do: {message}");
    assert_eq!(app.track_json("REPLAY-LIVE-1").await["parcels"][0]["status"], "delivered", "nothing was touched");

    // A server killed ten minutes ago left its row; it no longer counts.
    server_instance::Entity::delete_many().exec(&app.db).await.unwrap();
    let killed_at = chrono::Utc::now() - chrono::Duration::seconds(600);
    let killed = server_instance::ActiveModel {
        id: Set("killed".into()),
        host: Set("old-host".into()),
        pid: Set(1),
        started_at: Set(killed_at),
        seen_at: Set(killed_at),
    };
    server_instance::Entity::insert(killed).exec(&app.db).await.unwrap();
    // The test's own server renews its row only every 60 s (set below), so it is gone now.
    server::cli::replay(&app.settings).await.expect("replays once no server's sign of life is fresh");
    assert_eq!(app.track_json("REPLAY-LIVE-1").await["parcels"][0]["status"], "delivered", "rebuilt the same");
    println!("replay beside a live server: refused with the server named; ran once its sign of life was stale");
}

mod replay_beside_a_running_server_is_refused_with_what_to_do {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_HEARTBEAT_SECS", "60")]).await;
        super::replay_beside_a_running_server_is_refused_with_what_to_do(app).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        let app = common::spawn_app_with(Backend::Postgres, &[("WAYBILL_HEARTBEAT_SECS", "60")]).await;
        super::replay_beside_a_running_server_is_refused_with_what_to_do(app).await;
    }
}

/// The sign of life is a write too: on SQLite it must wait for the commit writer's turn, or
/// a beat that lands between a batch's first read and its first write fails the whole
/// batch with `database is locked` (found by the bench: 49 webhooks answered 503).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_heartbeat_never_fails_a_batch_of_webhooks_on_sqlite() {
    let app = common::spawn_app_with(common::Backend::Sqlite, &[("WAYBILL_HEARTBEAT_SECS", "1")]).await;
    let until = std::time::Instant::now() + std::time::Duration::from_secs(6);
    let senders = (0..96).map(|sender| {
        let (client, address) = (reqwest::Client::new(), app.address.clone());
        tokio::spawn(async move {
            let (mut sent, mut refused) = (0u32, Vec::new());
            while std::time::Instant::now() < until {
                let form = common::depot_form(&format!("BEAT-{sender}-{sent}"), "In Transit", "2025-10-08T09:00:00Z");
                let body = reqwest::multipart::Form::new().text("form_data", form);
                let status = client.post(format!("{address}/webhooks/depot")).bearer_auth(common::DEPOT_TOKEN).multipart(body).send().await;
                let status = status.map(|r| r.status().as_u16()).unwrap_or(0);
                if status != 200 {
                    refused.push(status);
                }
                sent += 1;
            }
            (sent, refused)
        })
    });
    let results: Vec<(u32, Vec<u16>)> = futures::future::join_all(senders).await.into_iter().map(|r| r.unwrap()).collect();
    let sent: u32 = results.iter().map(|r| r.0).sum();
    let refused: Vec<u16> = results.into_iter().flat_map(|r| r.1).collect();
    println!("heartbeat every second beside ingest: {sent} webhooks, {} not answered 200", refused.len());
    assert!(sent > 100, "{sent} webhooks in 6 s");
    assert!(refused.is_empty(), "answered {refused:?}");
}
