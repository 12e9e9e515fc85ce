//! POD files in a real S3-compatible server (moto on loopback) through `s3://bucket/prefix`
//! and the standard `AWS_*` variables: upload, download, sniffing, limits, and what happens
//! while the store is down.
use crate::common;

use common::staff::STAFF_EMAIL;
use common::{depot_form, spawn_app_on_s3, Backend, SIGNATURE_PNG};

async fn pod_files_round_trip_through_s3(backend: Backend) {
    let app = spawn_app_on_s3(backend, &[]).await;
    assert_eq!(app.get("/readyz").await.status(), 200, "the S3 store answers");
    let response = app.post_depot(&depot_form("S3-1", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "sig.png"))).await;
    assert_eq!(response.status(), 200);

    // The object is in the bucket, under the configured prefix.
    let key = app.query_text("SELECT storage_key FROM pod_file").await;
    let listing = reqwest::get(format!("{}/{}?list-type=2&prefix=pod/", app.s3.as_ref().unwrap().endpoint, common::s3::BUCKET))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listing.contains(&format!("pod/{key}")), "{listing}");

    // Staff download the bytes exactly as sent; customers see it on the share link.
    app.with_staff();
    let api_key = app.create_api_key(STAFF_EMAIL);
    let id = app.query_text("SELECT id FROM pod_file").await;
    let mut browser = common::staff::StaffBrowser::new(&app.address);
    browser.login(STAFF_EMAIL, common::staff::STAFF_PASSWORD).await;
    let download = browser.get(&format!("/staff/pod/{id}")).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), SIGNATURE_PNG);
    let token = app.share_token("S3-1").await;
    let shared = app.get(&app.shared_pod_url(&token).await).await;
    assert_eq!(shared.status(), 200);
    assert_eq!(shared.headers()["content-type"], "image/png");

    // A staff upload through the API lands in S3 too, byte-exact.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    jpeg.extend((0..200_000u32).map(|i| (i % 251) as u8));
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(jpeg.clone()).file_name("photo.jpg"));
    let url = format!("{}/staff/api/parcels/depot/S3-1/pod", app.address);
    let uploaded = app.client.post(&url).bearer_auth(&api_key).multipart(form).send().await.unwrap();
    assert_eq!(uploaded.status(), 201);
    let body: serde_json::Value = uploaded.json().await.unwrap();
    let back = browser.get(&format!("/staff/pod/{}", body["id"].as_str().unwrap())).await.bytes().await.unwrap();
    assert_eq!(back.as_ref(), jpeg.as_slice());

    // Same sniffing and limits as on local files.
    let html =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"<!doctype html><p>hi".to_vec()).file_name("x.jpg"));
    assert_eq!(app.client.post(&url).bearer_auth(&api_key).multipart(html).send().await.unwrap().status(), 415);
    let mut big = SIGNATURE_PNG.to_vec();
    big.resize(1_048_577, 7);
    let big = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(big).file_name("big.png"));
    assert_eq!(app.client.post(&url).bearer_auth(&api_key).multipart(big).send().await.unwrap().status(), 413);
    assert_eq!(app.count("pod_file").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_files_round_trip_through_s3_on_sqlite() {
    pod_files_round_trip_through_s3(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_files_round_trip_through_s3_on_postgres() {
    pod_files_round_trip_through_s3(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_object_store_is_down_webhooks_with_files_get_503_and_work_resumes_after() {
    let mut app = spawn_app_on_s3(Backend::Postgres, &[("WAYBILL_STORAGE_CHECK_SECS", "1")]).await;
    app.s3.as_mut().unwrap().stop();

    let response = app.post_depot(&depot_form("S3-DOWN-1", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "sig.png"))).await;
    assert_eq!(response.status(), 503, "the carrier is told to retry");
    let ready = app.readyz_once(503).await;
    assert_eq!(ready.status(), 503);
    let why: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(why["storage"], "object store unavailable");
    assert_eq!(why["database"], "ok");
    assert_eq!(app.count("pod_file").await, 0, "no row points at a missing object");

    app.s3.as_mut().unwrap().restart().await;
    assert_eq!(app.readyz_once(200).await.status(), 200, "ready again without a restart");
    let retried = app.post_depot(&depot_form("S3-DOWN-1", "Delivered", "2025-10-08T15:00:00Z"), Some((SIGNATURE_PNG, "sig.png"))).await;
    assert_eq!(retried.status(), 200);
    assert_eq!(app.count("pod_file").await, 1);
    println!("object store outage: 503 while down, readyz named the store, accepted after it came back");
}
