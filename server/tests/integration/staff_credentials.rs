//! Staff credentials can be seen and ended: API keys are listed (first characters, created,
//! last used) and revoked, in the back office and with the CLI; setting a password again
//! ends the account's sessions.
use crate::common::staff::{StaffBrowser, STAFF_EMAIL, STAFF_PASSWORD};
use crate::common::{self, Backend};

/// Authenticates with `key` on a staff API route: `404` (no such parcel) once past the key
/// check, `401` when the key is refused.
async fn probe(app: &common::TestApp, key: &str) -> u16 {
    let url = format!("{}/staff/api/parcels/depot/NO-SUCH/pod", app.address);
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(common::SIGNATURE_PNG.to_vec()));
    app.client.post(&url).bearer_auth(key).multipart(form).send().await.unwrap().status().as_u16()
}

fn stdout(out: std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

async fn api_keys_are_listed_with_their_last_use_and_revoked_by_cli_and_back_office(app: common::TestApp) {
    app.with_staff();
    let (first, second) = (app.create_api_key(STAFF_EMAIL), app.create_api_key(STAFF_EMAIL));
    let listed = stdout(app.run_waybill(&["list-api-keys"]));
    println!("{listed}");
    assert!(listed.contains(&first[..12]) && listed.contains(&second[..12]), "both keys by their first characters");
    assert!(!listed.contains(&first) && !listed.contains(&second), "never a whole key");
    assert_eq!(listed.matches("never").count(), 2, "neither used yet");

    assert_eq!(probe(&app, &first).await, 404, "the key works");
    let listed = stdout(app.run_waybill(&["list-api-keys"]));
    assert_eq!(listed.matches("never").count(), 1, "the first key's use is recorded: {listed}");

    // Revoked with the CLI: refused at once.
    let first_id = app.query_text(&format!("SELECT CAST(id AS TEXT) FROM staff_api_key WHERE key_prefix = '{}'", &first[..12])).await;
    assert_eq!(stdout(app.run_waybill(&["revoke-api-key", "--id", &first_id])).trim(), format!("API key #{first_id} revoked"));
    assert_eq!(probe(&app, &first).await, 401);
    assert!(!app.run_waybill(&["revoke-api-key", "--id", &first_id]).status.success(), "a second revoke says there is none");

    // Revoked in the back office: the page lists it, its button ends it.
    let mut browser = app.staff_browser().await;
    let (status, page) = browser.page("/staff/api-keys").await;
    assert_eq!(status, 200);
    assert!(page.contains(&second[..12]) && !page.contains(&first[..12]) && !page.contains(&second), "{page}");
    let second_id = app.query_text(&format!("SELECT CAST(id AS TEXT) FROM staff_api_key WHERE key_prefix = '{}'", &second[..12])).await;
    let csrf = browser.csrf("/staff/api-keys").await;
    let response = browser.post_form(&format!("/staff/api-keys/{second_id}/revoke"), &[("csrf", &csrf)]).await;
    let notice = browser.notice(response).await.expect("a notice");
    assert!(notice.1.contains("revoked"), "{notice:?}");
    assert_eq!(probe(&app, &second).await, 401);
    let (_, audit) = browser.page("/staff/audit").await;
    assert_eq!(audit.matches("Revoked an API key").count(), 2, "both revocations are in the audit log");
}
on_both_backends!(api_keys_are_listed_with_their_last_use_and_revoked_by_cli_and_back_office);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setting_a_password_again_ends_the_accounts_sessions() {
    let app = common::spawn_app(Backend::Sqlite).await;
    let mut before = app.staff_browser().await;
    assert_eq!(before.page("/staff").await.0, 200, "signed in");
    let out = app.create_staff(STAFF_EMAIL, "a brand new password please");
    assert!(out.status.success());
    let response = before.get("/staff").await;
    assert_eq!(response.status(), 303, "the old session is over");
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/staff/login"));

    let mut after = StaffBrowser::new(&app.address);
    assert_eq!(after.login(STAFF_EMAIL, STAFF_PASSWORD).await.headers()["location"], "/staff/login?error=1&next=%2Fstaff");
    assert_eq!(after.login(STAFF_EMAIL, "a brand new password please").await.headers()["location"], "/staff");
    assert_eq!(after.page("/staff").await.0, 200, "a session begun after the change lives on");
}
