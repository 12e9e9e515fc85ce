//! Two staff members (or one double click) acting on the same quarantined delivery at once:
//! the second sees what the first did. On PostgreSQL the row is locked by the first, so the
//! second does not read it as still quarantined and act again.
use crate::common::{self, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_discards_of_one_delivery_at_once_discard_it_once_on_postgres() {
    let app = common::spawn_app(Backend::Postgres).await;
    let mut first = app.staff_browser().await;
    let mut second = common::staff::StaffBrowser::new(&app.address);
    assert_eq!(second.login(common::staff::STAFF_EMAIL, common::staff::STAFF_PASSWORD).await.status(), 303);
    for n in 0..10 {
        assert_eq!(app.post_signed("peddler", &format!("not json {n}")).await.status(), 400);
    }
    let ids = app.query_text("SELECT string_agg(CAST(id AS TEXT), ',' ORDER BY id) FROM raw_delivery WHERE outcome = 'quarantined'").await;
    let (csrf_a, csrf_b) = (first.csrf("/staff/quarantine").await, second.csrf("/staff/quarantine").await);
    let mut both_done = 0;
    for id in ids.split(',') {
        let path = format!("/staff/quarantine/{id}/discard");
        let (form_a, form_b) = ([("csrf", csrf_a.as_str())], [("csrf", csrf_b.as_str())]);
        let (a, b) = tokio::join!(first.post_form(&path, &form_a), second.post_form(&path, &form_b));
        let (a, b) = (first.notice(a).await, second.notice(b).await);
        let discarded = [&a, &b].iter().filter(|n| n.as_ref().is_some_and(|(class, _)| class == "notice")).count();
        println!("delivery #{id}: {a:?} / {b:?}");
        both_done += usize::from(discarded == 2);
        assert!(discarded >= 1, "one of the two discarded it");
    }
    assert_eq!(both_done, 0, "no delivery was discarded twice");
    assert_eq!(app.count("audit_log WHERE action = 'discard_delivery'").await, 10, "one record per delivery");
}
