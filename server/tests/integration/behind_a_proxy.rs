//! Behind the documented load balancer (here nginx from Debian, on loopback), every socket
//! peer is the balancer. With `WAYBILL_TRUSTED_PROXIES` naming it, the login throttle and
//! the audit log see each person's own address, so one attacker cannot lock every staff
//! member out, and nobody can choose their address by sending `X-Forwarded-For` themselves.
//! Clients get addresses of their own by binding 127.0.0.2, .3, … (all loopback on Linux).
use crate::common::nginx::Nginx;
use crate::common::staff::{StaffBrowser, STAFF_EMAIL, STAFF_PASSWORD};
use crate::common::{self, Backend};
use std::net::IpAddr;

fn browser_from(base: &str, source: [u8; 4], spoofed: Option<&str>) -> StaffBrowser {
    let mut builder = StaffBrowser::client_builder().local_address(IpAddr::from(source));
    if let Some(spoofed) = spoofed {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", spoofed.parse().unwrap());
        builder = builder.default_headers(headers);
    }
    StaffBrowser::with_client(base, builder)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_one_clients_failed_logins_lock_out_nobody_else_and_the_audit_log_names_each_client() {
    let app = common::spawn_app_with(
        Backend::Sqlite,
        &[("WAYBILL_TRUSTED_PROXIES", "127.0.0.1"), ("WAYBILL_LOGIN_ATTEMPTS_PER_ACCOUNT", "3"), ("WAYBILL_LOGIN_ATTEMPTS_PER_IP", "5")],
    )
    .await;
    app.with_staff();
    let nginx = Nginx::start(&app.address).await;

    // The attacker, at 127.0.0.3, guesses the account's password until refused.
    let mut attacker = browser_from(&nginx.address, [127, 0, 0, 3], None);
    let mut answers = Vec::new();
    for _ in 0..6 {
        answers.push(attacker.login(STAFF_EMAIL, "wrong password guess").await.status().as_u16());
    }
    println!("the attacker's answers through nginx: {answers:?}");
    assert_eq!(answers.iter().filter(|s| **s == 429).count(), 3, "throttled after 3: {answers:?}");

    // The account's owner, at 127.0.0.2 behind the same nginx, still signs in.
    let mut owner = browser_from(&nginx.address, [127, 0, 0, 2], None);
    let signed_in = owner.login(STAFF_EMAIL, STAFF_PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(signed_in.headers()["location"], "/staff", "not locked out by the attacker");

    // A client that writes its own X-Forwarded-For is still known by its real address.
    let mut spoofer = browser_from(&nginx.address, [127, 0, 0, 4], Some("10.9.9.9"));
    assert_eq!(spoofer.login(STAFF_EMAIL, STAFF_PASSWORD).await.headers()["location"], "/staff");
    // So is one that talks to Waybill directly, past the balancer.
    let mut direct = browser_from(&app.address, [127, 0, 0, 5], Some("10.8.8.8"));
    assert_eq!(direct.login(STAFF_EMAIL, STAFF_PASSWORD).await.headers()["location"], "/staff");

    let (_, audit) = owner.page("/staff/audit").await;
    for (who, address) in [("owner", "127.0.0.2"), ("spoofer", "127.0.0.4"), ("direct", "127.0.0.5")] {
        assert!(audit.contains(&format!("from {address}")), "the {who}'s sign-in is recorded from {address}");
    }
    for never in ["127.0.0.1", "10.9.9.9", "10.8.8.8"] {
        assert!(!audit.contains(&format!("from {never}")), "no sign-in is recorded from {never}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trusted_proxies_forwarding_headers_are_ignored() {
    let app = common::spawn_app_with(Backend::Sqlite, &[("WAYBILL_LOGIN_ATTEMPTS_PER_IP", "2")]).await;
    app.with_staff();
    // Each try claims another address; all of them come from 127.0.0.6 and count there.
    let mut answers = Vec::new();
    for n in 0..3 {
        let mut browser = browser_from(&app.address, [127, 0, 0, 6], Some(&format!("10.0.0.{n}")));
        answers.push(browser.login(&format!("user{n}@example.com"), "wrong password guess").await.status().as_u16());
    }
    assert_eq!(answers.last(), Some(&429), "{answers:?}");
}
