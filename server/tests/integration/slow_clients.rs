//! Slow and greedy clients: a deadline for request headers, a bounded number of
//! connections, graceful shutdown on SIGTERM, and the security headers of every page.
use crate::common;

use common::Backend;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_HEADER_READ_TIMEOUT_SECS", "1")]).await;
    let addr = app.address.trim_start_matches("http://").to_string();
    let started = Instant::now();
    let closed = tokio::task::spawn_blocking(move || {
        let mut slow = TcpStream::connect(addr).unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // Half a request line, then nothing: the classic slowloris.
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").unwrap();
        let mut buffer = Vec::new();
        let _ = slow.read_to_end(&mut buffer);
        buffer
    })
    .await
    .unwrap();
    let waited = started.elapsed();
    println!("slowloris: connection closed after {waited:?} ({} bytes answered)", closed.len());
    assert!(waited < Duration::from_secs(5), "closed by the server, not by the client's own timeout: {waited:?}");
    assert!(waited >= Duration::from_millis(900));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_MAX_CONNECTIONS", "2"), ("WAYBILL_HEADER_READ_TIMEOUT_SECS", "2")]).await;
    let addr = app.address.trim_start_matches("http://").to_string();
    // Two clients that started a request and stall (a silent socket takes no place at all:
    // see silent_sockets.rs).
    let idle: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stalled = TcpStream::connect(&addr).unwrap();
            stalled.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
            stalled
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let quick = reqwest::Client::builder().timeout(Duration::from_millis(500)).build().unwrap();
    assert!(quick.get(format!("{}/healthz", app.address)).send().await.is_err(), "both connections are taken");
    drop(idle);
    let patient = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    assert_eq!(patient.get(format!("{}/healthz", app.address)).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_request_in_flight_finish_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_waybill"))
        .current_dir(dir.path())
        .env_clear()
        .env("WAYBILL_ADDR", format!("127.0.0.1:{port}"))
        .env("WAYBILL_DATABASE_URL", format!("sqlite://{}/w.db?mode=rwc", dir.path().display()))
        .env("WAYBILL_STORAGE_URL", format!("file://{}/pod", dir.path().display()))
        .env("WAYBILL_PEDDLER_TOKEN", common::PEDDLER_TOKEN)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A body that arrives in two halves, a second apart; SIGTERM comes in between.
    let body = include_str!("../fixtures/peddler-out-for-delivery.json").to_string();
    let (first, second) = body.split_at(body.len() / 2);
    let (first, second) = (first.to_string(), second.to_string());
    let stream = futures::stream::unfold(0, move |step| {
        let (first, second) = (first.clone(), second.clone());
        async move {
            match step {
                0 => Some((Ok::<_, std::io::Error>(first), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    Some((Ok(second), 2))
                }
                _ => None,
            }
        }
    });
    let request = client
        .post(format!("{base}/webhooks/peddler"))
        .header("content-type", "application/json")
        .header("x-webhook-shared-token", common::PEDDLER_TOKEN)
        .body(reqwest::Body::wrap_stream(stream))
        .send();
    let in_flight = tokio::spawn(request);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = server.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    // While it drains (the body's second half is still to come), a new connection is refused.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let new_connection = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await;
    assert!(!in_flight.is_finished(), "the request is still in flight, so this checked the draining server");
    assert!(server.try_wait().unwrap().is_none(), "the process is still running");
    assert!(new_connection.is_err(), "no new connection is accepted while draining: {new_connection:?}");
    let response = in_flight.await.unwrap().expect("the request in flight is answered");
    assert_eq!(response.status(), 200);
    let status = tokio::task::spawn_blocking(move || server.wait().unwrap()).await.unwrap();
    assert!(status.success(), "exits cleanly after finishing: {status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_carries_the_security_headers_and_hsts_behind_https() {
    let plain = common::spawn_app(Backend::Sqlite).await;
    let page = plain.get("/").await;
    let headers = page.headers();
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.get("strict-transport-security").is_none(), "not over plain http");
    for path in ["/track/NOPE", "/staff/login", "/api/v1/track/NOPE", "/healthz"] {
        let response = plain.get(path).await;
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
    }
    let https = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_PUBLIC_URL", "https://track.example.com")]).await;
    let hsts = https.get("/").await.headers()["strict-transport-security"].to_str().unwrap().to_string();
    assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
}
