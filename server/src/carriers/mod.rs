//! Carrier adapters: one file per carrier, each a pure function from the raw body bytes to
//! normalized events (no I/O), with its status mapping table beside it, and its `PROFILE`:
//! everything else about the carrier (name, paths, secret variable, authentication, reply,
//! and how its adapter is made). `adapter_files!` below is the one list of those files;
//! adding a carrier is its file, its line there and its `Carrier` variant
//! (docs/ADDING-A-CARRIER.md).
mod fields;
mod profile;
mod time;

pub use profile::{Auth, BodyFormat, CarrierProfile, ReplyFormat};
pub use time::parse_carrier_time;

use crate::domain::{Carrier, NormalizedDelivery};
use chrono::{DateTime, FixedOffset, Utc};
use std::sync::Arc;

/// Declares each adapter file as a module and lists its `PROFILE`, in `Carrier`'s order;
/// the assertion below fails the build when the list and the enum disagree.
macro_rules! adapter_files {
    ($($file:ident),* $(,)?) => {
        $(mod $file;)*
        const PROFILES: &[&CarrierProfile] = &[$(&$file::PROFILE),*];
    };
}

adapter_files!(deliverect, uber, depot, peddler, keydelivery);

const _: () = {
    assert!(PROFILES.len() == Carrier::ALL.len(), "every carrier has one line in adapter_files!");
    let mut i = 0;
    while i < PROFILES.len() {
        assert!(PROFILES[i].carrier.index() == i, "adapter_files! lists the carriers in Carrier's order");
        i += 1;
    }
};

/// Everything about `carrier` besides its mapping, from its adapter file.
pub fn profile(carrier: Carrier) -> &'static CarrierProfile {
    // In bounds and the carrier's own: checked when the crate is built (above).
    PROFILES[carrier.index()]
}

/// Every carrier's profile, in `Carrier::ALL`'s order.
pub fn profiles() -> impl Iterator<Item = &'static CarrierProfile> {
    PROFILES.iter().copied()
}

/// Why a body could not be turned into events: which field, and what is wrong with it.
/// Its text is shown to the carrier in the `400` reply and to staff in the quarantine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ParseError {
    pub field: String,
    pub reason: String,
}

impl ParseError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }
}

/// Turns one carrier's webhook body into normalized events. `received_at` is when the
/// delivery arrived, for the rare fact that carries no time of its own (KeyDelivery's
/// `expired`); replays pass the original arrival time, so parsing stays deterministic.
pub trait CarrierAdapter: Send + Sync {
    fn carrier(&self) -> Carrier;
    fn parse(&self, body: &[u8], received_at: DateTime<Utc>) -> Result<NormalizedDelivery, ParseError>;

    /// The tracking number of a body that does not parse, when it can still be found, so a
    /// quarantined delivery can be tied to its parcel. Where the number is, as a path of
    /// JSON keys.
    fn identifier_path(&self) -> &'static [&'static str];

    fn identify(&self, body: &[u8]) -> Option<String> {
        fields::identifier_at(body, self.identifier_path())
    }
}

/// One adapter per carrier, made once at start-up by each profile's `adapter`, in
/// `Carrier::ALL`'s order.
#[derive(Clone)]
pub struct Adapters {
    by_carrier: Arc<[Box<dyn CarrierAdapter>]>,
    zoneless_offset: FixedOffset,
    max_future_skew: Option<chrono::Duration>,
}

impl Adapters {
    /// `zoneless_offset` is the zone of carrier times that name none (KeyDelivery's item
    /// times, `WAYBILL_KEYDELIVERY_TIME_OFFSET`).
    pub fn new(zoneless_offset: FixedOffset) -> Self {
        let by_carrier = PROFILES.iter().map(|p| (p.adapter)(zoneless_offset)).collect();
        Self { by_carrier, zoneless_offset, max_future_skew: None }
    }

    /// Event times further than `skew` after arrival are refused (see [`Self::check_times`]).
    /// `None` turns the check off (the default).
    pub fn with_max_future_skew(mut self, skew: Option<std::time::Duration>) -> Self {
        self.max_future_skew = skew.map(|s| chrono::Duration::from_std(s).unwrap_or(chrono::Duration::MAX));
        self
    }

