//! What each adapter file gives, beside its parser, to everything that posts as its carrier:
//! its fixtures, its demo journey, a stream of deliveries and one delivery more. The flow is
//! one way: adapter file → `PROFILE.samples` → `carriers::profiles()` → the demo
//! (`waybill-tools demo`), the disk measurement (`waybill-tools disk`), what scripts and the
//! browser tests are told (`waybill-tools env`), the fuzzers (`carriers::tests`) and the
//! integration tests. None of them keeps a list of carriers of its own, so a new carrier is
//! in all of them the moment its file exists in `src/carriers/`; the tests below fail for one whose
//! samples are missing, that its own adapter cannot read, or that would leave an English
//! carrier sentence on a Dutch page.
use super::{CarrierAdapter, CarrierProfile};
use chrono::{DateTime, Offset, Utc};
use serde_json::Value;

/// A body the carrier really posted, kept in `server/tests/fixtures/` and read into the
/// binary when it is built (`fixture!("name.json")`).
#[derive(Clone, Copy, Debug)]
pub struct Fixture {
    pub name: &'static str,
    pub body: &'static str,
}

impl Fixture {
    /// The body as JSON, to change a few fields of (a fixture that does not parse fails
    /// the fuzz tests, so `Null` is never what a caller gets in practice).
    pub fn json(&self) -> Value {
        serde_json::from_str(self.body).unwrap_or_default()
    }
}

/// One request of a demo journey: the JSON body (a multipart carrier's `form_data` field)
/// and whether the sample signature goes with it as its POD file.
#[derive(Clone, Debug, PartialEq)]
pub struct SamplePost {
    pub body: Value,
    pub pod: bool,
}

impl From<Value> for SamplePost {
    fn from(body: Value) -> Self {
        Self { body, pod: false }
    }
}

/// A carrier's sample deliveries; see the module's documentation for who reads them.
#[derive(Clone, Copy, Debug)]
pub struct Samples {
    /// Real bodies, for the adapter's unit tests and the fuzzers.
    pub fixtures: &'static [Fixture],
    /// The demo journey, with times after `start`: one or more parcels told the way the
    /// carrier tells them, so that a fresh install (and the browser tests) have pages to show.
    pub journey: fn(DateTime<Utc>) -> Vec<SamplePost>,
    /// The `n`th of a stream of realistic deliveries from `start` on, each a body of its own
    /// (none is answered as a duplicate): what `waybill-tools disk` writes.
    pub stream: fn(usize, DateTime<Utc>) -> Value,
    /// One delivery more for the parcel `number`, at `time`, adding one event to its
    /// timeline: what the browser tests post to an open share link (`waybill-tools env`).
    pub next: fn(&str, DateTime<Utc>) -> Value,
}

