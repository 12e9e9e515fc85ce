//! Uber Direct webhooks (`carriers/uber-direct.md`): `event.delivery_status` and
//! `event.courier_update` (every 20 s), both with a full copy of the delivery in `data`.
//! Pings move the courier and the ETA; a timeline event is added only when `data.status`
//! changes, so status events are keyed by the status. Verification data (signature,
//! picture, barcodes, PIN) become POD entries that point at Uber's URLs.
//!
//! | `data.status`            | status             |
//! |--------------------------|--------------------|
//! | pending, pickup          | `info_received`    |
//! | pickup_complete          | `in_transit`       |
//! | dropoff                  | `out_for_delivery` |
//! | delivered                | `delivered`        |
//! | canceled                 | `canceled`         |
//! | returned                 | `returned`         |
//! | anything else            | `unknown`          |
use super::fields::{json_object, optional_object, optional_position, optional_text, path, required_text};
use super::profile::{Auth, BodyFormat, CarrierProfile, ReplyFormat};
use super::samples::{at, Fixture, SamplePost, Samples};
use super::{parse_carrier_time, snake_key, CarrierAdapter, ParseError};
use crate::domain::{
    Carrier, CourierUpdate, EtaUpdate, NormalizedDelivery, NormalizedEvent, RemotePod, RoutePoints, TrackingNumber, TrackingStatus,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

pub struct UberAdapter;

fn map_status(key: &str) -> TrackingStatus {
    use TrackingStatus::*;
    match key {
        "pending" | "pickup" => InfoReceived,
        "pickup_complete" => InTransit,
        "dropoff" => OutForDelivery,
        "delivered" => Delivered,
        "canceled" | "cancelled" => Canceled,
        "returned" => Returned,
        _ => Unknown,
    }
}

/// Uber's own steps in words; several map to one normalized status.
fn step_text(key: &str, status: TrackingStatus) -> &'static str {
    match key {
        "pending" => "Delivery requested",
        "pickup" => "A courier is on the way to pick up your order",
        "pickup_complete" => "The courier picked up your order",
        "dropoff" => "The courier is on the way to you",
        _ => status.label(),
    }
}

/// What the timeline says about a status, including why a delivery failed or was canceled.
fn describe(key: &str, status: TrackingStatus, data: &Map<String, Value>) -> String {
    let undeliverable = data.get("undeliverable_reason").and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    let canceled = data
        .get("cancelation_reason")
        .and_then(Value::as_object)
        .and_then(|r| r.get("secondary_reason").or(r.get("primary_reason")))
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty());
    match (undeliverable, canceled) {
        (Some(reason), _) | (None, Some(reason)) => format!("{}: {reason}", status.label()),
        (None, None) => step_text(key, status).to_string(),
    }
}

fn verification_pods(data: &Map<String, Value>) -> Vec<RemotePod> {
    let Some(verification) = data.get("dropoff").and_then(|d| d.get("verification")).and_then(Value::as_object) else {
        return Vec::new();
    };
    let url = |name: &str| verification.get(name)?.get("image_url")?.as_str().filter(|u| u.starts_with("https://")).map(str::to_string);
    let mut pods = Vec::new();
    if let Some(url) = url("signature") {
        // Who signed, for the printable proof on the share link (never on the public page).
        let signature = verification.get("signature");
        let text = |name: &str| signature.and_then(|s| s.get(name)).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
        let signer = match (text("signer_name"), text("signer_relationship")) {
            (Some(name), Some(relationship)) => Some(format!("{name} ({relationship})")),
            (Some(name), None) => Some(name.to_string()),
            _ => None,
        };
        pods.push(RemotePod { kind: "signature", url: Some(url), value: signer.map(|s| s.chars().take(120).collect()) });
    }
    if let Some(url) = url("picture") {
        pods.push(RemotePod { kind: "photo", url: Some(url), value: None });
    }
    for barcode in verification.get("barcodes").and_then(Value::as_array).into_iter().flatten() {
        if let Some(value) = barcode.get("value").and_then(Value::as_str) {
            pods.push(RemotePod { kind: "barcode", url: None, value: Some(value.chars().take(200).collect()) });
        }
    }
    if let Some(pin) = verification.get("pin_code").and_then(|p| p.get("entered")).and_then(Value::as_str) {
        pods.push(RemotePod { kind: "pin", url: None, value: Some(pin.chars().take(32).collect()) });
    }
    pods
}

