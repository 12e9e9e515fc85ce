//! Customer updates by mail, end to end through a real SMTP server (`common::smtp`,
//! aiosmtpd): subscribing on the share link (double opt-in), the mails a journey gives in
//! the subscriber's language with both parts, their links and unsubscribe headers, nothing
//! again after a replay, and unsubscribing.
use crate::common::smtp::SmtpSink;
use crate::common::{self, depot_form, TestApp, SIGNATURE_PNG};
use std::time::Duration;

/// The path of the first link in `text` that contains `part`.
pub fn link_path(text: &str, part: &str) -> String {
    let start = text.find(part).unwrap_or_else(|| panic!("no {part} in {text}"));
    let from = text[..start].rfind("http").expect("a link");
    let url: String = text[from..].chars().take_while(|c| !c.is_whitespace() && *c != '"' && *c != '>').collect();
    let after_host = url.splitn(4, '/').nth(3).unwrap_or_default();
    format!("/{after_host}")
}

pub async fn subscribe(app: &TestApp, token: &str, email: &str, lang: &str) -> String {
    let answer =
        app.client.post(format!("{}/t/{token}/subscribe", app.address)).form(&[("email", email), ("lang", lang)]).send().await.unwrap();
    assert_eq!(answer.status(), 303, "subscribing answers 303 back to the share link");
    answer.headers()["location"].to_str().unwrap().to_string()
}

