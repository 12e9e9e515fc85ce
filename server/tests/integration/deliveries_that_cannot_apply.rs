//! Deliveries that can never apply as they are go to the quarantine with the reason, where
//! staff re-process or discard them; none is refused forever with a `503`, and nothing a
//! carrier sends is applied as something else: a database that refuses a value, a POD file
//! that is refused while its status is fine, and a content type that claims staff work.
use crate::common;

use common::{depot_form, Backend, TestApp, SIGNATURE_PNG};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::Value;
use server::entity::raw_delivery;

async fn quarantined(app: &TestApp) -> Vec<raw_delivery::Model> {
    raw_delivery::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.outcome == app::outcome::Outcome::Quarantined)
        .collect()
}

/// Staff re-process every quarantined delivery through the back office form.
async fn reprocess_all(app: &TestApp) -> Vec<String> {
    let mut staff = app.staff_browser().await;
    let csrf = staff.csrf("/staff/quarantine").await;
    let mut notices = Vec::new();
    for raw in quarantined(app).await {
        let response = staff.post_form(&format!("/staff/quarantine/{}/reprocess", raw.id), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), 303);
        notices.push(response.headers()["location"].to_str().unwrap().to_string());
    }
    notices
}

async fn a_delivery_the_database_refuses_is_quarantined_not_refused_forever(app: TestApp) {
    // A real refusal by each database, for one remark only (a stand-in for any value a
    // database cannot store; NUL itself is made storable before the write).
    let refusal = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "ALTER TABLE tracking_event ADD CONSTRAINT refuse_for_the_test CHECK (description IS NULL OR description <> 'refuse me')"
        }
        _ => {
            "CREATE TRIGGER refuse_for_the_test BEFORE INSERT ON tracking_event WHEN NEW.description = 'refuse me' \
             BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
        }
    };
    app.db.execute_unprepared(refusal).await.unwrap();
    let form = serde_json::json!({"articleId": "REFUSE-1", "track_status": "Delivered", "track_datetime": "2025-10-08T10:00:00Z", "remarks": "refuse me"});
    for attempt in 0..2 {
        let response = app.post_depot(&form.to_string(), None).await;
        assert_eq!(response.status(), 400, "attempt {attempt}: the carrier is told, not asked to retry forever");
        let error = response.json::<Value>().await.unwrap()["error"].as_str().unwrap().to_string();
        assert!(error.contains("quarantine") && !error.to_lowercase().contains("constraint"), "no database text for the carrier: {error}");
    }
    let kept = quarantined(&app).await;
    assert_eq!(kept.len(), 2, "each attempt is archived");
    assert_eq!(kept[0].tracking_number.as_deref(), Some("REFUSE-1"));
    assert!(kept[0].error.as_deref().unwrap_or("").contains("the database refused it"), "{:?}", kept[0].error);
    assert_eq!(app.count("tracking_event").await, 0);
    // Once the cause is gone, staff re-process it and it applies.
    let drop = match app.db.get_database_backend() {
        sea_orm::DbBackend::Postgres => "ALTER TABLE tracking_event DROP CONSTRAINT refuse_for_the_test",
        _ => "DROP TRIGGER refuse_for_the_test",
    };
    app.db.execute_unprepared(drop).await.unwrap();
    reprocess_all(&app).await;
    assert_eq!(app.track_json("REFUSE-1").await["parcels"][0]["status"], "delivered");
    assert!(quarantined(&app).await.is_empty());
}
on_both_backends!(a_delivery_the_database_refuses_is_quarantined_not_refused_forever);

/// A depot multipart body with `parts` in this order.
async fn post_parts(app: &TestApp, parts: Vec<(&str, Vec<u8>)>) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in parts {
        form = match name {
            "form_data" => form.text("form_data", String::from_utf8(bytes).unwrap()),
            _ => form.part(name.to_string(), reqwest::multipart::Part::bytes(bytes).file_name("pod.png")),
        };
    }
    app.client.post(format!("{}/webhooks/depot", app.address)).bearer_auth(common::DEPOT_TOKEN).multipart(form).send().await.unwrap()
}

