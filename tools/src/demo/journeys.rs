//! The sample journeys `waybill-tools demo` posts: realistic sequences for every carrier, with
//! times relative to a start time so the pages look current.
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use server::domain::Carrier;

/// One request the demo sends.
pub enum DemoPost {
    /// A multipart depot delivery, with the sample signature as POD when `pod` is set.
    Depot { form_data: Value, pod: bool },
    /// A JSON body for a JSON carrier's webhook.
    Json { carrier: Carrier, body: Value },
}

/// The tracking numbers the demo creates, for printing their links.
pub const NUMBERS: [&str; 7] =
    ["WB-DEMO-1001", "WB-DEMO-1002", "WB-DEMO-1003", "WB-DLV-2001", "del_WBDEMO3001", "P100000000000004001", "WBKD5001"];

fn at(start: DateTime<Utc>, minutes: i64) -> String {
    (start + Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn depot(start: DateTime<Utc>) -> Vec<DemoPost> {
    let steps = [
        ("WB-DEMO-1001", "Not Scanned", 0, "Parcel announced", false),
        ("WB-DEMO-1001", "Received in Depot", 300, "Scanned at Amsterdam depot", false),
        ("WB-DEMO-1001", "Loaded by Driver", 540, "Loaded for route 12", false),
        ("WB-DEMO-1001", "In Transit", 600, "Driver left the depot", false),
        ("WB-DEMO-1001", "Delivered", 780, "Delivered successfully, signed by recipient", true),
        ("WB-DEMO-1002", "Not Scanned", 60, "Parcel announced", false),
        ("WB-DEMO-1002", "Received in Depo", 360, "Scanned at Utrecht depot", false),
        ("WB-DEMO-1002", "In Transit", 600, "Driver left the depot", false),
        ("WB-DEMO-1002", "Failed Delivery", 720, "Recipient not at home", false),
        ("WB-DEMO-1002", "RD- Return to depo", 960, "Back at the depot for a new attempt", false),
        ("WB-DEMO-1003", "Not Scanned", 120, "Parcel announced", false),
        ("WB-DEMO-1003", "Received in Depot", 480, "Scanned at Rotterdam depot", false),
    ];
    steps
        .into_iter()
        .map(|(article, status, minutes, remarks, pod)| DemoPost::Depot {
            form_data: json!({"articleId": article, "track_status": status, "track_datetime": at(start, minutes), "remarks": remarks}),
            pod,
        })
        .collect()
}

fn deliverect(start: DateTime<Utc>) -> Vec<DemoPost> {
    [(83, 0, 45), (85, 10, 45), (87, 20, 42), (87, 25, 44), (90, 44, 44)]
        .into_iter()
        .map(|(status, minutes, eta)| DemoPost::Json {
            carrier: Carrier::Deliverect,
            body: json!({
                "received": at(start, minutes), "orderId": "WB-DLV-2001", "rawDriverUpdate": [], "updatedOrigin": 1,
                "pickupTime": at(start, 15), "deliveryTime": at(start, eta), "location": "demo-location",
                "courier": {"firstName": "Sam", "lastName": "Jansen", "phoneNumber": "+31600000000", "deliveryBy": "restaurant", "status": status}
            }),
        })
        .collect()
}

fn uber(start: DateTime<Utc>) -> Vec<DemoPost> {
    let base: Value = serde_json::from_str(include_str!("../../../server/tests/fixtures/uber-courier-update.json")).unwrap_or(Value::Null);
    let (from, to) = ((40.71093, -74.0119), (40.724533, -74.00839));
    let steps = [
        ("event.delivery_status", "pending", 0, 0.0),
        ("event.delivery_status", "pickup", 3, 0.0),
        ("event.courier_update", "pickup", 4, 0.0),
        ("event.delivery_status", "pickup_complete", 9, 0.1),
        ("event.delivery_status", "dropoff", 10, 0.2),
        ("event.courier_update", "dropoff", 11, 0.4),
        ("event.courier_update", "dropoff", 12, 0.6),
        ("event.courier_update", "dropoff", 13, 0.7),
    ];
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (kind, status, minutes, progress))| {
            let mut body = base.clone();
            body["id"] = json!(format!("evt_wbdemo_{i}"));
            body["kind"] = json!(kind);
            body["created"] = json!(at(start, minutes));
            body["delivery_id"] = json!("del_WBDEMO3001");
            body["data"]["id"] = json!("del_WBDEMO3001");
            body["data"]["external_id"] = json!("SHOP-3001");
            body["data"]["status"] = json!(status);
            // Every time of the sample moves with the journey, so that no 2023 window sits
            // beside events of today.
            body["data"]["dropoff_eta"] = json!(at(start, 18 - i as i64 / 3));
            body["data"]["dropoff_ready"] = json!(at(start, 0));
            body["data"]["dropoff_deadline"] = json!(at(start, 50));
            body["data"]["pickup_ready"] = json!(at(start, 0));
            body["data"]["pickup_eta"] = json!(at(start, 4));
            body["data"]["pickup_deadline"] = json!(at(start, 20));
            body["data"]["created"] = json!(at(start, 0));
            body["data"]["updated"] = json!(at(start, minutes));
            body["location"] = json!({"lat": from.0 + (to.0 - from.0) * progress, "lng": from.1 + (to.1 - from.1) * progress});
            DemoPost::Json { carrier: Carrier::Uber, body }
        })
        .collect()
}

