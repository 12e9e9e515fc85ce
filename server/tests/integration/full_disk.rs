//! A full disk: the SQLite database and the POD files on a small tmpfs, filled up. Webhooks
//! are answered `503` with `Retry-After` (never `500`), nothing is half-written (the
//! database passes its integrity check, every delivery answered `200` is there), and once
//! space returns the same server takes deliveries again.
use crate::common;

use common::{Backend, SIGNATURE_PNG};
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmpfs mounted for the test, unmounted (lazily: the server still holds its files) after.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Self {
        let dir = tempfile::tempdir().expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount(8)");
        assert!(status.success(), "mounting a {megabytes} MB tmpfs needs root (CI and the dev machines run as root)");
        Self { dir }
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Writes a file until the file system is full.
    fn fill(&self) -> std::path::PathBuf {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let small = vec![0u8; 512];
        while file.write_all(&small).is_ok() {}
        let _ = file.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_full_disk_webhooks_get_503_nothing_is_half_written_and_space_coming_back_is_enough() {
    let disk = SmallDisk::mount(16);
    let database = format!("sqlite://{}/waybill.db?mode=rwc", disk.path().display());
    let storage = format!("file://{}/pod", disk.path().display());
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_DATABASE_URL", &database), ("WAYBILL_STORAGE_URL", &storage)]).await;
    let mut accepted = Vec::new();
    let body = |n: usize| common::peddler_body(&format!("FULL-{n}"), "IN_TRANSIT", "2025-10-08T09:00:00Z");
    assert_eq!(app.post_signed("peddler", &body(0)).await.status(), 200);
    accepted.push(0);

    let filler = disk.fill();
    let mut refused = 0;
    let started = Instant::now();
    for n in 1..=20 {
        let response = app.post_signed("peddler", &body(n)).await;
        match response.status().as_u16() {
            200 => accepted.push(n),
            503 => {
                assert!(response.headers().contains_key("retry-after"), "503 with Retry-After");
                refused += 1;
            }
            other => panic!("delivery {n} on a full disk answered {other}: {}", response.text().await.unwrap_or_default()),
        }
    }
    let depot =
        app.post_depot(&common::depot_form("FULL-POD", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "sig.png"))).await;
    assert_eq!(depot.status(), 503, "a POD file that cannot be written is a 503 too");
    assert!(refused > 0, "a full disk refuses deliveries");
    assert_eq!(app.get("/track/FULL-0").await.status(), 200, "pages are still read");

    std::fs::remove_file(&filler).expect("space comes back");
    let back = Instant::now();
    let mut retried = false;
    while back.elapsed() < Duration::from_secs(20) {
        if app.post_signed("peddler", &body(21)).await.status() == 200 {
            retried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(retried, "deliveries are taken again once there is space, without a restart");
    let recovered = back.elapsed();
    accepted.push(21);
    assert_eq!(
        app.post_depot(&common::depot_form("FULL-POD", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "sig.png")))
            .await
            .status(),
        200
    );

    for n in &accepted {
        assert_eq!(app.track_json(&format!("FULL-{n}")).await["parcels"][0]["status"], "in_transit", "delivery {n} was answered 200");
    }
    let check = app.query_text("PRAGMA integrity_check").await;
    assert_eq!(check, "ok", "nothing half-written");
    println!(
        "full disk: {refused} of 20 webhooks and the POD upload answered 503 (none 500) in {} ms; accepted again {} ms after space came back; lost 0",
        started.elapsed().as_millis(),
        recovered.as_millis()
    );
}
