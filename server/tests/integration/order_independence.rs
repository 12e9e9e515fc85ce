//! Property: any permutation of a parcel's deliveries, with repeats, gives the same
//! parcels (status, events, ETA, courier). Runs the real pipeline on a real SQLite file,
//! without HTTP.
use proptest::prelude::*;
use serde_json::{json, Value};
use server::carriers::Adapters;
use server::domain::Carrier;
use server::ingest::{IngestOutcome, Pipeline, RawInput};
use server::read_model::ReadModel;

fn uber(created: &str, status: &str, lat: f64, eta: &str) -> String {
    let mut body: Value = serde_json::from_str(include_str!("../fixtures/uber-courier-update.json")).unwrap();
    body["created"] = json!(created);
    body["id"] = json!(format!("evt_{created}"));
    body["data"]["status"] = json!(status);
    body["data"]["dropoff_eta"] = json!(eta);
    body["location"] = json!({"lat": lat, "lng": -74.0});
    body.to_string()
}

fn deliverect(received: &str, status: u32, eta: &str) -> String {
    json!({"received": received, "orderId": "DLV-P", "courier": {"firstName": "Sam", "lastName": "J", "status": status}, "deliveryTime": eta}).to_string()
}

fn keydelivery(items: &[(&str, &str)]) -> String {
    let items: Vec<Value> = items.iter().map(|(t, d)| json!({"time": t, "context": d, "order_status_description": d})).collect();
    json!({"event": "update", "tracking_number": "KD-P", "items": items}).to_string()
}

/// Several journeys' deliveries, all in one pool to be shuffled.
pub fn deliveries() -> Vec<(Carrier, String)> {
    vec![
        (Carrier::Uber, uber("2023-07-06T05:06:00Z", "pending", 40.70, "2023-07-06T05:30:00Z")),
        (Carrier::Uber, uber("2023-07-06T05:08:00Z", "pickup", 40.71, "2023-07-06T05:26:00Z")),
        (Carrier::Uber, uber("2023-07-06T05:08:20Z", "pickup", 40.72, "2023-07-06T05:25:00Z")),
        (Carrier::Uber, uber("2023-07-06T05:12:00Z", "pickup_complete", 40.73, "2023-07-06T05:22:00Z")),
        (Carrier::Uber, uber("2023-07-06T05:18:00Z", "dropoff", 40.74, "2023-07-06T05:21:00Z")),
        (Carrier::Uber, uber("2023-07-06T05:21:00Z", "delivered", 40.75, "2023-07-06T05:21:00Z")),
        (Carrier::Deliverect, deliverect("2024-03-11T12:00:00Z", 83, "2024-03-11T12:40:00Z")),
        (Carrier::Deliverect, deliverect("2024-03-11T12:05:00Z", 87, "2024-03-11T12:35:00Z")),
        (Carrier::Deliverect, deliverect("2024-03-11T12:06:00Z", 87, "2024-03-11T12:37:00Z")),
        (Carrier::Deliverect, deliverect("2024-03-11T12:36:00Z", 90, "2024-03-11T12:36:00Z")),
        (Carrier::Keydelivery, keydelivery(&[("2021-07-08 10:00:00", "Accepted")])),
        (Carrier::Keydelivery, keydelivery(&[("2021-07-09 10:00:00", "In transit"), ("2021-07-08 10:00:00", "Accepted")])),
        (
            Carrier::Keydelivery,
            keydelivery(&[("2021-07-09 18:00:00", "Delivered"), ("2021-07-09 10:00:00", "In transit"), ("2021-07-08 10:00:00", "Accepted")]),
        ),
        (Carrier::Peddler, json!({"carrierTrackingNumber": "PD-P", "status": "OUT_FOR_DELIVERY", "ts": "2023-06-14T10:00:00Z", "location": {"lat": 52.3, "lng": 4.8}}).to_string()),
        (Carrier::Peddler, json!({"carrierTrackingNumber": "PD-P", "status": "DELIVERED", "ts": "2023-06-14T11:00:00Z"}).to_string()),
        (Carrier::Peddler, json!({"carrierTrackingNumber": "PD-P", "status": "SOMETHING_ODD", "ts": "2023-06-14T12:00:00Z"}).to_string()),
    ]
}

