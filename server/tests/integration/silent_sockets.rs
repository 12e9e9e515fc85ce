//! Clients that hold connections without using them: sockets that connect and never send a
//! byte, live-update streams that stay open for long, and cleartext HTTP/2 (off unless
//! enabled, since hyper gives it no header deadline). Webhooks must keep getting answers.
use crate::common::{self, depot_form, Backend};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

const PEDDLER_BODY: &str = include_str!("../fixtures/peddler-out-for-delivery.json");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twice_the_connection_limit_in_silent_sockets_does_not_keep_a_signed_webhook_waiting() {
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_MAX_CONNECTIONS", "4"), ("WAYBILL_HEADER_READ_TIMEOUT_SECS", "2")]).await;
    let addr = app.address.trim_start_matches("http://").to_string();
    let mut silent = Vec::new();
    for _ in 0..8 {
        silent.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(10), app.post_signed("peddler", PEDDLER_BODY)).await;
    let waited = started.elapsed();
    println!("8 silent sockets, limit 4, header timeout 2 s: the webhook was answered after {waited:?}");
    assert_eq!(answer.expect("answered within 10 s").status(), 200);
    assert!(waited < Duration::from_secs(3), "within the header timeout plus a second: {waited:?}");
    drop(silent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_that_sends_nothing_is_closed_after_the_header_timeout() {
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_HEADER_READ_TIMEOUT_SECS", "1")]).await;
    let mut silent = TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    let started = Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), silent.read_to_end(&mut buffer)).await;
    let waited = started.elapsed();
    println!("a silent socket was closed by the server after {waited:?}");
    assert!(read.is_ok(), "closed by the server, not by the test's own 10 s limit");
    assert!(buffer.is_empty(), "nothing was answered to nothing");
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_streams_have_caps_of_their_own_and_leave_the_connection_places_to_webhooks() {
    let app = common::spawn_app_with(
        Backend::Sqlite,
        &[("WAYBILL_MAX_CONNECTIONS", "2"), ("WAYBILL_MAX_LIVE_STREAMS", "3"), ("WAYBILL_MAX_LIVE_STREAMS_PER_LINK", "2")],
    )
    .await;
    app.post_depot(&depot_form("LIVE-A", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    app.post_depot(&depot_form("LIVE-B", "In Transit", "2025-10-08T09:00:00Z"), None).await;
    let (a, b) = (app.share_token("LIVE-A").await, app.share_token("LIVE-B").await);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let open = |token: &str| client.get(format!("{}/t/{token}/live", app.address)).send();

    let mut streams = Vec::new();
    for _ in 0..2 {
        let stream = open(&a).await.expect("a stream within the link's cap opens");
        assert_eq!(stream.status(), 200);
        streams.push(stream);
    }
    let third_on_a = open(&a).await.expect("answered, not left waiting");
    assert_eq!(third_on_a.status(), 503, "a third stream on one link is over its cap");
    assert!(third_on_a.headers().contains_key("retry-after"));
    streams.push(open(&b).await.unwrap());
    assert_eq!(streams[2].status(), 200);
    let past_instance = open(&b).await.expect("answered, not left waiting");
    assert_eq!(past_instance.status(), 503, "the instance's cap of 3 streams is reached");

    // Three open streams and only two connection places: webhooks still get theirs.
    let started = Instant::now();
    assert_eq!(app.post_signed("peddler", PEDDLER_BODY).await.status(), 200);
    println!("3 open live streams, 2 connection places: the webhook was answered after {:?}", started.elapsed());

    drop(streams);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(open(&a).await.unwrap().status(), 200, "an ended stream frees its places");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleartext_http2_is_refused_unless_it_is_switched_on() {
    let h2 = reqwest::Client::builder().http2_prior_knowledge().timeout(Duration::from_secs(5)).build().unwrap();
    let off = common::spawn_app(Backend::Sqlite).await;
    assert!(h2.get(format!("{}/healthz", off.address)).send().await.is_err(), "HTTP/2 without WAYBILL_HTTP2");
    let on = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_HTTP2", "1")]).await;
    let answer = h2.get(format!("{}/healthz", on.address)).send().await.unwrap();
    assert_eq!((answer.status().as_u16(), answer.version()), (200, reqwest::Version::HTTP_2));
}
