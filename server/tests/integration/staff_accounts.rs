//! Staff accounts, sessions and the guards around the back office (CONTRACT §5).
use crate::common;

use common::staff::{csrf_in, StaffBrowser, STAFF_EMAIL, STAFF_PASSWORD};
use common::{Backend, TestApp};

async fn staff_sign_in_with_the_password_given_on_stdin_and_logout_ends_the_session(app: TestApp) {
    let made = app.create_staff(STAFF_EMAIL, STAFF_PASSWORD);
    assert!(String::from_utf8_lossy(&made.stdout).contains("staff account created: ops@example.com"));
    let hash = app.query_text("SELECT password_hash FROM staff_user").await;
    assert!(hash.starts_with("$argon2id$") && !hash.contains(STAFF_PASSWORD), "stored as an argon2id hash");

    let mut browser = StaffBrowser::new(&app.address);
    let before_login = browser.csrf("/staff/login").await;
    assert_eq!(browser.cookie, None, "the login page stores no session for a stranger");
    assert!(browser.login_cookie.is_some(), "its form token comes in a cookie of its own");
    // A session id planted before login is worth nothing after it.
    let cookie_before = "waybill_session=planted-by-someone-else".to_string();
    browser.cookie = Some(cookie_before.clone());
    let response = browser.login(STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(response.status(), 303);
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http here: {set_cookie}");
    assert_ne!(browser.cookie.clone().unwrap(), cookie_before, "the session id is cycled at login");

    let (status, html) = browser.page("/staff").await;
    assert_eq!(status, 200);
    assert!(html.contains(STAFF_EMAIL) && html.contains("Log out"));
    let token = csrf_in(&html).unwrap();
    assert_ne!(token, before_login, "a new form token after login");

    let response = browser.post_form("/staff/logout", &[("csrf", &token)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/staff/login");
    let response = browser.get("/staff").await;
    assert_eq!(response.status(), 303, "signed out: back to the login page");
    assert_eq!(app.count("audit_log WHERE action IN ('login', 'logout')").await, 2, "both are audited");
}

async fn every_failed_login_gets_the_same_answer(app: TestApp) {
    app.with_staff();
    let mut answers = Vec::new();
    for (email, password) in [(STAFF_EMAIL, "wrong password!"), ("nobody@example.com", STAFF_PASSWORD), ("not an email", "x")] {
        let mut browser = StaffBrowser::new(&app.address);
        let response = browser.login(email, password).await;
        assert_eq!(response.status(), 303);
        answers.push(response.headers()["location"].to_str().unwrap().to_string());
        assert!(browser.get("/staff").await.status() == 303, "still signed out");
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    let (_, html) = StaffBrowser::new(&app.address).page(&answers[0]).await;
    assert!(html.contains("Email or password is incorrect"));
}
on_both_backends!(staff_sign_in_with_the_password_given_on_stdin_and_logout_ends_the_session);
on_both_backends!(every_failed_login_gets_the_same_answer);

async fn login_is_throttled_per_account_whatever_the_password(app: TestApp) {
    app.with_staff();
    // The budget is 5 attempts a minute per account (WAYBILL_LOGIN_ATTEMPTS_PER_ACCOUNT).
    for attempt in 1..=5 {
        let response = StaffBrowser::new(&app.address).login(STAFF_EMAIL, "wrong password!").await;
        assert_eq!(response.status(), 303, "attempt {attempt} is answered normally");
    }
    let refused = StaffBrowser::new(&app.address).login(STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(refused.status(), 429, "even the right password waits now");
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let other = StaffBrowser::new(&app.address).login("someone.else@example.com", "whatever it is").await;
    assert_eq!(other.status(), 303, "another account still has its own budget");
}
on_both_backends!(login_is_throttled_per_account_whatever_the_password);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_is_throttled_per_ip_across_accounts() {
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_LOGIN_ATTEMPTS_PER_IP", "3")]).await;
    for i in 0..3 {
        let response = StaffBrowser::new(&app.address).login(&format!("user{i}@example.com"), "wrong password!").await;
        assert_eq!(response.status(), 303);
    }
    let refused = StaffBrowser::new(&app.address).login("user9@example.com", "wrong password!").await;
    assert_eq!(refused.status(), 429);
}

async fn strangers_are_sent_to_the_login_page_and_the_api_answers_401(app: TestApp) {
    let mut stranger = StaffBrowser::new(&app.address);
    for page in ["/staff", "/staff/quarantine", "/staff/parcels/depot/X1", "/staff/parcels.csv"] {
        let response = stranger.get(page).await;
        assert_eq!(response.status(), 303, "{page}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with("/staff/login?next="), "{page} → {location}");
    }
    let api = app.client.post(format!("{}/staff/api/parcels/depot/X1/pod", app.address)).send().await.unwrap();
    assert_eq!(api.status(), 401);
    let json: serde_json::Value = api.json().await.unwrap();
    assert!(json["error"].as_str().unwrap().contains("sign in"));
    let wrong_key =
        app.client.post(format!("{}/staff/api/parcels/depot/X1/pod", app.address)).bearer_auth("wbk_nope").send().await.unwrap();
    assert_eq!(wrong_key.status(), 401);
    let function = app
        .client
        .post(format!("{}/leptos/staff_search_parcels", app.address))
        .header("origin", &app.address)
        .form(&[("query[q]", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(function.status(), 401, "staff server functions need a session too");
    let (status, html) = stranger.page("/staff/login").await;
    assert_eq!(status, 200);
    assert!(html.contains("Staff sign in"));
}
on_both_backends!(strangers_are_sent_to_the_login_page_and_the_api_answers_401);

async fn a_cross_site_post_is_refused(app: TestApp) {
    let mut browser = app.staff_browser().await;
    app.post_depot(&common::depot_form("CSRF-1", "In Transit", "2025-10-08T10:00:00Z"), None).await;
    let token = browser.csrf("/staff/parcels/depot/CSRF-1").await;
    let rotate = "/staff/parcels/depot/CSRF-1/share-link/rotate";

    browser.origin = "https://evil.example".into();
    let forged = browser.post_form(rotate, &[("csrf", &token)]).await;
    assert_eq!(forged.status(), 403, "another site's page cannot post with the staff member's cookie");
    browser.origin = browser.base.clone();
    let without_token = browser.post_form(rotate, &[]).await;
    assert_eq!(without_token.status(), 403, "nor can a post without the form token");
    let wrong_token = browser.post_form(rotate, &[("csrf", "guessed")]).await;
    assert_eq!(wrong_token.status(), 403);
    assert_eq!(app.count("share_link").await, 1, "nothing changed");

    let real = browser.post_form(rotate, &[("csrf", &token)]).await;
    assert_eq!(real.status(), 303);
    assert_eq!(app.count("share_link").await, 2);

    // A client that is not a browser page sends no Origin; with the cookie and the token it
    // is served, without the token it is not.
    let cookie = browser.cookie.clone().unwrap();
    let url = format!("{}{rotate}", app.address);
    let no_origin = |fields: Vec<(&'static str, String)>| app.client.post(&url).header("cookie", &cookie).form(&fields).send();
    assert_eq!(no_origin(vec![]).await.unwrap().status(), 403);
    assert_eq!(no_origin(vec![("csrf", token.clone())]).await.unwrap().status(), 303);
    assert_eq!(app.count("share_link").await, 3);
}
on_both_backends!(a_cross_site_post_is_refused);

async fn a_session_survives_a_server_restart(app: TestApp) {
    let mut browser = app.staff_browser().await;
    // A second server on the same database: a restart, or another instance.
    browser.base = app.start_another(&[]).await;
    browser.origin = browser.base.clone();
    let (status, html) = browser.page("/staff/audit").await;
    assert_eq!(status, 200, "the session is in the database, not in the old process");
    assert!(html.contains(STAFF_EMAIL) && html.contains("login"));
}
on_both_backends!(a_session_survives_a_server_restart);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_after_the_configured_idle_time_and_cookies_are_secure_over_https() {
    let app =
        common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_SESSION_IDLE_SECS", "1"), ("WAYBILL_PUBLIC_URL", "https://track.example.com")])
            .await;
    app.with_staff();
    let mut browser = StaffBrowser::new(&app.address);
    let response = browser.login(STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(browser.get("/staff").await.status(), 303, "idle too long: signed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_staff_page_or_file_is_kept_by_a_browser_or_proxy() {
    let app = common::spawn_app(Backend::Sqlite).await;
    app.post_depot(&common::depot_form("NOSTORE-1", "Delivered", "2025-10-08T10:00:00Z"), Some((common::SIGNATURE_PNG, "s.png"))).await;
    let mut browser = app.staff_browser().await;
    let pod = app.query_text("SELECT id FROM pod_file").await;
    for path in ["/staff", "/staff/parcels/depot/NOSTORE-1", "/staff/quarantine", "/staff/login", &format!("/staff/pod/{pod}")] {
        let response = browser.get(path).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    // The public page may be cached; it carries no staff data.
    assert_ne!(
        app.get("/track/NOSTORE-1").await.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string()),
        Some("no-store".into())
    );
}
