//! Peddler webhooks (`carriers/peddler.md`): one JSON object per status change with
//! `carrierTrackingNumber`, `status`, `code`, `ts`, and for failures `failedStatus` and
//! `details.reason`. `details.lang.{en,nl}` are kept so pages can show the visitor's
//! language; `location` (GPS) comes with OUT_FOR_DELIVERY and DELIVERED: that is the
//! doorstep, so it becomes the courier's position (share link only), never the event's
//! public location.
//!
//! | `status`                                   | status                 |
//! |--------------------------------------------|------------------------|
//! | REGISTERED, CREATED, ANNOUNCED, PRE_TRANSIT | `info_received`       |
//! | PICKED_UP, IN_TRANSIT, AT_HUB, SORTED      | `in_transit`           |
//! | OUT_FOR_DELIVERY                           | `out_for_delivery`     |
//! | FAILED_ATTEMPT                             | `failed_attempt`       |
//! | DELIVERED                                  | `delivered`            |
//! | READY_FOR_PICKUP, AT_PICKUP_POINT          | `available_for_pickup` |
//! | EXCEPTION, DAMAGED, LOST                   | `exception`            |
//! | RETURNING, RETURN_TO_SENDER                | `returning`            |
//! | RETURNED                                   | `returned`             |
//! | CANCELLED, CANCELED                        | `canceled`             |
//! | EXPIRED                                    | `expired`              |
//! | anything else                              | `unknown`              |
use super::fields::{json_object, optional_integer, optional_object, optional_position, optional_text, required_text};
use super::profile::{Auth, BodyFormat, CarrierProfile, ReplyFormat};
use super::samples::{at, Fixture, SamplePost, Samples};
use super::{parse_carrier_time, snake_key, CarrierAdapter, ParseError};
use crate::domain::{Carrier, CourierUpdate, LocalizedText, NormalizedDelivery, NormalizedEvent, TrackingNumber, TrackingStatus};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub struct PeddlerAdapter;

fn map_status(key: &str) -> TrackingStatus {
    use TrackingStatus::*;
    match key {
        "registered" | "created" | "announced" | "pre_transit" => InfoReceived,
        "picked_up" | "in_transit" | "at_hub" | "sorted" => InTransit,
        "out_for_delivery" => OutForDelivery,
        "failed_attempt" => FailedAttempt,
        "delivered" => Delivered,
        "ready_for_pickup" | "at_pickup_point" => AvailableForPickup,
        "exception" | "damaged" | "lost" => Exception,
        "returning" | "return_to_sender" => Returning,
        "returned" => Returned,
        "cancelled" | "canceled" => Canceled,
        "expired" => Expired,
        _ => Unknown,
    }
}

/// Everything about Peddler besides its mapping (see `profile`).
pub const PROFILE: CarrierProfile = CarrierProfile {
    carrier: Carrier::Peddler,
    name: "Peddler",
    paths: &["/webhooks/peddler"],
    secret_variable: "WAYBILL_PEDDLER_TOKEN",
    previous_secret_variable: "WAYBILL_PEDDLER_TOKEN_PREVIOUS",
    auth: Auth::HeaderToken { headers: &["x-webhook-shared-token"] },
    body: BodyFormat::Json,
    reply: ReplyFormat::Waybill,
    adapter: |_| Box::new(PeddlerAdapter),
    samples: Samples { fixtures: &[FAILED_ATTEMPT, OUT_FOR_DELIVERY], journey, stream, next },
};

const FAILED_ATTEMPT: Fixture = fixture!("peddler-failed-attempt.json");
const OUT_FOR_DELIVERY: Fixture = fixture!("peddler-out-for-delivery.json");

