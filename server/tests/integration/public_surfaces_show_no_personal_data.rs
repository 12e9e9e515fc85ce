//! CONTRACT §4: the public page and the public JSON carry no personal data. A property over
//! all five carriers: each fixture, with its personal fields filled with generated values
//! (names, phone numbers, street addresses, coordinates, signer names, barcodes, PIN codes)
//! and posted as the carrier posts, and none of those values may appear in `/track/{n}` (the
//! HTML with its serialized data) or in `/api/v1/track/{n}`. The carriers' free texts (depot
//! remarks, KeyDelivery contexts, Peddler reasons, Uber's undeliverable reason) carry the
//! phone number, an email address and the coordinates too: those are found in any text (a
//! name in free text cannot be told from other words, so names go in the named fields only).
//! The bodies the page cache keeps (in each coding) are checked the same way. Staff work
//! credits no person.
use crate::common;

use common::staff::STAFF_EMAIL;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Personal values for one generated delivery; each is unlikely to occur anywhere by chance.
#[derive(Clone, Debug)]
struct Personal {
    first: String,
    last: String,
    phone: String,
    street: String,
    /// Coordinates with five decimals, the fifth below 5, so any rendering with four or
    /// more decimals (rounded or cut) contains `lat_shown`.
    lat: f64,
    lng: f64,
    lat_shown: String,
    lng_shown: String,
    pin: String,
    barcode: String,
    email: String,
    number: String,
}

impl Personal {
    fn values(&self) -> Vec<String> {
        let digits: String = self.phone.chars().filter(char::is_ascii_digit).collect();
        vec![
            self.first.clone(),
            self.last.clone(),
            self.phone.clone(),
            digits,
            self.street.clone(),
            self.lat_shown.clone(),
            self.lng_shown.clone(),
            self.pin.clone(),
            self.barcode.clone(),
            self.email.clone(),
        ]
    }

    /// A carrier's free text with the personal values a text can carry.
    fn remark(&self) -> String {
        format!("Call {} or mail {} at {}, {}", self.phone, self.email, self.lat, self.lng)
    }
}

