//! The depot system (`carriers/depot.md`): a `form_data` JSON string with `articleId`,
//! `track_status`, `track_datetime` and `remarks`. The POD file travels beside it in the
//! multipart body and is handled by the webhook, not here.
//!
//! Status mapping (CONTRACT §3; matched case-insensitively, spacing and dashes ignored):
//!
//! | `track_status`                     | status             | substatus            |
//! |------------------------------------|--------------------|----------------------|
//! | Not Scanned                        | `info_received`    | `not_scanned`        |
//! | Received in Depo / Received in Depot | `in_transit`     | `received_at_depot`  |
//! | Loaded by Driver                   | `in_transit`       | `loaded_by_driver`   |
//! | RD- Return to depo(t)              | `in_transit`       | `returned_to_depot`  |
//! | In Transit (driver left the depot) | `out_for_delivery` | `out_for_delivery`   |
//! | Delivered                          | `delivered`        | `delivered`          |
//! | Failed Delivery                    | `failed_attempt`   | `failed_delivery`    |
//! | RTS- Return to Sender              | `returned`         | `returned_to_sender` |
//! | anything else                      | `unknown`          | the text as snake_case |
use super::fields::{json_object, optional_text, required_text};
use super::profile::{Auth, BodyFormat, CarrierProfile, ReplyFormat};
use super::samples::{at, Fixture, SamplePost, Samples};
use super::{parse_carrier_time, snake_key, CarrierAdapter, ParseError};
use crate::domain::{Carrier, NormalizedDelivery, NormalizedEvent, TrackingNumber, TrackingStatus};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub struct DepotAdapter;

const FORM: &str = "form_data";

/// The mapping table above, keyed by `snake_key` of the depot's text.
fn map_status(key: &str) -> (TrackingStatus, &'static str) {
    use TrackingStatus::*;
    match key {
        "not_scanned" => (InfoReceived, "not_scanned"),
        "received_in_depo" | "received_in_depot" => (InTransit, "received_at_depot"),
        "loaded_by_driver" => (InTransit, "loaded_by_driver"),
        "rd_return_to_depo" | "rd_return_to_depot" | "return_to_depo" | "return_to_depot" => (InTransit, "returned_to_depot"),
        "in_transit" => (OutForDelivery, "out_for_delivery"),
        "delivered" => (Delivered, "delivered"),
        "failed_delivery" => (FailedAttempt, "failed_delivery"),
        "rts_return_to_sender" | "return_to_sender" => (Returned, "returned_to_sender"),
        _ => (Unknown, ""),
    }
}

/// Everything about Depot besides its mapping (see `profile`).
pub const PROFILE: CarrierProfile = CarrierProfile {
    carrier: Carrier::Depot,
    name: "Depot",
    paths: &["/webhooks/depot"],
    secret_variable: "WAYBILL_DEPOT_TOKEN",
    previous_secret_variable: "WAYBILL_DEPOT_TOKEN_PREVIOUS",
    auth: Auth::Bearer,
    body: BodyFormat::Multipart,
    reply: ReplyFormat::Waybill,
    adapter: |_| Box::new(DepotAdapter),
    samples: Samples { fixtures: &[DELIVERED], journey, stream, next },
};

const DELIVERED: Fixture = fixture!("depot-delivered.form_data.json");

/// Three parcels: one delivered with a signature, one missed and back at the depot, one
/// still on its way.
fn journey(start: DateTime<Utc>) -> Vec<SamplePost> {
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
        .map(|(article, status, minutes, remarks, pod)| SamplePost {
            body: json!({"articleId": article, "track_status": status, "track_datetime": at(start, minutes), "remarks": remarks}),
            pod,
        })
        .collect()
}

/// The fixture, one new parcel a second.
fn stream(n: usize, start: DateTime<Utc>) -> Value {
    let mut json = DELIVERED.json();
    json["articleId"] = format!("DEPOT{n:08}").into();
    json["track_datetime"] = (start + chrono::Duration::seconds(n as i64)).to_rfc3339().into();
    json
}

/// The driver leaves the depot with it: out for delivery.
fn next(number: &str, time: DateTime<Utc>) -> Value {
    json!({"articleId": number, "track_status": "In Transit", "track_datetime": time.to_rfc3339(), "remarks": "Driver left the depot"})
}

impl CarrierAdapter for DepotAdapter {
    fn carrier(&self) -> Carrier {
        Carrier::Depot
    }

