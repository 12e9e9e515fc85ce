//! Carrier adapters: one file per carrier, each a pure function from the raw body bytes to
//! normalized events (no I/O), with its status mapping table beside it, and its `PROFILE`:
//! everything else about the carrier (name, paths, secret variable, authentication, reply,
//! how its adapter is made, and its sample deliveries). The build script (`server/build.rs`)
//! finds those files (each declares its `PROFILE`), so there is no list of them to keep;
//! every list of carriers is read from them (`profiles()`: router, settings, the tools'
//! demo and env, the fuzzers, the tests) or from the `Carrier` enum (`Carrier::ALL`: the
//! staff pages, carrier health, the disk tool); none keeps its own. Adding a carrier is its file
//! and its `Carrier` variant (docs/ADDING-A-CARRIER.md).
mod fields;
mod profile;
mod samples;
mod time;

pub use profile::{Auth, BodyFormat, CarrierProfile, ReplyFormat};
pub use samples::{Fixture, SamplePost, Samples};
pub use time::parse_carrier_time;

use crate::domain::{Carrier, NormalizedDelivery};
use chrono::{DateTime, FixedOffset, Utc};
use std::sync::Arc;

/// A fixture of `server/tests/fixtures/` by its file name, read into the binary when it is
/// built, so that a profile cannot name a file that is not there.
macro_rules! fixture {
    ($name:literal) => {
        $crate::carriers::Fixture { name: $name, body: include_str!(concat!("../../tests/fixtures/", $name)) }
    };
}

// Each adapter file as a module, and `ADAPTER_PROFILES`, their profiles (by file name).
include!(concat!(env!("OUT_DIR"), "/adapter_files.rs"));

/// How many carriers there are.
const CARRIERS: usize = Carrier::ALL.len();

/// The profiles in `Carrier`'s order; the build fails unless every carrier has exactly one
/// adapter file and every adapter file is a carrier's.
const PROFILES: [&CarrierProfile; CARRIERS] = {
    assert!(ADAPTER_PROFILES.len() == CARRIERS, "one adapter file (with its PROFILE) per Carrier variant");
    let mut ordered = [ADAPTER_PROFILES[0]; CARRIERS];
    let mut found = [false; CARRIERS];
    let mut i = 0;
    while i < CARRIERS {
        let at = ADAPTER_PROFILES[i].carrier.index();
        assert!(!found[at], "two adapter files name the same carrier");
        found[at] = true;
        ordered[at] = ADAPTER_PROFILES[i];
        i += 1;
    }
    ordered
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
mod tests;
