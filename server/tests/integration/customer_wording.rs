//! What customers read is meant for them: carriers by their own names, the carrier's raw
//! status code only behind a details toggle, no file hashes, and no coordinates as text
//! (the share link's map shows the courier; its text says only when).
use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_see_names_and_words_not_codes_hashes_or_coordinates() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let keydelivery = include_str!("../fixtures/keydelivery-completed.json");
    assert_eq!(app.post_signed("keydelivery", keydelivery).await.status(), 200);
    let page = app.get("/track/6981236054").await.text().await.unwrap();
    assert!(page.contains(r#"<span class="carrier">KeyDelivery"#), "the carrier's own spelling");
    let raw = page.split(r#"<details class="event-raw">"#).nth(1).expect("the raw status behind a toggle");
    assert!(raw.split("</details>").next().unwrap().contains("Delivered"), "inside the toggle");
    assert!(!page.contains("Carrier status: "), "not as a line of its own");

    // The Uber share link: a courier on the map, a photo as POD.
    let uber = include_str!("../fixtures/uber-courier-update.json");
    assert_eq!(app.post_signed("uber", uber).await.status(), 200);
    let token = app.share_token("del_y_aY8RuTQ0CRKu2aFXe8qQ").await;
    let share = app.get(&format!("/t/{token}")).await.text().await.unwrap();
    assert!(share.contains("courier-map"), "the map shows where the courier is");
    // The page's text (its serialized data, for the map once hydrated, is not read as text).
    let text = share.split("<script").next().unwrap_or_default();
    let visible: String = text.split('<').filter_map(|part| part.split_once('>').map(|(_, t)| t)).collect();
    assert!(!visible.contains("40.7109") && !visible.contains("-74.0119"), "no coordinates as text");
    assert!(share.contains("Last seen at"), "when the courier was last seen");
    assert!(!share.contains("class=\"pods\""), "no proof of delivery before the delivery");

    // A depot POD file: shown, without its SHA-256 (that is on the staff pages).
    let form = common::depot_form("WORDS-1", "Delivered", "2025-10-08T10:15:00Z");
    assert_eq!(app.post_depot(&form, Some((common::SIGNATURE_PNG, "s.png"))).await.status(), 200);
    let token = app.share_token("WORDS-1").await;
    let share = app.get(&format!("/t/{token}")).await.text().await.unwrap();
    let sha = app.query_text("SELECT sha256 FROM pod_file WHERE bytes > 0").await;
    assert!(share.contains("/pod/") && !share.contains(&sha) && !share.contains("SHA-256"), "no hash for customers");
}