/// Everything about Uber Direct besides its mapping (see `profile`).
pub const PROFILE: CarrierProfile = CarrierProfile {
    carrier: Carrier::Uber,
    name: "Uber Direct",
    paths: &["/webhooks/uber"],
    secret_variable: "WAYBILL_UBER_SIGNING_KEY",
    previous_secret_variable: "WAYBILL_UBER_SIGNING_KEY_PREVIOUS",
    auth: Auth::Hmac { headers: &["x-uber-signature", "x-postmates-signature"] },
    body: BodyFormat::Json,
    reply: ReplyFormat::Waybill,
    adapter: |_| Box::new(UberAdapter),
    samples: Samples { fixtures: &[COURIER_UPDATE], journey, stream, next },
};

const COURIER_UPDATE: Fixture = fixture!("uber-courier-update.json");

/// A courier on the way, stopped before the door with the ETA passed (late); every time in
/// the fixture moves with the journey, so that no 2023 window sits beside today's events.
fn journey(start: DateTime<Utc>) -> Vec<SamplePost> {
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
    let times =
        [("dropoff_ready", 0), ("dropoff_deadline", 50), ("pickup_ready", 0), ("pickup_eta", 4), ("pickup_deadline", 20), ("created", 0)];
    let mut posts: Vec<SamplePost> = Vec::new();
    for (i, (kind, status, minutes, progress)) in steps.into_iter().enumerate() {
        let mut body = COURIER_UPDATE.json();
        body["id"] = format!("evt_wbdemo_{i}").into();
        body["kind"] = kind.into();
        body["created"] = at(start, minutes).into();
        body["delivery_id"] = "del_WBDEMO3001".into();
        body["location"] = json!({"lat": from.0 + (to.0 - from.0) * progress, "lng": from.1 + (to.1 - from.1) * progress});
        let data = &mut body["data"];
        data["id"] = "del_WBDEMO3001".into();
        data["external_id"] = "SHOP-3001".into();
        data["status"] = status.into();
        data["updated"] = at(start, minutes).into();
        data["dropoff_eta"] = at(start, 18 - i as i64 / 3).into();
        for (field, offset) in times {
            data[field] = at(start, offset).into();
        }
        posts.push(body.into());
    }
    posts
}

/// 50 deliveries under way, each pinging every 20 s with its courier a little further.
fn stream(n: usize, start: DateTime<Utc>) -> Value {
    let (delivery, ping) = (n % 50, n / 50);
    let mut json = COURIER_UPDATE.json();
    json["id"] = format!("evt_{n:08}").into();
    json["delivery_id"] = format!("del_{delivery:04}").into();
    json["data"]["id"] = format!("del_{delivery:04}").into();
    json["created"] = (start + chrono::Duration::seconds(ping as i64 * 20)).to_rfc3339().into();
    json["data"]["courier"]["location"]["lat"] = (52.0 + ping as f64 * 0.0003 + delivery as f64 * 0.01).into();
    json["data"]["courier"]["location"]["lng"] = (4.3 + ping as f64 * 0.0002).into();
    json
}

/// A status Waybill does not know: one event more, the status kept.
fn next(number: &str, time: DateTime<Utc>) -> Value {
    let id = format!("evt_next_{}", time.timestamp_millis());
    json!({"id": id, "kind": "event.delivery_status", "created": time.to_rfc3339(), "data": {"id": number, "status": "live_check"}})
}

impl CarrierAdapter for UberAdapter {
    fn carrier(&self) -> Carrier {
        Carrier::Uber
    }

