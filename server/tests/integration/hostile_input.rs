//! A corpus of bad inputs, each with the status CONTRACT §2 promises for it, run against the
//! real server on both backends; then random multipart bodies, which must never get a 5xx
//! or take the server down. Prints the corpus as a table.
use crate::common;

use common::{hmac_hex, ConnectionTrait, TestApp, DELIVERECT_SECRET, DEPOT_TOKEN, PEDDLER_TOKEN};
use proptest::prelude::*;

/// One bad request: a name, where it goes, its headers and body, and the answer it must get.
struct Case {
    name: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    expect: u16,
}

fn json(name: &'static str, body: impl Into<Vec<u8>>, expect: u16) -> Case {
    Case {
        name,
        path: "/webhooks/peddler".into(),
        headers: vec![("content-type", "application/json".into()), ("x-webhook-shared-token", PEDDLER_TOKEN.into())],
        body: body.into(),
        expect,
    }
}

/// A Deliverect body signed with the right key.
fn deliverect_signed(name: &'static str, body: &str, expect: u16) -> Case {
    Case { expect, ..signed(name, hmac_hex(DELIVERECT_SECRET, body), body) }
}

fn signed(name: &'static str, signature: String, body: &str) -> Case {
    Case {
        name,
        path: "/webhooks/deliverect".into(),
        headers: vec![("content-type", "application/json".into()), ("x-server-authorization-hmac-sha256", signature)],
        body: body.as_bytes().to_vec(),
        expect: 401,
    }
}

const BOUNDARY: &str = "XyZ-hostile-boundary";

/// A multipart body from (name, file name, bytes) parts.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(file) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: image/png\r\n\r\n")
                    .as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn depot(name: &'static str, body: Vec<u8>, expect: u16) -> Case {
    Case {
        name,
        path: "/webhooks/depot".into(),
        headers: vec![
            ("content-type", format!("multipart/form-data; boundary={BOUNDARY}")),
            ("authorization", format!("Bearer {DEPOT_TOKEN}")),
        ],
        body,
        expect,
    }
}