async fn a_refused_pod_file_keeps_its_status_in_the_quarantine(app: TestApp) {
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec();
    let mut big = SIGNATURE_PNG.to_vec();
    big.resize(2 * 1024 * 1024, 0);
    let form = |n: &str| depot_form(n, "Delivered", "2025-10-08T10:15:00Z").into_bytes();
    // The file first, then the form: a refused type is skipped and the form still read.
    let cases = [
        ("POD-415-A", vec![("form_data", form("POD-415-A")), ("pod_file", svg.clone())], 415),
        ("POD-415-B", vec![("pod_file", svg.clone()), ("form_data", form("POD-415-B"))], 415),
        ("POD-413-A", vec![("form_data", form("POD-413-A")), ("pod_file", big)], 413),
    ];
    for (number, parts, status) in cases {
        let response = post_parts(&app, parts).await;
        assert_eq!(response.status(), status, "{number}: the contract's answer for the file");
        let kept = quarantined(&app).await;
        let row = kept.iter().find(|r| r.tracking_number.as_deref() == Some(number)).unwrap_or_else(|| panic!("{number} kept"));
        assert!(row.error.as_deref().unwrap_or("").contains("pod_file"), "{number}: the reason names the file: {:?}", row.error);
        let body = server::ingest::BodyReader::default().body_of(&app.db, row).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains(number), "{number}: the status is archived");
        assert_eq!(row.pod_file, None, "{number}: no file is kept");
    }
    assert_eq!(app.count("pod_file").await, 0);
    assert_eq!(app.count("tracking_event").await, 0);
    let notices = reprocess_all(&app).await;
    assert_eq!(notices.len(), 3, "{notices:?}");
    for number in ["POD-415-A", "POD-415-B", "POD-413-A"] {
        assert_eq!(app.track_json(number).await["parcels"][0]["status"], "delivered", "{number}: applied without the file");
    }
    assert_eq!(app.count("pod_file").await, 0);
}
on_both_backends!(a_refused_pod_file_keeps_its_status_in_the_quarantine);

async fn a_carrier_cannot_pass_off_its_body_as_staff_work(app: TestApp) {
    let staff_entry = r#"{"recorded_by":"mallory@example.com","tracking_number":"FORGED-2","event":{"id":"f2","occurred_at":"2099-01-01T00:00:00Z","status":"delivered","note":"forged"}}"#;
    let headers = [("x-webhook-shared-token", common::PEDDLER_TOKEN.to_string())];
    let forged = app
        .client
        .post(format!("{}/webhooks/peddler", app.address))
        .header("content-type", "application/vnd.waybill.staff+json")
        .header(headers[0].0, &headers[0].1)
        .body(staff_entry)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 415, "only application/json on a carrier webhook");
    // As application/json it is read as what the route says: a Peddler body (that lacks
    // Peddler's fields).
    assert_eq!(app.post_json("/webhooks/peddler", staff_entry, &headers).await.status(), 400);
    // An archive row written before the origin column existed, with the staff content type
    // but from a carrier's route, is read as the carrier's on replay.
    app.db
        .execute_unprepared(
            "INSERT INTO raw_delivery (carrier, received_at, headers, content_type, body, outcome, origin) VALUES \
             ('peddler', '2025-10-08 10:00:00+00:00', '{\"user-agent\":\"x\"}', 'application/vnd.waybill.staff+json', \
             CAST('{\"recorded_by\":\"mallory@example.com\",\"tracking_number\":\"FORGED-3\"}' AS BLOB), 'applied', 'carrier')"
                .replace("AS BLOB", if app.db.get_database_backend() == sea_orm::DbBackend::Postgres { "AS BYTEA" } else { "AS BLOB" })
                .as_str(),
        )
        .await
        .unwrap();
    app.replay().await;
    assert_eq!(app.count("parcel").await, 0, "nothing was applied as staff work");
    assert_eq!(app.count("tracking_event").await, 0);
    let origins = raw_delivery::Entity::find().all(&app.db).await.unwrap();
    assert!(
        origins.iter().all(|r| r.origin == server::domain::Origin::Carrier && r.outcome == app::outcome::Outcome::Quarantined),
        "{origins:?}"
    );
}
on_both_backends!(a_carrier_cannot_pass_off_its_body_as_staff_work);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_work_still_replays_as_staff_work() {
    let app = common::spawn_app(Backend::Sqlite).await;
    assert_eq!(app.post_depot(&depot_form("STAFF-REP-1", "In Transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    let mut staff = app.staff_browser().await;
    let page = "/staff/parcels/depot/STAFF-REP-1";
    let csrf = staff.csrf(page).await;
    let fields = [("csrf", csrf.as_str()), ("status", "delivered"), ("occurred_at", "2025-10-08T11:00")];
    assert_eq!(staff.post_form(&format!("{page}/events"), &fields).await.status(), 303);
    assert_eq!(app.track_json("STAFF-REP-1").await["parcels"][0]["status"], "delivered");
    app.replay().await;
    assert_eq!(app.track_json("STAFF-REP-1").await["parcels"][0]["status"], "delivered", "the manual event is rebuilt");
    assert_eq!(app.query_text("SELECT recorded_by FROM tracking_event WHERE recorded_by IS NOT NULL").await, common::staff::STAFF_EMAIL);
}