fn peddler(start: DateTime<Utc>) -> Vec<DemoPost> {
    let texts = |en: (&str, &str), nl: (&str, &str)| json!({"en": {"headline": en.0, "description": en.1}, "nl": {"headline": nl.0, "description": nl.1}});
    let post = |status: &str, minutes: i64, code: u32, extra: Value| {
        let mut body = json!({
            "id": "pdl_demo_4001", "carrierTrackingNumber": "P100000000000004001", "metaData": "WB-ORDER-4001",
            "status": status, "ts": at(start, minutes), "trackingUrl": "https://example.invalid/P100000000000004001/", "code": code
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        DemoPost::Json { carrier: Carrier::Peddler, body }
    };
    vec![
        post("OUT_FOR_DELIVERY", 540, 410, json!({"location": {"lat": 52.3409992, "lng": 4.8236365}})),
        post(
            "FAILED_ATTEMPT",
            600,
            601,
            json!({
                "failedStatus": "CUSTOMER_NOT_PRESENT_NO_NEIGHBOURS",
                "details": {"lang": texts(("Delivery attempt failed", "Delivery attempt failed at destination"), ("Afleverpoging mislukt", "Afleverpoging mislukt op bestemming")),
                            "courierName": "Peddler", "reason": "Customer not answering; no neighbours available"}
            }),
        ),
        post("OUT_FOR_DELIVERY", 1260, 410, json!({"location": {"lat": 52.35, "lng": 4.83}})),
        post("DELIVERED", 1290, 500, json!({"location": {"lat": 52.3601, "lng": 4.8852}})),
    ]
}

fn keydelivery(start: DateTime<Utc>) -> Vec<DemoPost> {
    // KeyDelivery times carry no zone; the demo sends UTC, Waybill's default reading.
    let time = |minutes: i64| (start + Duration::minutes(minutes)).format("%Y-%m-%d %H:%M:%S").to_string();
    let items = [
        ("Shipment picked up", "Accepted", 0),
        ("Arrived at sorting facility", "In transit", 240),
        ("With delivery courier", "Out for delivery", 900),
        ("Delivered to recipient", "Delivered", 1000),
    ];
    let push = |count: usize| {
        let list: Vec<Value> = items[..count]
            .iter()
            .rev()
            .map(|(context, status, m)| json!({"context": context, "time": time(*m), "order_status_description": status, "area_name": "Rotterdam", "location": null}))
            .collect();
        DemoPost::Json {
            carrier: Carrier::Keydelivery,
            body: json!({"event": "update", "message": "OK", "carrier_id": "dhl", "tracking_number": "WBKD5001", "signer": 1, "items": list}),
        }
    };
    vec![push(2), push(3), push(4)]
}

/// Every journey, in the order the demo posts them.
pub fn all(start: DateTime<Utc>) -> Vec<DemoPost> {
    [depot(start), deliverect(start), uber(start), peddler(start), keydelivery(start)].into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_demo_has_a_journey_for_every_carrier() {
        let carriers: HashSet<Carrier> = all(Utc::now())
            .iter()
            .map(|post| match post {
                DemoPost::Depot { .. } => Carrier::Depot,
                DemoPost::Json { carrier, .. } => *carrier,
            })
            .collect();
        assert_eq!(carriers, Carrier::ALL.iter().copied().collect());
    }
}