const NUMBERS: [&str; 4] = ["del_y_aY8RuTQ0CRKu2aFXe8qQ", "DLV-P", "KD-P", "PD-P"];

/// Applies the deliveries in `order` to a fresh database and returns what customers see.
async fn apply_in_order(order: &[usize]) -> Vec<Value> {
    let (_dir, db) = apply_to_fresh_database(order).await;
    let read = ReadModel::new(db.clone(), None);
    let mut seen = Vec::new();
    for number in NUMBERS {
        let parcels = read.parcels_by_number(number).await.unwrap();
        seen.push(serde_json::to_value(&parcels).unwrap());
        if let Some((_, shared)) = read.shared_parcel(&share_token(&db, number).await).await.unwrap() {
            seen.push(serde_json::to_value(&shared.courier).unwrap());
        }
    }
    seen
}

/// Applies the deliveries of the pool in `order`, through the real pipeline, to a fresh
/// SQLite database (kept while the directory is).
pub async fn apply_to_fresh_database(order: &[usize]) -> (tempfile::TempDir, sea_orm::DatabaseConnection) {
    let dir = tempfile::tempdir().unwrap();
    let db = server::db::connect(&format!("sqlite://{}/p.db?mode=rwc", dir.path().display())).await.unwrap();
    server::db::migrate(&db).await.unwrap();
    let pipeline = Pipeline::new(db.clone(), Adapters::new(chrono::FixedOffset::east_opt(0).unwrap()), Default::default());
    let pool = deliveries();
    let received_at = "2026-01-01T00:00:00Z".parse().unwrap();
    for &i in order {
        let (carrier, body) = &pool[i];
        let input = RawInput {
            carrier: *carrier,
            origin: server::domain::Origin::Carrier,
            received_at,
            headers: json!({}),
            content_type: Some("application/json".into()),
            body: body.clone().into(),
            pod: None,
        };
        let outcome = pipeline.ingest(input).await.unwrap();
        assert!(matches!(outcome, IngestOutcome::Stored { .. }), "{outcome:?}");
    }
    (dir, db)
}

async fn share_token(db: &sea_orm::DatabaseConnection, number: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::entity::{parcel, share_link};
    let parcel = parcel::Entity::find().filter(parcel::Column::TrackingNumber.eq(number)).one(db).await.unwrap().unwrap();
    share_link::Entity::find().filter(share_link::Column::ParcelId.eq(parcel.id)).one(db).await.unwrap().unwrap().token
}

pub fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_order_of_deliveries_with_repeats_gives_the_same_parcels(
        order in Just((0..deliveries().len()).collect::<Vec<_>>()).prop_shuffle(),
        repeats in proptest::collection::vec(0..deliveries().len(), 0..8),
    ) {
        let in_order: Vec<usize> = (0..deliveries().len()).collect();
        let expected = run(apply_in_order(&in_order));
        let mut shuffled = order.clone();
        for (n, r) in repeats.iter().enumerate() {
            shuffled.insert((n * 7) % (shuffled.len() + 1), *r);
        }
        let got = run(apply_in_order(&shuffled));
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn the_natural_order_gives_the_expected_statuses() {
    let seen = run(apply_in_order(&(0..deliveries().len()).collect::<Vec<_>>()));
    assert_eq!(seen[0][0]["status"], "delivered", "uber");
    assert_eq!(seen[0][0]["eta"], "2023-07-06T05:21:00Z");
    assert_eq!(seen[1]["position"], Value::Null, "no courier position once delivered");
    assert_eq!(seen[2][0]["status"], "delivered", "deliverect");
    assert_eq!(seen[4][0]["events"].as_array().unwrap().len(), 3, "keydelivery: one event per item");
    assert_eq!(seen[6][0]["status"], "delivered", "peddler: the unknown status does not change it");
}
