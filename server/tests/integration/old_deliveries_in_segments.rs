//! The archive on disk: identical bodies and POD files are stored once; with
//! `WAYBILL_RAW_RETENTION_DAYS`, raw deliveries older than that leave the database for
//! compressed, checksummed segments in the object store; the quarantine stays; `waybill
//! replay` reads the segments back and rebuilds the same parcels; a damaged segment stops
//! the replay with the reason instead of rebuilding from part of the archive.
use crate::common;

use common::{depot_form, TestApp, SIGNATURE_PNG};
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::entity::{raw_body, raw_delivery, raw_segment};

async fn old_raw_deliveries_move_to_segments_that_replay_reads_back(app: TestApp) {
    app.post_depot(&depot_form("SEG-1", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    app.post_depot(&depot_form("SEG-1", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "s.png"))).await;
    app.post_depot(&depot_form("SEG-1", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "s.png"))).await;
    assert_eq!(app.post_signed("peddler", &common::peddler_body("SEG-2", "DELIVERED", "2025-10-08T15:00:00Z")).await.status(), 200);
    app.post_depot("{broken", None).await;
    let before = (app.track_json("SEG-1").await, app.track_json("SEG-2").await);
    let token = app.share_token("SEG-1").await;
    // Stored once: the repeated depot body, and the POD file sent twice.
    assert_eq!(raw_body::Entity::find().count(&app.db).await.unwrap(), 4, "5 deliveries, 2 of them the same bytes");
    let store = server::storage::PodStore::open(&app.settings.storage_url, &[]).unwrap();
    let objects: Vec<_> =
        futures::TryStreamExt::try_collect(store.inner().list(Some(&object_store::path::Path::from("pod")))).await.unwrap();
    assert_eq!(objects.len(), 1, "one object for the file sent twice: {objects:?}");
    assert!(objects[0].location.as_ref().starts_with("pod/sha256/"), "at its content address: {}", objects[0].location);

    let three_days_ago = chrono::Utc::now() - chrono::Duration::days(3);
    raw_delivery::Entity::update_many()
        .col_expr(raw_delivery::Column::ReceivedAt, Expr::value(three_days_ago))
        .exec(&app.db)
        .await
        .unwrap();
    let mut left = u64::MAX;
    for _ in 0..100 {
        left = raw_delivery::Entity::find().count(&app.db).await.unwrap();
        if left == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, 1, "only the quarantined delivery stays in the database");
    let segments = raw_segment::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(segments.iter().map(|s| s.deliveries).sum::<i64>(), 4, "{segments:?}");
    assert_eq!(raw_body::Entity::find().count(&app.db).await.unwrap(), 1, "bodies no row needs are gone; the quarantined one's stays");
    let moved = server::ingest::read_segment(&store, &segments[0]).await.unwrap();
    assert!(
        moved.iter().any(|(raw, body)| raw.tracking_number.as_deref() == Some("SEG-2") && body.starts_with(b"{")),
        "bodies as they arrived"
    );

    let stdout = app.replay().await;
    assert!(stdout.contains("replayed 5 raw deliveries: 3 applied, 1 duplicates, 1 quarantined"), "{stdout}");
    assert_eq!((app.track_json("SEG-1").await, app.track_json("SEG-2").await), before, "the same parcels from the segments");
    let pod = app.shared_pod_url(&token).await;
    assert_eq!(&app.get(&pod).await.bytes().await.unwrap()[..], SIGNATURE_PNG, "the POD file is kept for the moved delivery");

    // A damaged segment: replay stops and says which and why; nothing is rebuilt from part.
    use object_store::ObjectStoreExt;
    let location = object_store::path::Path::from(segments[0].key.as_str());
    store.inner().put(&location, bytes::Bytes::from_static(b"damaged").into()).await.unwrap();
    server::entity::server_instance::Entity::delete_many().exec(&app.db).await.unwrap();
    let refused = app.run_waybill(&["replay"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(stderr.contains(&segments[0].key) && stderr.contains("SHA-256 does not match"), "{stderr}");
    assert_eq!((app.track_json("SEG-1").await, app.track_json("SEG-2").await), before, "nothing half-rebuilt");
    println!("retention: 4 of 5 raw deliveries moved to {} segment(s); replay read them back; a damaged one was refused", segments.len());
}

mod old_raw_deliveries_move_to_segments_that_replay_reads_back {
    use super::*;
    const RETENTION: [(&str, &str); 2] = [("WAYBILL_RAW_RETENTION_DAYS", "1"), ("WAYBILL_RAW_RETENTION_CHECK_SECS", "1")];
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        super::old_raw_deliveries_move_to_segments_that_replay_reads_back(
            common::spawn_app_with(common::Backend::Sqlite, &RETENTION).await,
        )
        .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        super::old_raw_deliveries_move_to_segments_that_replay_reads_back(
            common::spawn_app_with(common::Backend::Postgres, &RETENTION).await,
        )
        .await;
    }
}
