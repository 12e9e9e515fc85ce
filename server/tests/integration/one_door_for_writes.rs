//! Every write goes through one door (`db::Writer`): with every kind of writer busy at once
//! on SQLite (64 carriers posting signed webhooks, a staff member at work, a script with an
//! API key, customers' mail links, strangers on the login page, the heartbeat every second
//! and the webhook sender), no carrier webhook is answered anything but 200, nothing else
//! fails either, and a stranger's login page stores no session.
use crate::common::receiver::Receiver;
use crate::common::staff::{csrf_in, StaffBrowser, STAFF_EMAIL, STAFF_PASSWORD};
use crate::common::{self, depot_form, Backend, ConnectionTrait, TestApp};
use crate::outbound_webhooks::add_endpoint;
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long every writer keeps at it.
const LOAD: Duration = Duration::from_secs(5);
/// Carriers posting side by side, half as Deliverect, half as Uber.
const SENDERS: usize = 64;

/// The tower-sessions sqlx store's table (0.15's default names).
fn session_table(app: &TestApp) -> &'static str {
    match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "tower_sessions.session",
        _ => "tower_sessions",
    }
}

/// A client of the load: no redirects followed, no cookies kept (reqwest keeps none without
/// a cookie store), connections kept alive (64 senders would otherwise open thousands), and
/// no request waits longer than 30 s.
fn load_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(30)).build().expect("client")
}

/// A status, or what went wrong when no answer came.
fn answer(result: reqwest::Result<reqwest::Response>) -> Result<u16, String> {
    result.map(|r| r.status().as_u16()).map_err(|e| e.to_string())
}

/// The `n`th delivery of `carrier`'s sample stream (a body of its own, none a duplicate),
/// posted with the carrier's real credentials.
async fn post_stream(app: &TestApp, client: &reqwest::Client, carrier: &str, n: usize, start: DateTime<Utc>) -> Result<u16, String> {
    let profile = server::carriers::profile(carrier.parse().expect("a carrier"));
    let body = (profile.samples.stream)(n, start).to_string();
    let credentials = profile.auth.credentials(&app.vars[profile.secret_variable], body.as_bytes());
    let path = match &credentials.query {
        Some(query) => format!("{}?{query}", profile.paths[0]),
        None => profile.paths[0].to_string(),
    };
    let mut request = client.post(format!("{}{path}", app.address)).header("content-type", "application/json").body(body);
    for (name, value) in &credentials.headers {
        request = request.header(*name, value);
    }
    answer(request.send().await)
}