fn corpus() -> Vec<Case> {
    let form = br#"{"articleId":"HOSTILE-1","track_status":"Delivered","track_datetime":"2025-10-08T10:00:00Z"}"#;
    let png = common::SIGNATURE_PNG;
    let deliverect = r#"{"orderId":"H-1","status":90,"courier":{"firstName":"Sam"},"received":"2025-10-08T10:00:00Z"}"#;
    let reserialized = r#"{ "orderId": "H-1", "status": 90, "courier": { "firstName": "Sam" }, "received": "2025-10-08T10:00:00Z" }"#;
    let mut many_fields: Vec<(&str, Option<&str>, &[u8])> = vec![("form_data", None, form)];
    many_fields.extend(std::iter::repeat_n(("x", None, &b"1"[..]), 10_000));
    vec![
        json("empty body", "", 400),
        json("not JSON", "hello", 400),
        json("not UTF-8", vec![0xff, 0xfe, 0x00, 0x7b, 0x80], 400),
        json("deeply nested JSON", "[".repeat(100_000) + &"]".repeat(100_000), 400),
        json("JSON array instead of object", "[1,2,3]", 400),
        json("bad time", r#"{"id":"h1","carrierTrackingNumber":"PH1","status":"DELIVERED","ts":"yesterday","code":410}"#, 400),
        json(
            "time in year 99999",
            r#"{"id":"h2","carrierTrackingNumber":"PH2","status":"DELIVERED","ts":"99999-01-01T00:00:00Z","code":410}"#,
            400,
        ),
        json("huge body (2 MiB)", format!("{{\"pad\":\"{}\"}}", "a".repeat(2 * 1024 * 1024)), 413),
        Case {
            headers: vec![("content-type", "text/plain".into()), ("x-webhook-shared-token", PEDDLER_TOKEN.into())],
            ..json("wrong content type", "{}", 415)
        },
        Case {
            headers: vec![("content-type", "application/json".into()), ("x-webhook-shared-token", "wrong".into())],
            ..json("wrong shared token", "{}", 401)
        },
        signed("wrong signature", hmac_hex("other key", deliverect), deliverect),
        signed("empty signature", String::new(), deliverect),
        signed("odd-length signature", "abc".into(), deliverect),
        signed("10 KB signature", "ab".repeat(5 * 1024), deliverect),
        signed("re-serialized JSON under its original signature", hmac_hex(DELIVERECT_SECRET, deliverect), reserialized),
        depot("10,000 multipart fields", multipart(&many_fields), 400),
        depot(
            "unknown fields beside form_data",
            multipart(&[("form_data", None, form), ("mystery", None, b"?"), ("other", Some("a.bin"), b"zz")]),
            200,
        ),
        depot("oversized text field", multipart(&[("form_data", None, "x".repeat(1_200_000).as_bytes())]), 413),
        depot("file name with ../", multipart(&[("form_data", None, form), ("pod_file", Some("../../etc/passwd.png"), png)]), 200),
        depot("file name with NUL", multipart(&[("form_data", None, form), ("pod_file", Some("a\0b.png"), png)]), 400),
        depot(
            "SVG posing as a PNG",
            multipart(&[
                ("form_data", None, form),
                ("pod_file", Some("x.png"), b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
            ]),
            415,
        ),
        depot(
            "HTML posing as a JPEG",
            multipart(&[("form_data", None, form), ("pod_file", Some("x.jpg"), b"<!doctype html><script>alert(1)</script>")]),
            415,
        ),
        depot(
            "GIF/JavaScript polyglot",
            multipart(&[("form_data", None, form), ("pod_file", Some("x.gif"), b"GIF89a/*\x01\x00\x01\x00*/=1;<script>alert(1)</script>")]),
            415,
        ),
        depot(
            "JPEG/HTML polyglot",
            multipart(&[
                ("form_data", None, form),
                ("pod_file", Some("x.jpg"), b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00<html><body onload=alert(1)>"),
            ]),
            415,
        ),
        depot("truncated multipart", multipart(&[("form_data", None, form)])[..40].to_vec(), 400),
        // Strings JSON allows and a database may not: applied with storable text, or
        // quarantined with the reason, never a 5xx on every retry.
        depot(
            "NUL in depot remarks",
            multipart(&[("form_data", None, br#"{"articleId":"HNUL-1","track_status":"Delivered","track_datetime":"2025-10-08T10:00:00Z","remarks":"Left\u0000at the door"}"#)]),
            200,
        ),
        deliverect_signed("NUL in a courier name", r#"{"orderId":"HNUL-2","courier":{"firstName":"Sa\u0000m","status":87},"received":"2025-10-08T10:00:00Z"}"#, 200),
        json("NUL in a raw status", r#"{"id":"n3","carrierTrackingNumber":"HNUL-3","status":"DELI\u0000VERED","ts":"2025-10-08T10:00:00Z"}"#, 200),
        json("NUL in a tracking number", r#"{"id":"n4","carrierTrackingNumber":"HNUL\u00004","status":"DELIVERED","ts":"2025-10-08T10:00:00Z"}"#, 400),
        json("lone surrogate (\\ud800) in a string", r#"{"id":"n5","carrierTrackingNumber":"HSUR-5","status":"\ud800","ts":"2025-10-08T10:00:00Z"}"#, 400),
        json(
            "1 MB string in a reason",
            format!(r#"{{"id":"n6","carrierTrackingNumber":"HBIG-6","status":"FAILED_ATTEMPT","ts":"2025-10-08T10:00:00Z","details":{{"reason":"{}"}}}}"#, "r".repeat(1_000_000)),
            200,
        ),
        json("number 1e400", r#"{"id":"n7","carrierTrackingNumber":"HNUM-7","status":"DELIVERED","ts":"2025-10-08T10:00:00Z","code":1e400}"#, 400),
        json(
            "U+2028 and U+2029 in a reason",
            "{\"id\":\"n8\",\"carrierTrackingNumber\":\"HLS-8\",\"status\":\"FAILED_ATTEMPT\",\"ts\":\"2025-10-08T10:00:00Z\",\"details\":{\"reason\":\"one\u{2028}two\\u2029three\"}}",
            200,
        ),
        Case {
            headers: vec![("content-type", "application/vnd.waybill.staff+json".into()), ("x-webhook-shared-token", PEDDLER_TOKEN.into())],
            ..json("staff content type on a carrier webhook", STAFF_ENTRY, 415)
        },
        Case {
            headers: vec![("content-type", "application/problem+json".into()), ("x-webhook-shared-token", PEDDLER_TOKEN.into())],
            ..json("another +json content type", "{}", 415)
        },
        json("a staff entry as a carrier's JSON", STAFF_ENTRY, 400),
    ]
}

/// Staff work as the back office archives it: a carrier must not be able to pass it off.
const STAFF_ENTRY: &str = r#"{"recorded_by":"mallory@example.com","tracking_number":"FORGED-1","event":{"id":"f1","occurred_at":"2025-10-08T10:00:00Z","status":"delivered","note":"forged"}}"#;

async fn every_bad_input_gets_its_contract_status(app: TestApp) {
    let mut failures = Vec::new();
    // A connection per case: the server closes a connection whose body it refused without
    // reading, and a pooled client could otherwise send the next case into that closing socket.
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let backend = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "PostgreSQL",
        _ => "SQLite",
    };
    println!("{:<50} {:>8} {:>5}   on {backend}", "bad input", "expected", "got");
    for case in corpus() {
        let early = if case.expect == 413 { answered_from_headers(&app, &case).await } else { None };
        let got = match early {
            Some(status) => status,
            None => {
                let mut request = client.post(format!("{}{}", app.address, case.path)).body(case.body.clone());
                for (name, value) in &case.headers {
                    request = request.header(*name, value);
                }
                request.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
            }
        };
        println!("{:<50} {:>8} {:>5}", case.name, case.expect, got);
        if got != case.expect {
            failures.push(format!("{}: expected {}, got {got}", case.name, case.expect));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(app.get("/healthz").await.status(), 200);
    // A file name with ../ keeps only its last segment.
    assert_eq!(app.query_text("SELECT original_name FROM pod_file").await, "passwd.png");
    let events_of = |number: &str| format!("tracking_event e JOIN parcel p ON p.id = e.parcel_id WHERE p.tracking_number = '{number}'");
    assert_eq!(app.count(&events_of("HOSTILE-1")).await, 1, "the valid depot deliveries applied, once");
    stored_text_is_storable_and_raw_bodies_are_exact(&app).await;
}

/// The status of a request the server may refuse from its headers alone (`413` for a
/// declared length over the limit). The server then closes the connection with the body
/// unread, which resets it, and a client still writing the body can lose the answer to that
/// reset. So the headers go first and the answer is awaited before any body is sent; only
/// when none comes (the limit is found while reading, as for a multipart field) is the
/// request sent whole, as before. `None` asks the caller to send it.
async fn answered_from_headers(app: &TestApp, case: &Case) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.ok()?;
    let mut head = format!("POST {} HTTP/1.1\r\nhost: {address}\r\ncontent-length: {}\r\n", case.path, case.body.len());
    for (name, value) in &case.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.ok()?;
    let mut answer = [0u8; 256];
    let n = tokio::time::timeout(std::time::Duration::from_secs(1), stream.read(&mut answer)).await.ok()?.ok()?;
    String::from_utf8_lossy(&answer[..n]).split_whitespace().nth(1).and_then(|code| code.parse().ok())
}

/// What the new rows of the corpus left behind: normalized text without NUL (and cut to
/// length), raw bodies byte for byte, and nothing a carrier sent applied as staff work.
async fn stored_text_is_storable_and_raw_bodies_are_exact(app: &TestApp) {
    use sea_orm::EntityTrait;
    use server::entity::{parcel, raw_delivery, tracking_event};
    let events = tracking_event::Entity::find().all(&app.db).await.unwrap();
    for e in &events {
        let texts = [Some(&e.raw_status), Some(&e.substatus), e.description.as_ref(), e.location.as_ref()];
        assert!(texts.into_iter().flatten().all(|t| !t.contains('\0')), "no NUL stored: {:?}", e.raw_status);
        assert!(e.recorded_by.is_none(), "nothing a carrier sent is staff work: {e:?}");
    }
    let described = |text: &str| events.iter().any(|e| e.description.as_deref() == Some(text));
    assert!(described("Leftat the door"), "the NUL is dropped, the rest kept");
    assert!(described("one\u{2028}two\u{2029}three"), "U+2028/2029 are kept (the page escapes them)");
    let longest = events.iter().filter_map(|e| e.description.as_ref()).map(|d| d.chars().count()).max().unwrap_or(0);
    assert_eq!(longest, server::domain::MAX_TEXT_CHARS, "a 1 MB reason is cut to the timeline's limit");
    let raws = raw_delivery::Entity::find().all(&app.db).await.unwrap();
    let bodies = server::ingest::BodyReader::default().bodies_of(&app.db, &raws).await.unwrap();
    assert!(bodies.iter().any(|b| b.windows(6).any(|w| w == br"\u0000")), "the raw body keeps the escape as sent");
    let marker = br#""id":"n4""#;
    let nul_number = raws
        .iter()
        .zip(&bodies)
        .find(|(_, b)| b.windows(marker.len()).any(|w| w == marker))
        .map(|(r, _)| r)
        .expect("the NUL-number delivery is archived");
    assert_eq!((nul_number.outcome.as_str(), nul_number.tracking_number.as_deref()), ("quarantined", None), "kept, tied to no number");
    let parcels = parcel::Entity::find().all(&app.db).await.unwrap();
    assert!(parcels.iter().all(|p| p.tracking_number != "FORGED-1"), "no forged staff entry was applied");
}
on_both_backends!(every_bad_input_gets_its_contract_status);

/// Arbitrary bytes (mixed with multipart syntax) as a depot body: a 4xx, never a 5xx. One
/// server for all 64 cases, dropped (with its temporary directory) when the test ends.
#[test]
fn arbitrary_multipart_bodies_never_get_a_server_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let app = runtime.block_on(common::spawn_app(common::Backend::Sqlite));
    let chunks = proptest::collection::vec(
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..64),
            Just(format!("--{BOUNDARY}\r\n").into_bytes()),
            Just(b"Content-Disposition: form-data; name=\"form_data\"\r\n\r\n".to_vec()),
            Just(b"Content-Disposition: form-data; name=\"pod_file\"; filename=\"p.png\"\r\n\r\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(format!("--{BOUNDARY}--\r\n").into_bytes()),
        ],
        0..24,
    );
    let config = ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() };
    let result = proptest::test_runner::TestRunner::new(config).run(&chunks, |chunks| {
        let body: Vec<u8> = chunks.concat();
        let status = runtime.block_on(async {
            app.client
                .post(format!("{}/webhooks/depot", app.address))
                .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
                .bearer_auth(DEPOT_TOKEN)
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        });
        prop_assert!((200..500).contains(&status), "status {status}");
        Ok(())
    });
    let server_dir = app.dir.path().to_path_buf();
    runtime.block_on(async { assert_eq!(app.get("/healthz").await.status(), 200, "the server is still up") });
    {
        // Dropped inside the runtime: the app's database pool and client belong to it.
        let _entered = runtime.enter();
        drop(app);
    }
    if let Err(failure) = result {
        panic!("{failure}");
    }
    assert!(!server_dir.exists(), "the server's temporary directory is removed with it");
}