/// `minutes` after `start`, as carriers write times (RFC 3339, whole seconds, `Z`).
pub fn at(start: DateTime<Utc>, minutes: i64) -> String {
    (start + chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl CarrierProfile {
    /// Its adapter, reading times without a zone as UTC, as the samples are written.
    pub fn sample_adapter(&self) -> Box<dyn CarrierAdapter> {
        (self.adapter)(Utc.fix())
    }

    /// The tracking numbers its demo journey creates, in the order it first names them,
    /// found where its adapter finds them.
    pub fn demo_numbers(&self) -> Vec<String> {
        let adapter = self.sample_adapter();
        let mut numbers: Vec<String> = Vec::new();
        for post in (self.samples.journey)(Utc::now()) {
            if let Some(number) = adapter.identify(post.body.to_string().as_bytes()) {
                if !numbers.contains(&number) {
                    numbers.push(number);
                }
            }
        }
        numbers
    }

    /// A throw-away secret for a demo or test server, named after `label` (`e2e`,
    /// `page-weight`) so that each script's differ; made of letters, digits and dashes
    /// only (safe in a shell line and a query string), and always longer than the settings'
    /// minimum.
    pub fn demo_secret(&self, label: &str) -> String {
        format!("{label}-secret-for-{}", self.carrier)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{profiles, BodyFormat};
    use super::*;
    use crate::domain::{NormalizedDelivery, TrackingStatus};
    use crate::settings::CarrierSecrets;
    use std::collections::HashMap;

    /// Every body a carrier's samples make, each parsed by its own adapter (a sample that
    /// does not parse fails here, named).
    fn parsed(profile: &CarrierProfile) -> Vec<(String, NormalizedDelivery)> {
        let (carrier, samples, now) = (profile.carrier, profile.samples, Utc::now());
        let mut bodies: Vec<(String, String)> = samples.fixtures.iter().map(|f| (f.name.to_string(), f.body.to_string())).collect();
        bodies.extend((samples.journey)(now).iter().enumerate().map(|(i, post)| (format!("journey post {i}"), post.body.to_string())));
        bodies.extend((0..3).map(|n| (format!("stream delivery {n}"), (samples.stream)(n, now).to_string())));
        if let Some(number) = profile.demo_numbers().last() {
            bodies.push(("next delivery".to_string(), (samples.next)(number, now).to_string()));
        }
        let adapter = profile.sample_adapter();
        bodies
            .into_iter()
            .map(|(what, body)| {
                let delivery = adapter.parse(body.as_bytes(), now).unwrap_or_else(|e| panic!("{carrier}'s {what} does not parse: {e}"));
                assert_eq!(delivery.carrier, carrier, "{what}");
                (what, delivery)
            })
            .collect()
    }

    #[test]
    fn every_carrier_has_fixtures_a_journey_a_stream_and_a_next_delivery_its_adapter_reads() {
        for profile in profiles() {
            let (carrier, samples) = (profile.carrier, profile.samples);
            assert!(!samples.fixtures.is_empty(), "{carrier} names its fixtures in server/tests/fixtures");
            let journey = (samples.journey)(Utc::now());
            assert!(!journey.is_empty(), "{carrier} has a demo journey");
            assert!(journey.iter().all(|post| !post.pod || profile.body == BodyFormat::Multipart), "{carrier}: POD files go in multipart");
            let numbers = profile.demo_numbers();
            assert!(!numbers.is_empty(), "{carrier}'s demo journey names its parcels where its adapter looks");
            let next = parsed(profile).into_iter().find(|(what, _)| what == "next delivery").map(|(_, delivery)| delivery);
            let next = next.unwrap_or_else(|| panic!("{carrier} has a next delivery"));
            assert_eq!(next.tracking_number.as_str(), numbers[numbers.len() - 1], "{carrier}'s next delivery is for its last demo parcel");
            assert!(!next.events.is_empty(), "{carrier}'s next delivery adds an event");
            let distinct: std::collections::HashSet<String> = (0..50).map(|n| (samples.stream)(n, Utc::now()).to_string()).collect();
            assert_eq!(distinct.len(), 50, "{carrier}'s stream never repeats a delivery");
        }
    }

    #[test]
    fn every_status_a_carriers_samples_give_has_a_dutch_text() {
        // Dutch pages take the carrier's own Dutch text, else the shared table of substatuses
        // (app/src/localize.rs): a substatus missing from it would show a generic status there.
        for profile in profiles() {
            for (what, delivery) in parsed(profile) {
                for event in delivery.events.iter().filter(|e| e.status != TrackingStatus::Unknown) {
                    assert!(
                        event.texts.contains_key("nl") || app::localize::dutch_substatus(&event.substatus).is_some(),
                        "{}'s {what}: substatus {:?} has no Dutch text in app/src/localize.rs",
                        profile.carrier,
                        event.substatus
                    );
                }
            }
        }
    }

    #[test]
    fn every_carriers_demo_secret_is_accepted_by_the_settings_and_signs_as_its_profile_says() {
        let vars: HashMap<&str, String> = profiles().map(|p| (p.secret_variable, p.demo_secret("x"))).collect();
        let secrets = CarrierSecrets::from_lookup(&|name: &str| vars.get(name).cloned()).unwrap_or_else(|e| panic!("{e}"));
        for profile in profiles() {
            let secret = secrets.get(profile.carrier).unwrap_or_else(|| panic!("{} has a demo secret", profile.carrier));
            assert!(secret.current.expose().chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{}", profile.carrier);
            let credentials = profile.auth.credentials(secret.current.expose(), b"{}");
            assert!(!credentials.headers.is_empty() || credentials.query.is_some(), "{} signs its requests", profile.carrier);
        }
    }
}