/// Every answer that was not `expected`, counted by what it was.
fn unexpected(answers: &[Result<u16, String>], expected: &[u16]) -> BTreeMap<String, usize> {
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    for a in answers {
        if !matches!(a, Ok(status) if expected.contains(status)) {
            *counted.entry(format!("{a:?}")).or_default() += 1;
        }
    }
    counted
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_writer_at_once_on_sqlite_gets_its_answer_and_strangers_store_no_session() {
    let app = common::spawn_app_with(
        Backend::Sqlite,
        &[("WAYBILL_HEARTBEAT_SECS", "1"), ("WAYBILL_OUTBOUND_ALLOW_PRIVATE", "1"), ("WAYBILL_OUTBOUND_POLL_MS", "50")],
    )
    .await;
    let browser = app.staff_browser().await;
    let key = app.create_api_key(STAFF_EMAIL);
    let receiver = Receiver::start("verify", 0).await;
    let (_, secret) = add_endpoint(&app, &receiver.url, &["--events", "parcel.status_changed"]);
    receiver.set_secret(&secret).await;
    assert_eq!(app.post_depot(&depot_form("DOOR-1", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
    let sessions_before = app.count(session_table(&app)).await;
    let started = Utc::now();
    let until = Instant::now() + LOAD;
    let client = load_client();
    let stream_start = Utc::now() - chrono::Duration::hours(3);

    let senders = futures::future::join_all((0..SENDERS).map(|s| {
        let (app, client) = (&app, &client);
        async move {
            let carrier = if s % 2 == 0 { "deliverect" } else { "uber" };
            let mut answers: Vec<Result<u16, String>> = Vec::new();
            // Each sender its own numbers of its carrier's stream.
            for i in 0.. {
                if Instant::now() >= until {
                    break;
                }
                let n = s / 2 + i * (SENDERS / 2);
                answers.push(post_stream(app, client, carrier, n, stream_start).await.map_err(|e| format!("{carrier} #{n}: {e}")));
            }
            answers
        }
    }));
    let strangers = async {
        let mut answers: Vec<Result<u16, String>> = Vec::new();
        while Instant::now() < until {
            let page = client.get(format!("{}/staff/login", app.address)).send().await;
            let shown = match page {
                Ok(page) if page.status() == 200 => {
                    let html = page.text().await.unwrap_or_default();
                    csrf_in(&html).map_or(Err("a login page without its form token".to_string()), |_| Ok(200))
                }
                other => answer(other),
            };
            answers.push(shown);
        }
        answers
    };
    let staff = async move {
        let mut browser = browser;
        let page = "/staff/parcels/depot/DOOR-1";
        let mut answers: Vec<Result<u16, String>> = Vec::new();
        for i in 0u32.. {
            if Instant::now() >= until {
                break;
            }
            let csrf = browser.csrf(page).await;
            let at = format!("2025-10-08T{:02}:{:02}", 9 + (i / 60) % 12, i % 60);
            let fields = [("csrf", csrf.as_str()), ("status", "in_transit"), ("occurred_at", at.as_str()), ("note", "load")];
            answers.push(Ok(browser.post_form(&format!("{page}/events"), &fields).await.status().as_u16()));
            answers.push(Ok(browser.post_form(&format!("{page}/share-link/rotate"), &[("csrf", &csrf)]).await.status().as_u16()));
        }
        answers
    };
    let script = async {
        let endpoints = format!("{}/staff/api/webhook-endpoints", app.address);
        let mut answers: Vec<Result<u16, String>> = Vec::new();
        while Instant::now() < until {
            answers.push(answer(client.get(&endpoints).bearer_auth(&key).send().await));
            let body = serde_json::json!({"url": receiver.url.as_str(), "events": ["parcel.delivered"]});
            let added = client.post(&endpoints).bearer_auth(&key).json(&body).send().await;
            let id = match added {
                Ok(added) if added.status() == 201 => {
                    answers.push(Ok(201));
                    added.json::<serde_json::Value>().await.ok().and_then(|v| v["id"].as_str().map(str::to_string))
                }
                other => {
                    answers.push(answer(other));
                    None
                }
            };
            if let Some(id) = id {
                answers.push(answer(client.delete(format!("{endpoints}/{id}")).bearer_auth(&key).send().await));
            }
        }
        answers
    };
    let mail_links = async {
        let mut answers: Vec<Result<u16, String>> = Vec::new();
        while Instant::now() < until {
            let token = uuid::Uuid::new_v4().simple().to_string();
            answers.push(answer(client.get(format!("{}/m/{token}/confirm", app.address)).send().await));
            answers.push(answer(client.get(format!("{}/m/{token}/unsubscribe", app.address)).send().await));
            let one_click = [("List-Unsubscribe", "One-Click")];
            answers.push(answer(client.post(format!("{}/m/{token}/unsubscribe", app.address)).form(&one_click).send().await));
        }
        answers
    };
    let everyone = async { tokio::join!(senders, strangers, staff, script, mail_links) };
    let (senders, strangers, staff, script, mail_links) =
        tokio::time::timeout(LOAD + Duration::from_secs(90), everyone).await.expect("every writer finished within 95 s");

    let webhooks: Vec<Result<u16, String>> = senders.into_iter().flatten().collect();
    let refused: Vec<&Result<u16, String>> = webhooks.iter().filter(|a| **a != Ok(200)).collect();
    println!(
        "one door: {} webhooks, {} login pages, {} staff posts, {} API calls, {} mail links",
        webhooks.len(),
        strangers.len(),
        staff.len(),
        script.len(),
        mail_links.len()
    );
    assert!(webhooks.len() >= SENDERS, "every sender posted: {}", webhooks.len());
    assert!(
        refused.is_empty(),
        "{} of {} webhook posts were not answered 200: {:?}; the first of them: {:#?}",
        refused.len(),
        webhooks.len(),
        unexpected(&webhooks, &[200]),
        refused.iter().take(50).collect::<Vec<_>>()
    );
    assert!(!strangers.is_empty() && !staff.is_empty() && !script.is_empty() && !mail_links.is_empty());
    assert_eq!(unexpected(&strangers, &[200]), BTreeMap::new(), "every login page was shown with its form token");
    assert_eq!(unexpected(&staff, &[303]), BTreeMap::new(), "every manual event and share-link rotation was taken");
    assert_eq!(unexpected(&script, &[200, 201, 204]), BTreeMap::new(), "every API call was answered");
    assert_eq!(unexpected(&mail_links, &[404]), BTreeMap::new(), "an unknown mail link leads nowhere, and nothing fails");

    assert!(
        app.count(session_table(&app)).await <= sessions_before,
        "{} anonymous login pages stored no session ({sessions_before} before)",
        strangers.len()
    );
    assert_eq!(app.count("staff_api_key WHERE last_used_at IS NOT NULL").await, 1, "the key's use was written");
    let seen = server::entity::server_instance::Entity::find().all(&app.db).await.expect("instances");
    assert!(seen.iter().any(|i| i.seen_at >= started), "the heartbeat wrote during the load: {seen:?}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// Posts the login form with `token` as its `csrf` field.
async fn sign_in(browser: &mut StaffBrowser, token: &str) -> reqwest::Response {
    browser.post_form("/staff/login", &[("email", STAFF_EMAIL), ("password", STAFF_PASSWORD), ("csrf", token), ("next", "/staff")]).await
}

async fn an_anonymous_login_page_stores_no_session_and_its_form_still_signs_in(app: TestApp) {
    app.with_staff();
    let table = session_table(&app);
    let before = app.count(table).await;
    for _ in 0..5 {
        // `app.client` keeps no cookies: each visit is a new stranger.
        let page = app.get("/staff/login").await;
        assert_eq!(page.status(), 200);
        let cookies: Vec<String> = page.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(String::from).collect();
        assert!(!cookies.iter().any(|c| c.starts_with("waybill_session=")), "no session cookie for a stranger: {cookies:?}");
        assert!(csrf_in(&page.text().await.unwrap()).is_some_and(|t| !t.is_empty()), "the form carries its token");
    }
    assert_eq!(app.count(table).await, before, "five login pages stored no session");

    // The page's token alone, without the cookie it came with, signs no one in.
    let (_, html) = StaffBrowser::new(&app.address).page("/staff/login").await;
    let mut stranger = StaffBrowser::new(&app.address);
    let refused = sign_in(&mut stranger, &csrf_in(&html).expect("a form token")).await;
    assert_eq!(refused.status(), 403, "a token without its cookie is refused");
    assert_eq!(stranger.cookie, None);

    let mut browser = StaffBrowser::new(&app.address);
    let (status, html) = browser.page("/staff/login").await;
    assert_eq!(status, 200);
    assert_eq!(browser.cookie, None, "no session yet");
    assert_eq!(app.count(table).await, before);
    let signed_in = sign_in(&mut browser, &csrf_in(&html).expect("a form token")).await;
    assert_eq!(signed_in.status(), 303, "the form's token signs in");
    assert_eq!(signed_in.headers()["location"], "/staff");
    assert!(browser.cookie.is_some(), "a session now");
    assert_eq!(app.count(table).await, before + 1, "one session row, made at login");
    let (status, page) = browser.page("/staff").await;
    assert_eq!(status, 200);
    assert!(page.contains(STAFF_EMAIL), "signed in");
}
on_both_backends!(an_anonymous_login_page_stores_no_session_and_its_form_still_signs_in);
