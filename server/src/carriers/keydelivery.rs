//! KeyDelivery pushes (`carriers/keydelivery.md`): every push carries the parcel's whole
//! history in `items`, so each item becomes one event, keyed by its content, and re-sent
//! items change nothing. Item times have no zone: they are read as UTC unless
//! `WAYBILL_KEYDELIVERY_TIME_OFFSET` (e.g. `+08:00`) says otherwise.
//!
//! Status of an item: its `order_status_code` where given, else its
//! `order_status_description`; `event: "expired"` adds an `expired` event.
//!
//! | code              | description         | status             |
//! |-------------------|---------------------|--------------------|
//! | 0, 1, 7, 10, 11, 12 | In transit, Accepted | `in_transit`     |
//! | 5                 | Out for delivery    | `out_for_delivery` |
//! | 3                 | Delivered           | `delivered`        |
//! | 2, 13, 14         | Exception           | `exception`        |
//! | 6                 | Returning to sender | `returning`        |
//! | 4                 | Returned to sender  | `returned`         |
//! | other             | other               | `unknown`          |
use super::fields::{json_object, optional_integer, optional_text, required_text};
use super::profile::{Auth, BodyFormat, CarrierProfile, ReplyFormat};
use super::samples::{Fixture, SamplePost, Samples};
use super::{snake_key, CarrierAdapter, ParseError};
use crate::domain::{Carrier, NormalizedDelivery, NormalizedEvent, TrackingNumber, TrackingStatus};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub struct KeyDeliveryAdapter {
    /// The zone KeyDelivery's zoneless item times are in.
    pub offset: FixedOffset,
}

fn map_code(code: i64) -> (TrackingStatus, &'static str) {
    use TrackingStatus::*;
    match code {
        0 => (InTransit, "in_transit"),
        1 => (InTransit, "accepted"),
        7 => (InTransit, "transshipment"),
        10 => (InTransit, "pending_customs_clearance"),
        11 => (InTransit, "customs_clearance_started"),
        12 => (InTransit, "customs_clearance_completed"),
        5 => (OutForDelivery, "out_for_delivery"),
        3 => (Delivered, "delivered"),
        2 => (Exception, "exception"),
        13 => (Exception, "customs_exception"),
        14 => (Exception, "recipient_refused"),
        6 => (Returning, "returning_to_sender"),
        4 => (Returned, "returned_to_sender"),
        _ => (Unknown, ""),
    }
}

fn map_description(key: &str) -> (TrackingStatus, &'static str) {
    use TrackingStatus::*;
    match key {
        "accepted" => (InTransit, "accepted"),
        "in_transit" => (InTransit, "in_transit"),
        "out_for_delivery" => (OutForDelivery, "out_for_delivery"),
        "delivered" => (Delivered, "delivered"),
        "exception" => (Exception, "exception"),
        "returning_to_sender" => (Returning, "returning_to_sender"),
        "returned_to_sender" => (Returned, "returned_to_sender"),
        _ => (Unknown, ""),
    }
}

/// KeyDelivery writes missing values as the string "null".
fn present(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.eq_ignore_ascii_case("null"))
}

impl KeyDeliveryAdapter {
    fn item_time(&self, field: &str, text: &str) -> Result<DateTime<Utc>, ParseError> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
            return Ok(t.with_timezone(&Utc));
        }
        let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| ParseError::new(field, format!("{text:?} is not a time like 2021-07-09 18:47:17")))?;
        self.offset
            .from_local_datetime(&naive)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| ParseError::new(field, format!("{text:?} is not a valid local time")))
    }
}

/// Everything about KeyDelivery besides its mapping (see `profile`).
pub const PROFILE: CarrierProfile = CarrierProfile {
    carrier: Carrier::Keydelivery,
    name: "KeyDelivery",
    paths: &["/webhooks/keydelivery"],
    secret_variable: "WAYBILL_KEYDELIVERY_TOKEN",
    previous_secret_variable: "WAYBILL_KEYDELIVERY_TOKEN_PREVIOUS",
    auth: Auth::QueryToken { parameter: "token" },
    body: BodyFormat::Json,
    reply: ReplyFormat::CodeAndMessage,
    adapter: |offset| Box::new(KeyDeliveryAdapter { offset }),
    samples: Samples { fixtures: &[COMPLETED], journey, stream, next },
};

const COMPLETED: Fixture = fixture!("keydelivery-completed.json");

/// KeyDelivery's times carry no zone; the samples are in UTC, Waybill's default reading.
fn zoneless(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Three pushes, each with the whole history so far (newest first), the last delivered.
fn journey(start: DateTime<Utc>) -> Vec<SamplePost> {
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
            .map(|(context, status, m)| json!({"context": context, "time": zoneless(start + chrono::Duration::minutes(*m)), "order_status_description": status, "area_name": "Rotterdam", "location": null}))
            .collect();
        SamplePost::from(
            json!({"event": "update", "message": "OK", "carrier_id": "dhl", "tracking_number": "WBKD5001", "signer": 1, "items": list}),
        )
    };
    vec![push(2), push(3), push(4)]
}

/// The fixture, one new parcel each.
fn stream(n: usize, _start: DateTime<Utc>) -> Value {
    let mut json = COMPLETED.json();
    json["tracking_number"] = format!("{:010}", 6_000_000_000u64 + n as u64).into();
    json
}

/// An item of a status Waybill does not know: one event more, the status kept.
fn next(number: &str, time: DateTime<Utc>) -> Value {
    let item = json!({"time": zoneless(time), "context": "Live check", "order_status_description": "Live check"});
    json!({"event": "update", "tracking_number": number, "items": [item]})
}

