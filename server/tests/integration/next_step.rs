//! The headline and the one sentence on what happens next follow the parcel's situation,
//! in the visitor's language: a missed delivery followed by "back at the depot" is not "in
//! transit" from the start again (`app::next_step`).
use crate::common;

use common::depot_form;

fn headline_and_next(html: &str) -> (String, String) {
    let text = |class: &str| {
        html.split(&format!(r#"class="{class}"#))
            .nth(1)
            .and_then(|r| r.split_once('>'))
            .map(|(_, r)| r.split('<').next().unwrap_or("").to_string())
    };
    let headline = html
        .split(r#"class="parcel-status"#)
        .nth(1)
        .and_then(|r| r.split_once('>'))
        .map(|(_, r)| r.split('<').next().unwrap_or("").to_string());
    (headline.unwrap_or_default(), text("next-step").unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missed_delivery_and_the_way_back_to_the_depot_say_what_happens_next() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    for (status, time) in [("In Transit", "2025-10-08T09:00:00Z"), ("Failed Delivery", "2025-10-08T11:00:00Z")] {
        assert_eq!(app.post_depot(&depot_form("NEXT-1", status, time), None).await.status(), 200);
    }
    let page = app.get("/track/NEXT-1").await.text().await.unwrap();
    let (headline, next) = headline_and_next(&page);
    assert_eq!(headline, "Delivery attempt failed");
    assert!(next.starts_with("We missed you."), "{next}");

    assert_eq!(app.post_depot(&depot_form("NEXT-1", "RD- Return to depo", "2025-10-08T15:00:00Z"), None).await.status(), 200);
    let page = app.get("/track/NEXT-1").await.text().await.unwrap();
    assert_eq!(headline_and_next(&page).0, "Back at the depot", "not in transit from the start");
    assert!(
        page.contains(r#"aria-current="step" class="step current detour">Out for delivery"#) || page.contains("step current detour"),
        "the bar stays at the delivery step"
    );
    let dutch = app.get("/track/NEXT-1?lang=nl").await.text().await.unwrap();
    let (headline, next) = headline_and_next(&dutch);
    assert_eq!(headline, "Terug in het depot");
    assert!(next.starts_with("We hebben je gemist."), "{next}");

    // Delivered: nothing left to tell.
    assert_eq!(app.post_depot(&depot_form("NEXT-1", "Delivered", "2025-10-09T10:00:00Z"), None).await.status(), 200);
    let page = app.get("/track/NEXT-1").await.text().await.unwrap();
    assert_eq!(headline_and_next(&page), ("Delivered".to_string(), String::new()));
}
