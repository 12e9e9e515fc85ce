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
