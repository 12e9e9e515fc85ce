//! Carrier secrets: a rotation needs no window of `401`s (the previous value is accepted
//! beside the new one, and the carriers page says which one a carrier still uses), a short
//! secret is refused at start-up, and no log line shows the database password or the
//! `AWS_*` secrets.
use crate::common;

use common::{TestApp, PEDDLER_TOKEN};
use std::process::{Command, Stdio};

const NEW_PEDDLER_TOKEN: &str = "peddler-token-after-rotation";

async fn last_match_on_the_carriers_page(app: &TestApp, staff: &mut common::staff::StaffBrowser) -> String {
    let (status, html) = staff.page("/staff/carriers").await;
    assert_eq!(status, 200);
    let row = html.split(r#"data-carrier="peddler""#).nth(1).expect("a Peddler row").split("</tr>").next().unwrap().to_string();
    let _ = app;
    row.split(r#"class="secret-match">"#).nth(1).unwrap_or_default().split('<').next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_rotation_both_values_are_accepted_and_staff_see_which_one_matched() {
    let app = common::spawn_app_with(
        common::Backend::Sqlite,
        &[("WAYBILL_PEDDLER_TOKEN", NEW_PEDDLER_TOKEN), ("WAYBILL_PEDDLER_TOKEN_PREVIOUS", PEDDLER_TOKEN)],
    )
    .await;
    let mut staff = app.staff_browser().await;
    assert_eq!(last_match_on_the_carriers_page(&app, &mut staff).await, "–");
    let body = |n: u32| format!(r#"{{"id":"rot{n}","carrierTrackingNumber":"ROT-{n}","status":"IN_TRANSIT","ts":"2025-10-08T10:00:00Z"}}"#);
    // The carrier still sends the old token: accepted, and the page says so.
    let old = app.post_json("/webhooks/peddler", &body(1), &[("x-webhook-shared-token", PEDDLER_TOKEN.to_string())]).await;
    assert_eq!(old.status(), 200);
    assert!(last_match_on_the_carriers_page(&app, &mut staff).await.starts_with("previous secret"));
    let (_, html) = staff.page("/staff/carriers").await;
    assert!(html.contains("WAYBILL_PEDDLER_TOKEN_PREVIOUS"), "the page names the variable to remove later");
    // It moves to the new one.
    let new = app.post_json("/webhooks/peddler", &body(2), &[("x-webhook-shared-token", NEW_PEDDLER_TOKEN.to_string())]).await;
    assert_eq!(new.status(), 200);
    assert_eq!(last_match_on_the_carriers_page(&app, &mut staff).await, "current secret");
    let wrong = app.post_json("/webhooks/peddler", &body(3), &[("x-webhook-shared-token", "neither-of-the-two-values".into())]).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(app.count("tracking_event").await, 2);
}

#[test]
fn a_carrier_secret_shorter_than_16_bytes_stops_the_start_with_the_variable_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_waybill"))
        .arg("migrate")
        .current_dir(dir.path())
        .env_clear()
        .env("WAYBILL_DATABASE_URL", format!("sqlite://{}/w.db?mode=rwc", dir.path().display()))
        .env("WAYBILL_UBER_SIGNING_KEY", "too-short")
        .output()
        .expect("waybill runs");
    assert!(!out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("WAYBILL_UBER_SIGNING_KEY") && said.contains("at least 16"), "{said}");
    assert!(!said.contains("too-short"), "the value itself is not printed: {said}");
}

/// Runs `waybill` with a database URL and AWS variables that carry recognizable secrets,
/// logging at debug; returns everything it printed.
fn run_with_secrets(args: &[&str], database_url: &str, dir: &std::path::Path, port: u16) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_waybill"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("WAYBILL_ADDR", format!("127.0.0.1:{port}"))
        .env("WAYBILL_DATABASE_URL", database_url)
        .env("WAYBILL_STORAGE_URL", "memory://")
        .env("WAYBILL_PEDDLER_TOKEN", PEDDLER_TOKEN)
        .env("AWS_SECRET_ACCESS_KEY", "aws-s3cret-in-the-env")
        .env("AWS_SESSION_TOKEN", "aws-sessi0n-in-the-env")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("waybill starts")
}

const SECRETS: [&str; 3] = ["pg-passw0rd-in-the-url", "aws-s3cret-in-the-env", "aws-sessi0n-in-the-env"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_shows_the_database_password_or_aws_secrets() {
    let pg = common::PostgresDatabase::create().await;
    // Trust authentication accepts any password, so the URL can carry one the test knows.
    let url = pg.url.replacen("postgres://postgres@", "postgres://postgres:pg-passw0rd-in-the-url@", 1);
    assert!(url.contains("pg-passw0rd-in-the-url"), "{url}");
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = run_with_secrets(&["serve"], &url, dir.path(), port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..300 {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(ready, "the server became ready");
    let body = r#"{"id":"log1","carrierTrackingNumber":"LOG-1","status":"DELIVERED","ts":"2025-10-08T10:00:00Z"}"#;
    let sent = client
        .post(format!("{base}/webhooks/peddler"))
        .header("content-type", "application/json")
        .header("x-webhook-shared-token", PEDDLER_TOKEN)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    assert_eq!(client.get(format!("{base}/track/LOG-1")).send().await.unwrap().status(), 200);
    server.kill().unwrap();
    let out = server.wait_with_output().unwrap();
    let mut printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(printed.lines().count() > 5, "debug logging was on: {printed}");

    // A database that cannot be reached, a URL that cannot be parsed, a scheme without a
    // driver: each failure is explained, none with the password.
    for broken in [
        "postgres://postgres:pg-passw0rd-in-the-url@127.0.0.1:9/waybill",
        "postgres://postgres:pg-passw0rd-in-the-url@exa mple/waybill",
        "mysq1://postgres:pg-passw0rd-in-the-url@127.0.0.1/waybill",
    ] {
        let failed = run_with_secrets(&["migrate"], broken, dir.path(), port).wait_with_output().unwrap();
        assert!(!failed.status.success(), "{broken}");
        let said = format!("{}{}", String::from_utf8_lossy(&failed.stdout), String::from_utf8_lossy(&failed.stderr));
        assert!(said.contains("Error"), "the failure is explained: {said}");
        printed.push_str(&said);
    }
    for secret in SECRETS {
        assert!(!printed.contains(secret), "{secret} was printed:\n{printed}");
    }
}
