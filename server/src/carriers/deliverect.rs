//! Deliverect courier updates (`carriers/deliverect.md`): one JSON object per update with
//! `orderId`, `received` (UTC), `courier.status` and the pickup and delivery ETAs.
//!
//! Deliverect sends an update when the status, the courier or an ETA (by more than 30 s)
//! changes, so most updates repeat the status: the status event is keyed by the status
//! alone, and `deliveryTime` moves the parcel's ETA without adding a timeline event.
//!
//! | `courier.status` | name                | status             |
//! |------------------|---------------------|--------------------|
//! | 83               | EN_ROUTE_TO_PICKUP  | `info_received`    |
//! | 85               | ARRIVED_AT_PICKUP   | `info_received`    |
//! | 87               | EN_ROUTE_TO_DROPOFF | `out_for_delivery` |
//! | 89               | ARRIVED_AT_DROPOFF  | `out_for_delivery` |
//! | 90               | DELIVERED           | `delivered`        |
//! | any other        | (as the number)     | `unknown`          |
use super::fields::{json_object, optional_integer, optional_object, optional_text, required_text};
use super::profile::{Auth, BodyFormat, CarrierProfile, ReplyFormat};
use super::samples::{at, Fixture, SamplePost, Samples};
use super::{parse_carrier_time, CarrierAdapter, ParseError};
use crate::domain::{
    first_name_and_initial, Carrier, CourierUpdate, EtaUpdate, NormalizedDelivery, NormalizedEvent, TrackingNumber, TrackingStatus,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub struct DeliverectAdapter;

fn map_status(code: i64) -> (TrackingStatus, &'static str, &'static str) {
    use TrackingStatus::*;
    match code {
        83 => (InfoReceived, "en_route_to_pickup", "The courier is on the way to pick up your order"),
        85 => (InfoReceived, "arrived_at_pickup", "The courier has arrived at the pickup location"),
        87 => (OutForDelivery, "en_route_to_dropoff", "The courier is on the way to you"),
        89 => (OutForDelivery, "arrived_at_dropoff", "The courier has arrived at the drop-off location"),
        90 => (Delivered, "delivered", "Your order has been delivered"),
        _ => (Unknown, "", "Status update from the courier"),
    }
}

/// Everything about Deliverect besides its mapping (see `profile`).
pub const PROFILE: CarrierProfile = CarrierProfile {
    carrier: Carrier::Deliverect,
    name: "Deliverect",
    paths: &["/webhooks/deliverect", "/courierUpdateStatus"],
    secret_variable: "WAYBILL_DELIVERECT_SECRET",
    previous_secret_variable: "WAYBILL_DELIVERECT_SECRET_PREVIOUS",
    auth: Auth::Hmac { headers: &["x-server-authorization-hmac-sha256"] },
    body: BodyFormat::Json,
    reply: ReplyFormat::Waybill,
    adapter: |_| Box::new(DeliverectAdapter),
    samples: Samples { fixtures: &[COURIER_UPDATE], journey, stream, next },
};

const COURIER_UPDATE: Fixture = fixture!("deliverect-courier-update.json");

/// An order picked up and delivered in 44 minutes, its ETA moving on the way.
fn journey(start: DateTime<Utc>) -> Vec<SamplePost> {
    let courier = |status: i64| json!({"firstName": "Sam", "lastName": "Jansen", "phoneNumber": "+31600000000", "deliveryBy": "restaurant", "status": status});
    [(83, 0, 45), (85, 10, 45), (87, 20, 42), (87, 25, 44), (90, 44, 44)]
        .into_iter()
        .map(|(status, minutes, eta)| {
            SamplePost::from(json!({
                "received": at(start, minutes), "orderId": "WB-DLV-2001", "rawDriverUpdate": [], "updatedOrigin": 1,
                "pickupTime": at(start, 15), "deliveryTime": at(start, eta), "location": "demo-location", "courier": courier(status)
            }))
        })
        .collect()
}

/// The fixture, one new order a second.
fn stream(n: usize, start: DateTime<Utc>) -> Value {
    let mut json = COURIER_UPDATE.json();
    json["orderId"] = format!("{n:024x}").into();
    json["received"] = (start + chrono::Duration::seconds(n as i64)).to_rfc3339().into();
    json
}

/// A courier status Waybill does not know: one event more, the status kept.
fn next(number: &str, time: DateTime<Utc>) -> Value {
    json!({"received": time.to_rfc3339(), "orderId": number, "courier": {"firstName": "Sam", "lastName": "J", "status": 88}})
}

impl CarrierAdapter for DeliverectAdapter {
    fn carrier(&self) -> Carrier {
        Carrier::Deliverect
    }

    fn identifier_path(&self) -> &'static [&'static str] {
        &["orderId"]
    }

    fn parse(&self, body: &[u8], _received_at: DateTime<Utc>) -> Result<NormalizedDelivery, ParseError> {
        let root = json_object(body, "body")?;
        let order_id = required_text(&root, "", "orderId")?;
        let tracking_number = TrackingNumber::parse(&order_id).map_err(|e| ParseError::new("orderId", e.to_string()))?;
        let received = parse_carrier_time("received", &required_text(&root, "", "received")?)?;
        let courier = optional_object(&root, "", "courier")?;
        let mut delivery = NormalizedDelivery::new(Carrier::Deliverect, tracking_number);

        if let Some(courier) = courier {
            if let Some(code) = optional_integer(courier, "courier", "status")? {
                let (status, substatus, description) = map_status(code);
                delivery.events.push(NormalizedEvent {
                    occurred_at: received,
                    status,
                    substatus: if substatus.is_empty() { format!("status_{code}") } else { substatus.to_string() },
                    raw_status: code.to_string(),
                    description: Some(description.to_string()),
                    location: None,
                    texts: Default::default(),
                    dedupe_key: format!("deliverect:status:{code}"),
                });
            }
            let name = first_name_and_initial(
                optional_text(courier, "courier", "firstName")?.as_deref(),
                optional_text(courier, "courier", "lastName")?.as_deref(),
            );
            if name.is_some() {
                delivery.courier = Some(CourierUpdate { name, vehicle: None, position: None, as_of: received });
            }
        }
        if let Some(eta) = optional_text(&root, "", "deliveryTime")? {
            delivery.eta = Some(EtaUpdate { eta: parse_carrier_time("deliveryTime", &eta)?, window: None, as_of: received });
        }
        if let Some(pickup) = optional_text(&root, "", "pickupTime")? {
            // Validated so that a broken value is reported, though only the delivery ETA is shown.
            parse_carrier_time("pickupTime", &pickup)?;
        }
        Ok(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<NormalizedDelivery, ParseError> {
        DeliverectAdapter.parse(body.as_bytes(), Utc::now())
    }

    #[test]
    fn the_courier_update_fixture_normalizes_to_out_for_delivery_with_an_eta() {
        let body = include_str!("../../tests/fixtures/deliverect-courier-update.json");
        insta::assert_json_snapshot!(parse(body).unwrap());
    }

    #[test]
    fn contract_status_codes_map_as_the_contract_says() {
        use TrackingStatus::*;
        for (code, status) in
            [(83, InfoReceived), (85, InfoReceived), (87, OutForDelivery), (89, OutForDelivery), (90, Delivered), (84, Unknown)]
        {
            let body = format!(r#"{{"orderId":"o1","received":"2024-03-11T12:04:31Z","courier":{{"status":{code}}}}}"#);
            assert_eq!(parse(&body).unwrap().events[0].status, status, "{code}");
        }
    }

    #[test]
    fn the_phone_number_and_surname_are_not_kept() {
        let body = include_str!("../../tests/fixtures/deliverect-courier-update.json");
        let text = serde_json::to_string(&parse(body).unwrap()).unwrap();
        assert!(!text.contains("+31612345678") && !text.contains("Jansen"));
        assert!(text.contains("Sam J."));
    }

    #[test]
    fn missing_order_id_and_bad_times_name_the_field() {
        assert_eq!(parse(r#"{"received":"2024-03-11T12:04:31Z"}"#).unwrap_err().field, "orderId");
        assert_eq!(parse(r#"{"orderId":"o1","received":"later"}"#).unwrap_err().field, "received");
        let bad_eta = r#"{"orderId":"o1","received":"2024-03-11T12:04:31Z","deliveryTime":"x"}"#;
        assert_eq!(parse(bad_eta).unwrap_err().field, "deliveryTime");
    }
}