/// A missed delivery (with Peddler's own English and Dutch texts), delivered the next day.
fn journey(start: DateTime<Utc>) -> Vec<SamplePost> {
    let texts = |en: (&str, &str), nl: (&str, &str)| json!({"en": {"headline": en.0, "description": en.1}, "nl": {"headline": nl.0, "description": nl.1}});
    let post = |status: &str, minutes: i64, code: u32, extra: Value| {
        let mut body = json!({
            "id": "pdl_demo_4001", "carrierTrackingNumber": "P100000000000004001", "metaData": "WB-ORDER-4001",
            "status": status, "ts": at(start, minutes), "trackingUrl": "https://example.invalid/P100000000000004001/", "code": code
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        SamplePost::from(body)
    };
    let failed = json!({
        "failedStatus": "CUSTOMER_NOT_PRESENT_NO_NEIGHBOURS",
        "details": {"lang": texts(("Delivery attempt failed", "Delivery attempt failed at destination"), ("Afleverpoging mislukt", "Afleverpoging mislukt op bestemming")),
                    "courierName": "Peddler", "reason": "Customer not answering; no neighbours available"}
    });
    vec![
        post("OUT_FOR_DELIVERY", 540, 410, json!({"location": {"lat": 52.3409992, "lng": 4.8236365}})),
        post("FAILED_ATTEMPT", 600, 601, failed),
        post("OUT_FOR_DELIVERY", 1260, 410, json!({"location": {"lat": 52.35, "lng": 4.83}})),
        post("DELIVERED", 1290, 500, json!({"location": {"lat": 52.3601, "lng": 4.8852}})),
    ]
}

/// The out-for-delivery fixture, one new parcel a second.
fn stream(n: usize, start: DateTime<Utc>) -> Value {
    let mut json = OUT_FOR_DELIVERY.json();
    json["id"] = format!("pdl_{n:08}").into();
    json["carrierTrackingNumber"] = format!("P{:015}", n).into();
    json["ts"] = (start + chrono::Duration::seconds(n as i64)).to_rfc3339().into();
    json
}

/// A status Waybill does not know: one event more, the status kept.
fn next(number: &str, time: DateTime<Utc>) -> Value {
    json!({"carrierTrackingNumber": number, "status": "LIVE_CHECK", "ts": time.to_rfc3339(), "details": {"reason": "Live check"}})
}

impl CarrierAdapter for PeddlerAdapter {
    fn carrier(&self) -> Carrier {
        Carrier::Peddler
    }

    fn identifier_path(&self) -> &'static [&'static str] {
        &["carrierTrackingNumber"]
    }

    fn parse(&self, body: &[u8], _received_at: DateTime<Utc>) -> Result<NormalizedDelivery, ParseError> {
        let root = json_object(body, "body")?;
        let number = required_text(&root, "", "carrierTrackingNumber")?;
        let tracking_number = TrackingNumber::parse(&number).map_err(|e| ParseError::new("carrierTrackingNumber", e.to_string()))?;
        let raw_status = required_text(&root, "", "status")?;
        let occurred_at = parse_carrier_time("ts", &required_text(&root, "", "ts")?)?;
        let code = optional_integer(&root, "", "code")?;
        let failed_status = optional_text(&root, "", "failedStatus")?;
        let details = optional_object(&root, "", "details")?;
        let reason = match details {
            Some(d) => optional_text(d, "details", "reason")?,
            None => None,
        };
        let texts = match details.and_then(|d| d.get("lang")).and_then(|l| l.as_object()) {
            Some(lang) => lang
                .iter()
                .filter_map(|(code, text)| {
                    let text = text.as_object()?;
                    let field = |name: &str| text.get(name).and_then(|v| v.as_str()).map(str::to_string);
                    Some((code.clone(), LocalizedText { headline: field("headline"), description: field("description") }))
                })
                .collect(),
            None => BTreeMap::new(),
        };
        let position = optional_position(&root, "location");

        let key = snake_key(&raw_status);
        let status = map_status(&key);
        let substatus = failed_status.as_deref().map(snake_key).filter(|s| !s.is_empty()).unwrap_or_else(|| key.clone());
        let description = reason
            .clone()
            .or_else(|| texts.get("en").and_then(|t: &LocalizedText| t.description.clone()))
            .or_else(|| Some(status.label().to_string()));
        let mut delivery = NormalizedDelivery::new(Carrier::Peddler, tracking_number);
        for reference in [optional_text(&root, "", "id")?, optional_text(&root, "", "metaData")?].into_iter().flatten() {
            if TrackingNumber::parse(&reference).is_ok() {
                delivery.references.push(reference);
            }
        }
        delivery.events.push(NormalizedEvent {
            occurred_at,
            status,
            substatus,
            raw_status: match code {
                Some(code) => format!("{raw_status} ({code})"),
                None => raw_status.clone(),
            },
            description,
            location: None,
            texts,
            dedupe_key: format!("peddler:{key}:{}:{}", code.unwrap_or(0), occurred_at.timestamp_micros()),
        });
        if position.is_some() {
            delivery.courier = Some(CourierUpdate { name: None, vehicle: None, position, as_of: occurred_at });
        }
        Ok(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<NormalizedDelivery, ParseError> {
        PeddlerAdapter.parse(body.as_bytes(), Utc::now())
    }

    #[test]
    fn the_failed_attempt_fixture_keeps_reason_and_both_languages() {
        insta::assert_json_snapshot!(parse(include_str!("../../tests/fixtures/peddler-failed-attempt.json")).unwrap());
    }

    #[test]
    fn the_out_for_delivery_fixture_gives_its_gps_position_to_the_courier_and_none_to_the_event() {
        let delivery = parse(include_str!("../../tests/fixtures/peddler-out-for-delivery.json")).unwrap();
        assert_eq!(delivery.events[0].location, None, "the doorstep is no public location");
        assert!(delivery.courier.as_ref().and_then(|c| c.position).is_some());
        insta::assert_json_snapshot!(delivery);
    }

    #[test]
    fn contract_statuses_map_as_the_contract_says() {
        use TrackingStatus::*;
        for (raw, status) in
            [("OUT_FOR_DELIVERY", OutForDelivery), ("DELIVERED", Delivered), ("FAILED_ATTEMPT", FailedAttempt), ("WORMHOLE", Unknown)]
        {
            let body = format!(r#"{{"carrierTrackingNumber":"P1","status":"{raw}","ts":"2024-09-02T13:08:06.574Z"}}"#);
            assert_eq!(parse(&body).unwrap().events[0].status, status, "{raw}");
        }
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(parse(r#"{"status":"DELIVERED","ts":"2024-09-02T13:08:06Z"}"#).unwrap_err().field, "carrierTrackingNumber");
        assert_eq!(parse(r#"{"carrierTrackingNumber":"P1","status":"DELIVERED","ts":"nope"}"#).unwrap_err().field, "ts");
    }
}