    /// A carrier's event cannot happen after its webhook arrives. One that claims to is a
    /// wrong clock or a wrong time zone (KeyDelivery's zoneless times with the wrong
    /// `WAYBILL_KEYDELIVERY_TIME_OFFSET`): taking it would pin the parcel's status for hours,
    /// so the delivery goes to the quarantine, to be re-processed once the setting is fixed.
    pub fn check_times(&self, delivery: &NormalizedDelivery, received_at: DateTime<Utc>) -> Result<(), ParseError> {
        let Some(skew) = self.max_future_skew else { return Ok(()) };
        let limit = received_at + skew;
        match delivery.events.iter().find(|e| e.occurred_at > limit) {
            Some(event) => Err(ParseError::new(
                "time",
                format!(
                    "event time {} is {} minutes after the delivery arrived; check the carrier's clock or time zone setting",
                    event.occurred_at.to_rfc3339(),
                    (event.occurred_at - received_at).num_minutes()
                ),
            )),
            None => Ok(()),
        }
    }

    pub fn get(&self, carrier: Carrier) -> &dyn CarrierAdapter {
        // One per profile, so in bounds (see `profile`).
        self.by_carrier[carrier.index()].as_ref()
    }
}

impl std::fmt::Debug for Adapters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adapters").field("zoneless_offset", &self.zoneless_offset).field("max_future_skew", &self.max_future_skew).finish()
    }
}

/// Turns a carrier's status text into a stable snake_case key (`"RTS- Return to Sender"`
/// becomes `rts_return_to_sender`), for matching and as a fallback substatus.
pub fn snake_key(raw: &str) -> String {
    let mut key = String::with_capacity(raw.len());
    for c in raw.trim().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    while key.ends_with('_') {
        key.pop();
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn adapters() -> Adapters {
        Adapters::new(FixedOffset::east_opt(0).unwrap())
    }

    #[test]
    fn every_carrier_has_its_own_profile_paths_and_secret_variable() {
        let mut paths = std::collections::HashSet::new();
        let mut variables = std::collections::HashSet::new();
        for carrier in Carrier::ALL.iter().copied() {
            let profile = profile(carrier);
            assert_eq!(profile.carrier, carrier, "{carrier}'s profile is its own");
            assert_eq!(adapters().get(carrier).carrier(), carrier, "{carrier}'s adapter is its own");
            assert!(!profile.paths.is_empty() && profile.paths.iter().all(|p| p.starts_with('/') && paths.insert(*p)), "{carrier}");
            assert!(profile.secret_variable.starts_with("WAYBILL_") && variables.insert(profile.secret_variable), "{carrier}");
            assert_eq!(profile.previous_secret_variable, format!("{}_PREVIOUS", profile.secret_variable));
        }
        assert_eq!(profile(Carrier::Keydelivery).name, "KeyDelivery");
    }

    const FIXTURES: [(Carrier, &str); 5] = [
        (Carrier::Deliverect, include_str!("../../tests/fixtures/deliverect-courier-update.json")),
        (Carrier::Uber, include_str!("../../tests/fixtures/uber-courier-update.json")),
        (Carrier::Depot, include_str!("../../tests/fixtures/depot-delivered.form_data.json")),
        (Carrier::Peddler, include_str!("../../tests/fixtures/peddler-failed-attempt.json")),
        (Carrier::Keydelivery, include_str!("../../tests/fixtures/keydelivery-completed.json")),
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic_any_adapter(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
            for carrier in Carrier::ALL.iter().copied() {
                let _ = adapters().get(carrier).parse(&body, Utc::now());
            }
        }

        #[test]
        fn fixtures_with_one_byte_changed_never_panic(index in 0usize..4096, byte in any::<u8>(), which in 0usize..5) {
            let (carrier, text) = FIXTURES[which];
            let mut body = text.as_bytes().to_vec();
            let i = index % body.len();
            body[i] = byte;
            let _ = adapters().get(carrier).parse(&body, Utc::now());
        }

        #[test]
        fn fixture_fields_replaced_by_any_json_value_never_panic(which in 0usize..5, field in 0usize..64, value in any_json()) {
            let (carrier, text) = FIXTURES[which];
            let mut json: serde_json::Value = serde_json::from_str(text).unwrap();
            if let Some(obj) = json.as_object_mut() {
                let keys: Vec<String> = obj.keys().cloned().collect();
                let key = &keys[field % keys.len()];
                obj.insert(key.clone(), value);
            }
            let _ = adapters().get(carrier).parse(json.to_string().as_bytes(), Utc::now());
        }
    }

    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(|f| serde_json::json!(f)),
            ".{0,40}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
        let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for carrier in Carrier::ALL.iter().copied() {
            assert!(adapters().get(carrier).parse(body.as_bytes(), Utc::now()).is_err());
        }
    }

    #[test]
    fn status_text_becomes_a_snake_case_key() {
        assert_eq!(snake_key("RTS- Return to Sender"), "rts_return_to_sender");
        assert_eq!(snake_key("  Received in   Depo "), "received_in_depo");
        assert_eq!(snake_key("--"), "");
    }
}