    fn identifier_path(&self) -> &'static [&'static str] {
        &["data", "id"]
    }

    fn parse(&self, body: &[u8], _received_at: DateTime<Utc>) -> Result<NormalizedDelivery, ParseError> {
        let root = json_object(body, "body")?;
        let data = optional_object(&root, "", "data")?.ok_or_else(|| ParseError::new("data", "is required"))?;
        let id = match optional_text(data, "data", "id")? {
            Some(id) => id,
            None => required_text(&root, "", "delivery_id").map_err(|_| ParseError::new("data.id", "is required"))?,
        };
        let tracking_number = TrackingNumber::parse(&id).map_err(|e| ParseError::new("data.id", e.to_string()))?;
        let created = match optional_text(&root, "", "created")? {
            Some(t) => parse_carrier_time("created", &t)?,
            None => parse_carrier_time("data.updated", &required_text(data, "data", "updated")?)?,
        };
        let raw_status = required_text(data, "data", "status")?;
        let key = snake_key(&raw_status);
        let status = map_status(&key);

        let mut delivery = NormalizedDelivery::new(Carrier::Uber, tracking_number);
        if let Some(external) = optional_text(data, "data", "external_id")? {
            if TrackingNumber::parse(&external).is_ok() {
                delivery.references.push(external);
            }
        }
        delivery.events.push(NormalizedEvent {
            occurred_at: created,
            status,
            substatus: key.clone(),
            raw_status,
            description: Some(describe(&key, status, data)),
            location: None,
            texts: Default::default(),
            dedupe_key: format!("uber:status:{key}"),
        });
        if let Some(eta) = optional_text(data, "data", "dropoff_eta")? {
            let time = |name: &str| -> Result<Option<DateTime<Utc>>, ParseError> {
                optional_text(data, "data", name)?.map(|t| parse_carrier_time(&format!("data.{name}"), &t)).transpose()
            };
            // Uber's drop-off window: ready (start) to deadline (end).
            let window = time("dropoff_ready")?.zip(time("dropoff_deadline")?).filter(|(from, until)| from <= until);
            delivery.eta = Some(EtaUpdate { eta: parse_carrier_time("data.dropoff_eta", &eta)?, window, as_of: created });
        }
        let courier = optional_object(data, "data", "courier")?;
        let position = optional_position(&root, "location").or_else(|| courier.and_then(|c| optional_position(c, "location")));
        if courier.is_some() || position.is_some() {
            let text = |name: &str| -> Result<Option<String>, ParseError> {
                courier.map_or(Ok(None), |c| optional_text(c, &path("data", "courier"), name))
            };
            // Uber already sends "first name and last initial"; keep at most that.
            let name = text("name")?.map(|n| n.chars().take(40).collect());
            let vehicle =
                [text("vehicle_color")?, text("vehicle_make")?, text("vehicle_model")?].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let vehicle = match (vehicle.is_empty(), text("vehicle_type")?) {
                (false, Some(kind)) => Some(format!("{vehicle} ({kind})")),
                (false, None) => Some(vehicle),
                (true, kind) => kind,
            };
            delivery.courier = Some(CourierUpdate { name, vehicle, position, as_of: created });
        }
        let point = |name: &str| data.get(name).and_then(Value::as_object).and_then(|o| optional_position(o, "location"));
        let (pickup, dropoff) = (point("pickup"), point("dropoff"));
        if pickup.is_some() || dropoff.is_some() {
            delivery.route = Some(RoutePoints { pickup, dropoff });
        }
        delivery.remote_pods = verification_pods(data);
        Ok(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<NormalizedDelivery, ParseError> {
        UberAdapter.parse(body.as_bytes(), Utc::now())
    }

    #[test]
    fn the_courier_update_fixture_moves_the_courier_and_keeps_verification() {
        insta::assert_json_snapshot!(parse(include_str!("../../tests/fixtures/uber-courier-update.json")).unwrap());
    }

    #[test]
    fn contract_statuses_map_as_the_contract_says() {
        use TrackingStatus::*;
        for (raw, status) in [
            ("pending", InfoReceived),
            ("pickup", InfoReceived),
            ("pickup_complete", InTransit),
            ("dropoff", OutForDelivery),
            ("delivered", Delivered),
            ("canceled", Canceled),
            ("returned", Returned),
            ("teleported", Unknown),
        ] {
            let body =
                format!(r#"{{"created":"2023-07-06T05:09:07Z","kind":"event.delivery_status","data":{{"id":"del_1","status":"{raw}"}}}}"#);
            assert_eq!(parse(&body).unwrap().events[0].status, status, "{raw}");
        }
    }

    #[test]
    fn cancelation_and_undeliverable_reasons_reach_the_timeline() {
        let body = r##"{"created":"2023-07-06T05:09:07Z","data":{"id":"del_1","status":"canceled","cancelation_reason":{"primary_reason":"#Uber","secondary_reason":"COURIER_CANCEL"}}}"##;
        assert_eq!(parse(body).unwrap().events[0].description.as_deref(), Some("Canceled: COURIER_CANCEL"));
        let body =
            r#"{"created":"2023-07-06T05:09:07Z","data":{"id":"del_1","status":"returned","undeliverable_reason":"CUSTOMER_UNAVAILABLE"}}"#;
        assert!(parse(body).unwrap().events[0].description.as_deref().unwrap().contains("CUSTOMER_UNAVAILABLE"));
    }

    #[test]
    fn missing_data_and_status_are_named() {
        assert_eq!(parse(r#"{"created":"2023-07-06T05:09:07Z"}"#).unwrap_err().field, "data");
        assert_eq!(parse(r#"{"created":"2023-07-06T05:09:07Z","data":{"id":"d"}}"#).unwrap_err().field, "data.status");
    }
}
