//! The requests the load driver sends: signed Uber courier pings, depot deliveries, and
//! plain GETs, each built for request number `n`.
use super::load::MakeRequest;
use super::under_test::{DEPOT_TOKEN, UBER_KEY};
use std::sync::Arc;

const UBER_SAMPLE: &str = include_str!("../../../server/tests/fixtures/uber-courier-update.json");

fn hmac_hex(key: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A signed Uber courier ping; every request is a new event of one of 1,000 deliveries.
/// The body is the sample with a few fields filled in per request, rendered from a template
/// made once, so that the load driver spends its (shared) CPU on sending, not on JSON.
pub fn uber_ping(base: String) -> MakeRequest {
    let template = uber_template();
    let start = chrono::Utc::now() - chrono::Duration::hours(2);
    let url = format!("{base}/webhooks/uber");
    Arc::new(move |client, n| {
        let delivery = format!("del_bench_{}", n % 1000);
        let at = (start + chrono::Duration::milliseconds(n as i64)).to_rfc3339();
        let lat = format!("{}", 52.0 + (n % 1000) as f64 / 10_000.0);
        let bytes = template.render(|slot| match slot {
            SLOT_EVENT => format!("\"evt_bench_{n}\""),
            SLOT_DELIVERY => format!("\"{delivery}\""),
            SLOT_CREATED => format!("\"{at}\""),
            _ => lat.clone(),
        });
        client.post(&url).header("content-type", "application/json").header("x-uber-signature", hmac_hex(UBER_KEY, &bytes)).body(bytes)
    })
}

/// The Uber sample with a slot for each field a ping fills in.
fn uber_template() -> Template {
    let mut sample: serde_json::Value = serde_json::from_str(UBER_SAMPLE).expect("the Uber sample is JSON");
    sample["id"] = SLOT_EVENT.into();
    sample["delivery_id"] = SLOT_DELIVERY.into();
    sample["created"] = SLOT_CREATED.into();
    sample["data"]["id"] = SLOT_DELIVERY.into();
    sample["data"]["courier"]["location"]["lat"] = SLOT_LAT.into();
    Template::new(&sample.to_string())
}

const SLOT_EVENT: &str = "@@event@@";
const SLOT_DELIVERY: &str = "@@delivery@@";
const SLOT_CREATED: &str = "@@created@@";
const SLOT_LAT: &str = "@@lat@@";

/// A JSON text cut at its slots: string values `"@@name@@"`, each replaced whole (quotes
/// included) by what `render` is given for it.
struct Template {
    pieces: Vec<(String, Option<&'static str>)>,
}

impl Template {
    fn new(text: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some((at, slot)) = [SLOT_EVENT, SLOT_DELIVERY, SLOT_CREATED, SLOT_LAT]
            .into_iter()
            .filter_map(|slot| rest.find(&format!("\"{slot}\"")).map(|at| (at, slot)))
            .min()
        {
            pieces.push((rest[..at].to_string(), Some(slot)));
            rest = &rest[at + slot.len() + 2..];
        }
        pieces.push((rest.to_string(), None));
        Self { pieces }
    }

    fn render(&self, value: impl Fn(&str) -> String) -> Vec<u8> {
        let mut out = String::with_capacity(self.pieces.iter().map(|p| p.0.len() + 32).sum());
        for (text, slot) in &self.pieces {
            out.push_str(text);
            if let Some(slot) = slot {
                out.push_str(&value(slot));
            }
        }
        out.into_bytes()
    }
}

/// A depot delivery (multipart, no file) for a new parcel each time.
pub fn depot_delivery(base: String) -> MakeRequest {
    Arc::new(move |client, n| {
        let form_data = serde_json::json!({
            "articleId": format!("BENCH-{n}"), "track_status": "In Transit", "track_datetime": "2025-10-08T10:00:00Z",
        });
        let form = reqwest::multipart::Form::new().text("form_data", form_data.to_string());
        client.post(format!("{base}/webhooks/depot")).bearer_auth(DEPOT_TOKEN).multipart(form)
    })
}

pub fn get(url: String) -> MakeRequest {
    Arc::new(move |client, _| client.get(&url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_uber_ping_is_the_sample_with_its_own_event_delivery_time_and_position() {
        let body = uber_template().render(|slot| match slot {
            SLOT_EVENT => "\"evt_7\"".into(),
            SLOT_DELIVERY => "\"del_7\"".into(),
            SLOT_CREATED => "\"2025-01-01T00:00:00+00:00\"".into(),
            _ => "52.5".into(),
        });
        let mut expected: serde_json::Value = serde_json::from_str(UBER_SAMPLE).unwrap();
        expected["id"] = "evt_7".into();
        expected["delivery_id"] = "del_7".into();
        expected["created"] = "2025-01-01T00:00:00+00:00".into();
        expected["data"]["id"] = "del_7".into();
        expected["data"]["courier"]["location"]["lat"] = 52.5.into();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap(), expected);
    }
}

/// A KeyDelivery update for `number` with `events` history items, oldest last.
pub fn keydelivery_history(number: &str, events: i64) -> serde_json::Value {
    let items: Vec<serde_json::Value> = (0..events)
        .rev()
        .map(|i| {
            let at = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).and_then(|d| d.and_hms_opt(8, 0, 0)).unwrap_or_default()
                + chrono::Duration::hours(i);
            let status = ["Accepted", "In transit", "In transit", "Out for delivery"][(i % 4) as usize];
            serde_json::json!({"context": format!("Scan {i} at sorting centre {}", i % 7), "time": at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "order_status_description": status, "area_name": "Rotterdam"})
        })
        .collect();
    serde_json::json!({"event": "update", "tracking_number": number, "items": items})
}