async fn a_subscriber_confirms_gets_each_update_once_in_their_language_and_unsubscribes(smtp: SmtpSink, app: TestApp) {
    assert_eq!(app.post_depot(&depot_form("MAIL-1", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
    let token = app.share_token("MAIL-1").await;
    let page = app.get(&format!("/t/{token}")).await.text().await.unwrap();
    assert!(page.contains("action=\"/t/") && page.contains("/subscribe\""), "the share link offers the form");

    let refused = subscribe(&app, &token, "not an address", "en").await;
    assert!(refused.contains("mail=invalid"), "{refused}");
    let said = app.get(&refused).await.text().await.unwrap();
    assert!(said.contains("That is not an e-mail address"), "a clear error on the page");
    assert_eq!(app.count("mail_subscription").await, 0);
    let back = subscribe(&app, &token, "jane@example.com", "nl").await;
    assert!(back.starts_with(&format!("/t/{token}?lang=nl&mail=check")), "{back}");
    let shown = app.get(&back).await.text().await.unwrap();
    assert!(shown.contains("Bijna klaar"), "the notice, in the page's language");

    let mails = smtp.at_least(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1, "first the confirmation, nothing else: {mails:#?}");
    let confirm = &mails[0];
    assert_eq!(confirm["to"], serde_json::json!(["jane@example.com"]));
    assert!(confirm["headers"]["from"].as_str().unwrap().contains("track@tulip.example"));
    assert!(confirm["headers"]["subject"].as_str().unwrap().contains("Bevestig"), "{confirm:#?}");
    assert_eq!(confirm["content_type"], "multipart/alternative");
    assert!(confirm["headers"]["list-unsubscribe"].as_str().unwrap().contains("/unsubscribe>"));
    assert_eq!(confirm["headers"]["list-unsubscribe-post"], "List-Unsubscribe=One-Click");
    let text = confirm["text"].as_str().unwrap();
    assert!(confirm["html"].as_str().unwrap().contains("lang=\"nl\""));

    // Nothing is mailed before the address is confirmed.
    assert_eq!(app.post_depot(&depot_form("MAIL-1", "In transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().await.len(), 1);
    let confirmed = app.get(&link_path(text, "/confirm")).await;
    assert_eq!(confirmed.status(), 303);
    assert!(confirmed.headers()["location"].to_str().unwrap().contains("mail=confirmed"));

    assert_eq!(app.post_depot(&depot_form("MAIL-1", "Failed delivery", "2025-10-08T10:00:00Z"), None).await.status(), 200);
    assert_eq!(app.post_depot(&depot_form("MAIL-1", "In transit", "2025-10-09T09:00:00Z"), None).await.status(), 200);
    let delivered = depot_form("MAIL-1", "Delivered", "2025-10-09T11:00:00Z");
    assert_eq!(app.post_depot(&delivered, Some((SIGNATURE_PNG, "signature.png"))).await.status(), 200);
    let mails = smtp.at_least(4, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = if mails.len() >= 4 { smtp.received().await } else { mails };
    let subjects: Vec<&str> = mails[1..].iter().map(|m| m["headers"]["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects.len(), 3, "a failed attempt, out for delivery again, delivered: {subjects:?}");
    assert!(
        subjects[0].contains("gemist") && subjects[1].contains("wordt vandaag bezorgd") && subjects[2].contains("is bezorgd"),
        "{subjects:?}"
    );
    let last = &mails[3];
    let text = last["text"].as_str().unwrap();
    assert!(text.contains(&format!("/t/{token}?lang=nl#pod")), "the POD is linked on the share link: {text}");
    assert!(last["html"].as_str().unwrap().contains("#pod"));
    assert_eq!(last["content_type"], "multipart/alternative", "no file attached");

    // Staff see the address masked, on the parcel's page.
    app.with_staff();
    let mut staff = app.staff_browser().await;
    let (_, parcel_page) = staff.page("/staff/parcels/depot/MAIL-1").await;
    assert!(parcel_page.contains("Updates by mail to: j***@example.com"), "masked for staff");
    assert!(!parcel_page.contains("jane@example.com"));

    // Replay gives the same events: nothing is mailed again.
    app.replay().await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(smtp.received().await.len(), 4);

    // One click unsubscribes and deletes the address.
    let unsubscribe = link_path(text, "/unsubscribe");
    let page = app.get(&unsubscribe).await.text().await.unwrap();
    assert!(page.contains("Afmelden"));
    let gone = app.client.post(format!("{}{unsubscribe}", app.address)).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(gone.status(), 303);
    assert!(gone.headers()["location"].to_str().unwrap().contains("mail=unsubscribed"));
    assert_eq!(app.count("mail_subscription").await, 0, "the address is deleted");
    assert_eq!(app.get(&unsubscribe).await.status(), 404);
}

mod a_subscriber_confirms_gets_each_update_once_in_their_language_and_unsubscribes {
    use super::*;

    async fn run(backend: common::Backend) {
        let smtp = SmtpSink::start().await;
        let app = common::spawn_app_with(
            backend,
            &[
                ("WAYBILL_SMTP_URL", &smtp.url),
                ("WAYBILL_MAIL_FROM", "Tulip Flowers <track@tulip.example>"),
                ("WAYBILL_OUTBOUND_POLL_MS", "50"),
            ],
        )
        .await;
        super::a_subscriber_confirms_gets_each_update_once_in_their_language_and_unsubscribes(smtp, app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_sqlite() {
        run(common::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres() {
        run(common::Backend::Postgres).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_smtp_server_the_share_link_offers_no_subscription() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    assert_eq!(app.post_depot(&depot_form("MAIL-2", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
    let token = app.share_token("MAIL-2").await;
    let page = app.get(&format!("/t/{token}")).await.text().await.unwrap();
    assert!(!page.contains("/subscribe\""), "no form");
    let back = subscribe(&app, &token, "jane@example.com", "en").await;
    assert!(back.contains("mail=off"), "{back}");
    assert_eq!(app.count("mail_subscription").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_deleted_some_days_after_its_parcel_is_delivered_and_kept_before() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let delivered_at = (chrono::Utc::now() - chrono::Duration::days(3)).to_rfc3339();
    assert_eq!(app.post_depot(&depot_form("KEEP-1", "Delivered", &delivered_at), None).await.status(), 200);
    assert_eq!(app.post_depot(&depot_form("KEEP-2", "Received in Depot", "2025-10-08T08:00:00Z"), None).await.status(), 200);
    for number in ["KEEP-1", "KEEP-2"] {
        let parcel =
            app.query_text(&format!("SELECT CAST(id AS TEXT) FROM parcel WHERE tracking_number = '{number}'")).await.parse().unwrap();
        server::mail::subscriptions::subscribe(&server::db::Writer::new(&app.db), parcel, "jane@example.com", app::i18n::Lang::En, None, 5)
            .await
            .unwrap();
    }
    let keep = |days: u64| std::time::Duration::from_secs(days * 86_400);
    assert_eq!(server::mail::subscriptions::forget_finished(&app.db, keep(30)).await.unwrap(), 0, "delivered 3 days ago: kept");
    assert_eq!(server::mail::subscriptions::forget_finished(&app.db, keep(2)).await.unwrap(), 1, "kept 2 days: deleted");
    assert_eq!(app.count("mail_subscription").await, 1, "the parcel still under way keeps its address");
    assert_eq!(app.count("mail_message").await, 1, "and the deleted one's mails went with it");
}
