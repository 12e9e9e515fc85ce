//! The back office's own way to add a webhook endpoint and rotate its secret
//! (`/staff/webhooks`, forms without JavaScript): the secret is shown once, in the notice
//! after the form, and the endpoint then receives what it asked for, signed with that
//! secret as the real Standard Webhooks receiver (`common::receiver`) checks it. A bad URL
//! or an unknown kind is said on the page, and nothing is added.
use crate::common::receiver::Receiver;
use crate::common::{self, depot_form, Backend};
use crate::outbound_webhooks::OUTBOUND;
use std::time::Duration;

/// The `whsec_…` secret in a notice.
fn secret_in(notice: &str) -> String {
    let start = notice.find("whsec_").unwrap_or_else(|| panic!("no secret in {notice:?}"));
    // Base64 has no dot, space or tag in it.
    notice[start..].split(|c: char| c.is_whitespace() || c == '<' || c == '.').next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_add_an_endpoint_on_the_page_see_its_secret_once_and_it_receives_only_the_kinds_ticked() {
    let app = common::spawn_app_with(Backend::Sqlite, &OUTBOUND).await;
    let mut browser = app.staff_browser().await;
    let receiver = Receiver::start("verify", 0).await;
    let (_, page) = browser.page("/staff/webhooks").await;
    assert!(page.contains(r#"action="/staff/webhooks/add""#) && page.contains(r#"value="parcel.delivered""#), "the page has the form");

    let csrf = browser.csrf("/staff/webhooks").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("url", receiver.url.as_str()),
        ("events", "parcel.delivered"),
        ("events", "parcel.exception"),
        ("carrier", "depot"),
    ];
    let added = browser.post_form("/staff/webhooks/add", &fields).await;
    let (class, notice) = browser.notice(added).await.expect("a notice");
    assert_eq!(class, "notice", "{notice}");
    let secret = secret_in(&notice);
    receiver.set_secret(&secret).await;
    let (_, again) = browser.page("/staff/webhooks").await;
    assert!(!again.contains("whsec_"), "the secret is shown once");
    let listed = again.split(r#"class="webhook-endpoint""#).nth(1).unwrap_or_default();
    assert!(listed.contains("parcel.exception, parcel.delivered · depot"), "the endpoint is listed with its kinds and carrier: {listed}");

    for (status, time) in
        [("Received in Depot", "2025-10-08T08:00:00Z"), ("Failed delivery", "2025-10-08T10:00:00Z"), ("Delivered", "2025-10-09T11:00:00Z")]
    {
        assert_eq!(app.post_depot(&depot_form("FORM-1", status, time), None).await.status(), 200, "{status}");
    }
    let log = receiver.log_once(Duration::from_secs(10), |log| log.len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = if receiver.log().await.len() > log.len() { receiver.log().await } else { log };
    // Sends run side by side: in any order.
    let mut kinds: Vec<&str> = log.iter().map(|e| e["payload"]["type"].as_str().unwrap_or("?")).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["parcel.delivered", "parcel.exception"], "only the kinds ticked");
    assert!(log.iter().all(|e| e["verified"] == true), "signed with the secret shown: {log:?}");

    // Rotating from the page: a new secret, shown once, that verifies too.
    let endpoint_id = again.split(r#"data-endpoint-id=""#).nth(1).and_then(|s| s.split('"').next()).expect("the endpoint id").to_string();
    let rotated = browser.post_form(&format!("/staff/webhooks/{endpoint_id}/rotate"), &[("csrf", &csrf)]).await;
    let (class, notice) = browser.notice(rotated).await.expect("a notice");
    assert_eq!(class, "notice", "{notice}");
    let new_secret = secret_in(&notice);
    assert_ne!(new_secret, secret);
    receiver.set_secret(&new_secret).await;
    let test = browser.post_form(&format!("/staff/webhooks/{endpoint_id}/test"), &[("csrf", &csrf)]).await;
    assert_eq!(test.status(), 303);
    let log = receiver.log_once(Duration::from_secs(10), |log| log.len() >= 3).await;
    assert_eq!(log[2]["payload"]["type"], "webhook.test");
    assert_eq!(log[2]["verified"], true, "the new secret verifies: {:?}", log[2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_url_or_an_unknown_kind_on_the_add_form_is_said_on_the_page_and_nothing_is_added() {
    // Without the allow flag: a private destination is refused.
    let app = common::spawn_app(Backend::Sqlite).await;
    let mut browser = app.staff_browser().await;
    let csrf = browser.csrf("/staff/webhooks").await;
    let cases = [
        ("http://merchant.example/hooks", "parcel.delivered", "https"),
        ("https://127.0.0.1:9/hooks", "parcel.delivered", "private"),
        ("not a url", "parcel.delivered", "URL"),
        ("https://merchant.example/hooks", "parcel.teleported", "parcel.teleported"),
    ];
    for (url, kind, said) in cases {
        let response = browser.post_form("/staff/webhooks/add", &[("csrf", &csrf), ("url", url), ("events", kind)]).await;
        let (class, notice) = browser.notice(response).await.expect("a notice");
        assert_eq!(class, "form-error", "{url}: {notice}");
        assert!(notice.contains(said), "{url} {kind}: {notice:?} names {said:?}");
    }
    let forged = browser.post_form("/staff/webhooks/add", &[("csrf", "forged"), ("url", "https://merchant.example/hooks")]).await;
    assert_eq!(forged.status(), 403, "a form without this session's token is refused");
    let listed = String::from_utf8(app.run_waybill(&["webhook", "list"]).stdout).unwrap();
    assert!(!listed.contains("merchant.example"), "nothing was added: {listed}");
}