impl CarrierAdapter for KeyDeliveryAdapter {
    fn carrier(&self) -> Carrier {
        Carrier::Keydelivery
    }

    fn identifier_path(&self) -> &'static [&'static str] {
        &["tracking_number"]
    }

    fn parse(&self, body: &[u8], received_at: DateTime<Utc>) -> Result<NormalizedDelivery, ParseError> {
        let root = json_object(body, "body")?;
        let number = required_text(&root, "", "tracking_number")?;
        let tracking_number = TrackingNumber::parse(&number).map_err(|e| ParseError::new("tracking_number", e.to_string()))?;
        let event = optional_text(&root, "", "event")?.unwrap_or_default();
        let message = optional_text(&root, "", "message")?;
        let mut delivery = NormalizedDelivery::new(Carrier::Keydelivery, tracking_number);

        let items = match root.get("items") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(items)) => items.as_slice(),
            Some(_) => return Err(ParseError::new("items", "expected an array")),
        };
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("items[{i}]");
            let item = item.as_object().ok_or_else(|| ParseError::new(prefix.clone(), "expected an object"))?;
            let time_text = required_text(item, &prefix, "time")?;
            let occurred_at = self.item_time(&format!("{prefix}.time"), &time_text)?;
            let context = present(optional_text(item, &prefix, "context")?);
            let description_text = present(optional_text(item, &prefix, "order_status_description")?);
            let code = optional_integer(item, &prefix, "order_status_code")?;
            let description_key = description_text.as_deref().map(snake_key).unwrap_or_default();
            let (mut status, mut substatus) = code.map(map_code).unwrap_or((TrackingStatus::Unknown, ""));
            if status == TrackingStatus::Unknown {
                (status, substatus) = map_description(&description_key);
            }
            let raw_status = match (code, &description_text) {
                (Some(code), Some(text)) => format!("{text} ({code})"),
                (Some(code), None) => code.to_string(),
                (None, Some(text)) => text.clone(),
                (None, None) => String::new(),
            };
            let location = present(optional_text(item, &prefix, "location")?).or(present(optional_text(item, &prefix, "area_name")?));
            // Same content, same key: the whole history is re-sent with every push.
            let digest = Sha256::digest(format!("{time_text}|{}|{raw_status}", context.as_deref().unwrap_or("")));
            delivery.events.push(NormalizedEvent {
                occurred_at,
                status,
                substatus: if substatus.is_empty() { snake_key(&raw_status) } else { substatus.to_string() },
                raw_status,
                description: context.or(description_text),
                location,
                texts: Default::default(),
                dedupe_key: format!("keydelivery:{}", hex::encode(&digest[..12])),
            });
        }
        if event.eq_ignore_ascii_case("expired") {
            delivery.events.push(NormalizedEvent {
                occurred_at: received_at,
                status: TrackingStatus::Expired,
                substatus: "tracking_expired".into(),
                raw_status: "expired".into(),
                description: message.or_else(|| Some("Tracking expired".into())),
                location: None,
                texts: Default::default(),
                dedupe_key: "keydelivery:expired".into(),
            });
        }
        Ok(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> KeyDeliveryAdapter {
        KeyDeliveryAdapter { offset: FixedOffset::east_opt(0).unwrap() }
    }

    #[test]
    fn the_completed_fixture_gives_one_event_per_item() {
        let body = include_str!("../../tests/fixtures/keydelivery-completed.json");
        let received = "2021-07-10T00:00:00Z".parse().unwrap();
        insta::assert_json_snapshot!(utc().parse(body.as_bytes(), received).unwrap());
    }

    #[test]
    fn a_configured_offset_moves_zoneless_times_to_utc() {
        let adapter = KeyDeliveryAdapter { offset: FixedOffset::east_opt(8 * 3600).unwrap() };
        let body = r#"{"event":"update","tracking_number":"K1","items":[{"time":"2021-07-09 18:47:17","order_status_description":"Delivered","context":"x"}]}"#;
        let d = adapter.parse(body.as_bytes(), Utc::now()).unwrap();
        assert_eq!(d.events[0].occurred_at.to_rfc3339(), "2021-07-09T10:47:17+00:00");
    }

    #[test]
    fn item_codes_win_over_descriptions_and_expired_adds_an_event() {
        let body = r#"{"event":"expired","message":"No status update for 60 days","tracking_number":"K1","items":[{"time":"2021-07-09 18:47:17","order_status_code":6,"order_status_description":"Delivered","context":"x"}]}"#;
        let d = utc().parse(body.as_bytes(), Utc::now()).unwrap();
        assert_eq!(d.events[0].status, TrackingStatus::Returning);
        assert_eq!(d.events[1].status, TrackingStatus::Expired);
    }

    #[test]
    fn every_contract_code_maps_as_the_contract_says() {
        use TrackingStatus::*;
        for (codes, status) in [
            (&[0, 1, 7, 10, 11, 12][..], InTransit),
            (&[5], OutForDelivery),
            (&[3], Delivered),
            (&[2, 13, 14], Exception),
            (&[6], Returning),
            (&[4], Returned),
        ] {
            for code in codes {
                assert_eq!(map_code(*code).0, status, "{code}");
            }
        }
    }

    #[test]
    fn bad_item_times_name_the_item() {
        let body = r#"{"tracking_number":"K1","items":[{"time":"yesterday","context":"x"}]}"#;
        assert_eq!(utc().parse(body.as_bytes(), Utc::now()).unwrap_err().field, "items[0].time");
    }
}