    fn identifier_path(&self) -> &'static [&'static str] {
        &["articleId"]
    }

    fn parse(&self, body: &[u8], _received_at: DateTime<Utc>) -> Result<NormalizedDelivery, ParseError> {
        let form = json_object(body, FORM)?;
        let article_id = required_text(&form, FORM, "articleId")?;
        let tracking_number = TrackingNumber::parse(&article_id).map_err(|e| ParseError::new("form_data.articleId", e.to_string()))?;
        let raw_status = required_text(&form, FORM, "track_status")?;
        let occurred_at = parse_carrier_time("form_data.track_datetime", &required_text(&form, FORM, "track_datetime")?)?;
        let remarks = optional_text(&form, FORM, "remarks")?;
        let location = optional_text(&form, FORM, "location")?;

        let key = snake_key(&raw_status);
        if key.is_empty() {
            return Err(ParseError::new("form_data.track_status", "has no letters or digits"));
        }
        let (status, substatus) = map_status(&key);
        let substatus = if substatus.is_empty() { key.clone() } else { substatus.to_string() };
        let event = NormalizedEvent {
            occurred_at,
            status,
            substatus,
            description: Some(remarks.unwrap_or_else(|| raw_status.clone())),
            location,
            texts: Default::default(),
            // The depot has no event ids: one status at one time is one event.
            dedupe_key: format!("depot:{key}:{}", occurred_at.timestamp_micros()),
            raw_status,
        };
        let mut delivery = NormalizedDelivery::new(Carrier::Depot, tracking_number);
        delivery.events.push(event);
        Ok(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<NormalizedDelivery, ParseError> {
        DepotAdapter.parse(body.as_bytes(), chrono::Utc::now())
    }

    #[test]
    fn the_delivered_fixture_normalizes_to_one_delivered_event() {
        let body = include_str!("../../tests/fixtures/depot-delivered.form_data.json");
        insta::assert_json_snapshot!(parse(body).unwrap());
    }

    #[test]
    fn every_contract_status_maps_as_the_contract_says() {
        use TrackingStatus::*;
        for (raw, expected) in [
            ("Not Scanned", InfoReceived),
            ("Received in Depo", InTransit),
            ("Received in Depot", InTransit),
            ("Loaded by Driver", InTransit),
            ("RD- Return to depo", InTransit),
            ("In Transit", OutForDelivery),
            ("Delivered", Delivered),
            ("Failed Delivery", FailedAttempt),
            ("RTS- Return to Sender", Returned),
            ("delivered", Delivered),
            ("Teleported", Unknown),
        ] {
            let body = format!(r#"{{"articleId":"A1","track_status":"{raw}","track_datetime":"2025-10-08T10:15:00Z"}}"#);
            assert_eq!(parse(&body).unwrap().events[0].status, expected, "{raw}");
        }
    }

    #[test]
    fn an_unknown_status_keeps_its_raw_text() {
        let d = parse(r#"{"articleId":"A1","track_status":"Teleported","track_datetime":"2025-10-08T10:15:00Z"}"#).unwrap();
        assert_eq!(d.events[0].raw_status, "Teleported");
        assert_eq!(d.events[0].substatus, "teleported");
    }

    #[test]
    fn missing_or_bad_fields_are_named_in_the_error() {
        let missing_id = parse(r#"{"track_status":"Delivered","track_datetime":"2025-10-08T10:15:00Z"}"#).unwrap_err();
        assert_eq!(missing_id.field, "form_data.articleId");
        let bad_time = parse(r#"{"articleId":"A1","track_status":"Delivered","track_datetime":"soon"}"#).unwrap_err();
        assert_eq!(bad_time.field, "form_data.track_datetime");
        let bad_id = parse(r#"{"articleId":"A/1","track_status":"Delivered","track_datetime":"2025-10-08T10:15:00Z"}"#).unwrap_err();
        assert_eq!(bad_id.field, "form_data.articleId");
        assert_eq!(parse("").unwrap_err().field, "form_data");
    }

    #[test]
    fn the_same_status_at_the_same_time_has_the_same_dedupe_key() {
        let a = parse(r#"{"articleId":"A1","track_status":"Delivered","track_datetime":"2025-10-08T10:15:00Z"}"#).unwrap();
        let b =
            parse(r#"{"articleId":"A1","track_status":"DELIVERED","track_datetime":"2025-10-08T12:15:00+02:00","remarks":"x"}"#).unwrap();
        assert_eq!(a.events[0].dedupe_key, b.events[0].dedupe_key);
    }
}
