//! `waybill replay` rebuilds the same parcels from the raw deliveries, run as the real
//! binary against the database the server wrote.
use crate::common;

use common::{depot_form, TestApp, SIGNATURE_PNG};

async fn replay_reproduces_the_same_parcels(app: TestApp) {
    for (n, status, time) in [
        ("REP-1", "Delivered", "2025-10-08T15:00:00Z"),
        ("REP-1", "Not Scanned", "2025-10-07T08:00:00Z"),
        ("REP-1", "In Transit", "2025-10-08T09:00:00Z"),
        ("REP-2", "Failed Delivery", "2025-10-08T12:00:00Z"),
        ("REP-2", "Failed Delivery", "2025-10-08T12:00:00Z"),
        ("REP-2", "Mystery", "2025-10-08T13:00:00Z"),
    ] {
        let pod = (status == "Delivered").then_some((SIGNATURE_PNG, "s.png"));
        app.post_depot(&depot_form(n, status, time), pod).await;
    }
    app.post_depot("{broken", None).await;
    let before = (app.track_json("REP-1").await, app.track_json("REP-2").await, app.share_token("REP-1").await);
    let pods_before = app.count("pod_file").await;

    let stdout = app.replay().await;
    assert!(stdout.contains("replayed 7 raw deliveries: 5 applied, 1 duplicates, 1 quarantined"), "{stdout}");

    let after = (app.track_json("REP-1").await, app.track_json("REP-2").await, app.share_token("REP-1").await);
    assert_eq!(before, after);
    assert_eq!(app.count("pod_file").await, pods_before);
}
on_both_backends!(replay_reproduces_the_same_parcels);

async fn sweep_deletes_only_objects_no_row_refers_to(app: TestApp) {
    use object_store::ObjectStoreExt;
    app.post_depot(&depot_form("SWEEP-1", "Delivered", "2025-10-08T10:15:00Z"), Some((SIGNATURE_PNG, "s.png"))).await;
    let store = server::storage::PodStore::open(&app.settings.storage_url, &[]).unwrap();
    let orphan = object_store::path::Path::from("pod/2025/01/01/orphan-from-a-crash");
    store.inner().put(&orphan, bytes::Bytes::from_static(b"left behind").into()).await.unwrap();

    let sweep = |age: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_waybill"))
            .args(["sweep", "--older-than-secs", age])
            .current_dir(app.dir.path())
            .env_clear()
            .env("WAYBILL_DATABASE_URL", app.settings.database_url.expose())
            .env("WAYBILL_STORAGE_URL", &app.settings.storage_url)
            .output()
            .expect("waybill sweep runs")
    };
    // A day's grace keeps everything that is this fresh.
    let kept = sweep("86400");
    assert!(String::from_utf8_lossy(&kept.stdout).contains("0 deleted"), "{}", String::from_utf8_lossy(&kept.stderr));
    assert!(store.inner().head(&orphan).await.is_ok());

    let swept = sweep("0");
    assert!(swept.status.success(), "{}", String::from_utf8_lossy(&swept.stderr));
    assert!(String::from_utf8_lossy(&swept.stdout).contains("1 deleted"), "{}", String::from_utf8_lossy(&swept.stdout));
    assert!(store.inner().head(&orphan).await.is_err(), "the orphan is gone");
    // The POD a row refers to is still served.
    let token = app.share_token("SWEEP-1").await;
    let url = app.shared_pod_url(&token).await;
    assert_eq!(&app.get(&url).await.bytes().await.unwrap()[..], SIGNATURE_PNG);
}
on_both_backends!(sweep_deletes_only_objects_no_row_refers_to);
