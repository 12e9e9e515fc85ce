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
use super::{parse_carrier_time, snake_key, CarrierAdapter, ParseError};
use crate::domain::{Carrier, CourierUpdate, LocalizedText, NormalizedDelivery, NormalizedEvent, TrackingNumber, TrackingStatus};
use chrono::{DateTime, Utc};
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
};

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