fn personal() -> impl Strategy<Value = Personal> {
    (
        "Zq[a-z]{6}",
        "Xv[a-z]{6}",
        "[0-9]{9}",
        (1u32..999, "Kw[a-z]{5}"),
        (11u32..69, 0u32..9999, 0u32..5),
        (11u32..69, 0u32..9999, 0u32..5),
        "[0-9]{6}",
        "BC[0-9]{10}",
        "[0-9]{12}",
    )
        .prop_map(|(first, last, phone, (house, street), (la, lf, l5), (ga, gf, g5), pin, barcode, number)| {
            let email = format!("{}.{}@example.nl", first.to_lowercase(), last.to_lowercase());
            let lat_shown = format!("{la}.{lf:04}");
            let lng_shown = format!("{ga}.{gf:04}");
            Personal {
                first,
                last,
                phone: format!("+31{phone}"),
                street: format!("{house} {street}straat"),
                lat: format!("{lat_shown}{l5}").parse().unwrap(),
                lng: format!("{lng_shown}{g5}").parse().unwrap(),
                lat_shown,
                lng_shown,
                pin,
                barcode,
                email,
                number,
            }
        })
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Each carrier's fixture with `p` in every personal field it has; (carrier, tracking number, body).
fn deliveries(p: &Personal) -> Vec<(&'static str, String, String)> {
    let point = json!({"lat": p.lat, "lng": p.lng});
    let mut uber = fixture("uber-courier-update.json");
    let number = format!("del_{}", p.number);
    uber["data"]["id"] = json!(number);
    uber["delivery_id"] = json!(number);
    uber["data"]["status"] = json!("delivered");
    uber["location"] = point.clone();
    let data = &mut uber["data"];
    data["courier"]["name"] = json!(format!("{} {}", p.first, p.last));
    data["courier"]["phone_number"] = json!(p.phone);
    data["courier"]["location"] = point.clone();
    for end in ["dropoff", "pickup"] {
        data[end]["name"] = json!(format!("{} {}", p.first, p.last));
        data[end]["phone_number"] = json!(p.phone);
        data[end]["address"] = json!(format!("{}, Amsterdam", p.street));
        data[end]["detailed_address"]["street_address_1"] = json!(p.street);
        data[end]["location"] = point.clone();
        data[end]["notes"] = json!(format!("ring {} at {}", p.first, p.street));
    }
    let verification = &mut data["dropoff"]["verification"];
    verification["signature"]["signer_name"] = json!(p.first);
    verification["pin_code"]["entered"] = json!(p.pin);
    verification["barcodes"][0]["value"] = json!(p.barcode);
    data["dropoff"]["verification_requirements"]["pincode"]["value"] = json!(p.pin);
    data["dropoff"]["verification_requirements"]["barcodes"][0]["value"] = json!(p.barcode);
    data["undeliverable_reason"] = json!(p.remark());

    let mut deliverect = fixture("deliverect-courier-update.json");
    deliverect["orderId"] = json!(format!("DLV{}", p.number));
    deliverect["courier"]["firstName"] = json!(p.first);
    deliverect["courier"]["lastName"] = json!(p.last);
    deliverect["courier"]["phoneNumber"] = json!(p.phone);
    deliverect["courier"]["status"] = json!(90);

    let mut peddler = fixture("peddler-out-for-delivery.json");
    peddler["carrierTrackingNumber"] = json!(format!("P{}", p.number));
    peddler["id"] = json!(format!("pid{}", p.number));
    peddler["location"] = point.clone();
    peddler["details"] = json!({
        "courierName": p.first, "recipient": {"name": p.last, "phone": p.phone, "address": p.street},
        "reason": p.remark(), "lang": {"en": {"headline": "Out for delivery", "description": p.remark()}, "nl": {"description": p.remark()}},
    });

    let mut keydelivery = fixture("keydelivery-completed.json");
    keydelivery["tracking_number"] = json!(format!("K{}", p.number));
    for item in keydelivery["items"].as_array_mut().unwrap() {
        item["location"] = json!(format!("{}, {}", p.lat, p.lng));
        item["context"] = json!(p.remark());
    }

    let depot = json!({
        "articleId": format!("ARP{}", p.number), "track_status": "Delivered", "track_datetime": "2025-10-08T10:15:00Z",
        "location": format!("{} {}", p.lat, p.lng), "remarks": p.remark(),
        "recipient": format!("{} {}", p.first, p.last), "phone": p.phone, "address": p.street,
    });
    let number_of = |v: &Value, path: &[&str]| path.iter().fold(v, |v, k| &v[*k]).as_str().unwrap().to_string();
    vec![
        ("uber", number_of(&uber, &["data", "id"]), uber.to_string()),
        ("deliverect", number_of(&deliverect, &["orderId"]), deliverect.to_string()),
        ("peddler", number_of(&peddler, &["carrierTrackingNumber"]), peddler.to_string()),
        ("keydelivery", number_of(&keydelivery, &["tracking_number"]), keydelivery.to_string()),
        ("depot", number_of(&depot, &["articleId"]), depot.to_string()),
    ]
}

/// `path` as the page cache serves it in `coding`: whether it was a cache hit, and the body
/// decoded.
async fn cached_body(app: &common::TestApp, path: &str, coding: &str) -> (bool, String) {
    use std::io::Read;
    let response = app.client.get(format!("{}{path}", app.address)).header("accept-encoding", coding).send().await.unwrap();
    let hit = response.headers().get("x-waybill-cache").is_some_and(|v| v == "hit");
    let encoding = response.headers().get("content-encoding").and_then(|v| v.to_str().ok()).unwrap_or("identity").to_string();
    let bytes = response.bytes().await.unwrap();
    let mut text = String::new();
    match encoding.as_str() {
        "br" => brotli::Decompressor::new(&bytes[..], 4096).read_to_string(&mut text).unwrap(),
        "gzip" => flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap(),
        _ => std::io::Cursor::new(&bytes[..]).read_to_string(&mut text).unwrap(),
    };
    (hit, text)
}

#[test]
fn no_personal_value_of_any_carrier_reaches_the_public_page_or_json() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let app = runtime.block_on(common::spawn_app(common::Backend::Sqlite));
    let config = ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() };
    let result = proptest::test_runner::TestRunner::new(config).run(&personal(), |p| {
        for (carrier, number, body) in deliveries(&p) {
            let (status, public) = runtime.block_on(async {
                let status = if carrier == "depot" {
                    app.post_depot(&body, None).await.status().as_u16()
                } else {
                    app.post_signed(carrier, &body).await.status().as_u16()
                };
                let html = app.get(&format!("/track/{number}")).await.text().await.unwrap_or_default();
                let json = app.get(&format!("/api/v1/track/{number}")).await.text().await.unwrap_or_default();
                // And the same surfaces as the page cache keeps and serves them, per coding.
                let mut cached = String::new();
                for path in [format!("/track/{number}"), format!("/api/v1/track/{number}")] {
                    for coding in ["br", "gzip", "identity"] {
                        let _ = cached_body(&app, &path, coding).await;
                        let (hit, body) = cached_body(&app, &path, coding).await;
                        assert!(hit, "{path} ({coding}) came from the page cache");
                        cached.push_str(&body);
                    }
                }
                (status, format!("{html}\n{json}\n{cached}"))
            });
            prop_assert_eq!(status, 200, "{} was not accepted", carrier);
            prop_assert!(public.contains(&number), "{}: the page shows the parcel", carrier);
            for value in p.values() {
                prop_assert!(!public.contains(&value), "{}: {:?} is on a public surface", carrier, value);
            }
        }
        Ok(())
    });
    {
        let _entered = runtime.enter();
        drop(app);
    }
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_event_credits_no_staff_member_on_the_public_page_or_json() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    assert_eq!(app.post_depot(&common::depot_form("STAFF-PUB-1", "In Transit", "2025-10-08T09:00:00Z"), None).await.status(), 200);
    let mut staff = app.staff_browser().await;
    let page = "/staff/parcels/depot/STAFF-PUB-1";
    let csrf = staff.csrf(page).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("status", "failed_attempt"),
        ("occurred_at", "2025-10-08T10:00"),
        ("note", "Caller was rude; escalate to Priya"),
        ("message", "We will try again tomorrow morning"),
    ];
    let response = staff.post_form(&format!("{page}/events"), &fields).await;
    assert_eq!(response.status(), 303);
    let (_, staff_page) = staff.page(page).await;
    assert!(staff_page.contains(STAFF_EMAIL), "staff see who recorded it");
    assert!(staff_page.contains("Caller was rude; escalate to Priya"), "staff see the internal note");
    let html = app.get("/track/STAFF-PUB-1").await.text().await.unwrap();
    let json = app.track_json("STAFF-PUB-1").await;
    let event = &json["parcels"][0]["events"][0];
    assert_eq!(json["parcels"][0]["status"], "failed_attempt", "the event is applied");
    assert_eq!(event["description"], "We will try again tomorrow morning", "the customer's message is public");
    assert!(html.contains("Customer service"), "credited to customer service, not a person");
    // The page's serialized data is part of the HTML; both surfaces, every byte.
    for surface in [html, json.to_string()] {
        assert!(!surface.contains(STAFF_EMAIL) && !surface.contains("ops@"), "no staff email on a public surface");
        assert!(!surface.contains("escalate to Priya"), "no internal note on a public surface");
    }
}
