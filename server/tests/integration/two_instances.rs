//! Two Waybill instances on one PostgreSQL and one S3 store, as behind a load balancer:
//! concurrent copies of a delivery split across both, a staff session, and a POD file.
use crate::common;

use common::staff::{StaffBrowser, STAFF_EMAIL, STAFF_PASSWORD};
use common::{depot_form, spawn_app_on_s3, Backend, SIGNATURE_PNG};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_deliveries_sessions_and_pod_files() {
    let app = spawn_app_on_s3(Backend::Postgres, &[]).await;
    let first = app.address.clone();
    let second = app.start_another(&[]).await;

    // 50 concurrent copies of one delivery, alternating between the instances.
    let form = depot_form("TWO-1", "Delivered", "2025-10-08T15:00:00Z");
    let client = reqwest::Client::new();
    let posts = (0..50).map(|i| {
        let base = if i % 2 == 0 { first.clone() } else { second.clone() };
        let (client, form) = (client.clone(), form.clone());
        tokio::spawn(async move {
            let body = reqwest::multipart::Form::new().text("form_data", form);
            client.post(format!("{base}/webhooks/depot")).bearer_auth(common::DEPOT_TOKEN).multipart(body).send().await.unwrap().status()
        })
    });
    let statuses = futures::future::join_all(posts).await;
    let ok = statuses.iter().filter(|s| s.as_ref().is_ok_and(|s| s.as_u16() == 200)).count();
    assert_eq!(ok, 50, "{statuses:?}");
    assert_eq!(app.count("tracking_event").await, 1, "exactly one event");
    assert_eq!(app.count("parcel").await, 1);
    assert_eq!(app.count("raw_delivery").await, 50, "every copy is archived");
    println!("two instances: 50 copies sent, 50 acknowledged, 1 event");

    // A staff session made on one instance works on the other.
    app.with_staff();
    let mut browser = StaffBrowser::new(&first);
    assert_eq!(browser.login(STAFF_EMAIL, STAFF_PASSWORD).await.status(), 303);
    browser.base = second.clone();
    browser.origin = second.clone();
    let (status, html) = browser.page("/staff/parcels/depot/TWO-1").await;
    assert_eq!(status, 200);
    assert!(html.contains(STAFF_EMAIL));

    // A POD uploaded through one instance is served by the other.
    browser.base = first.clone();
    browser.origin = first.clone();
    let token = common::staff::csrf_in(&html).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .part("file", reqwest::multipart::Part::bytes(SIGNATURE_PNG.to_vec()).file_name("sig.png"));
    assert_eq!(browser.post_multipart("/staff/parcels/depot/TWO-1/pod", form).await.status(), 303);
    let id = app.query_text("SELECT id FROM pod_file").await;
    browser.base = second.clone();
    let served = browser.get(&format!("/staff/pod/{id}")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().as_ref(), SIGNATURE_PNG);
    let share = app.share_token("TWO-1").await;
    assert_eq!(client.get(format!("{second}/t/{share}/pod/{id}")).send().await.unwrap().status(), 200);
}
