//! A parcel's transitions, worked out from its state before and after one delivery (pure):
//! what the outbox records and merchants are told. Each transition's id is derived from the
//! parcel and the state it reached, never from the state it left or from when it was
//! noticed, so the same transition gets the same id however often and in whatever order the
//! deliveries behind it arrive (replay, re-processing, a carrier's repeats):
//! - a status by its status, substatus and run: the run is how many times the parcel's
//!   timeline, in carrier-time order, has entered that status so far (the second "out for
//!   delivery" after a failed attempt is run 2, whichever of its scans came first; an event
//!   staff voided still counts, so "delivered" again after a voided one is told again);
//!   a status the parcel went back to, because staff voided the newer event, also by the
//!   status and time it went back from;
//! - an ETA by its value and the carrier time of the message it came from;
//! - a POD by its SHA-256.
//!
//! A late carrier event that does not become the current status changes no state, so it
//! gives no transition. What follows from that: deliveries arriving out of carrier-time
//! order can skip a transition the in-order journey would have had (a parcel first heard of
//! as delivered never tells "out for delivery"), and each one they do give is one of the
//! in-order journey's (`outbound_event_ids`, a property test). One exception: an ETA that a
//! newer message repeats unchanged is told under the newer message's time when that one
//! arrives first.
use app::carrier::Carrier;
use app::event_kind::EventKind;
use app::model::TrackingStatus;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// What the outbox compares of a parcel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParcelState {
    pub status: TrackingStatus,
    pub substatus: Option<String>,
    /// Carrier time of the event the status came from.
    pub status_at: Option<DateTime<Utc>>,
    pub eta: Option<DateTime<Utc>>,
    pub eta_from: Option<DateTime<Utc>>,
    pub eta_until: Option<DateTime<Utc>>,
    /// Carrier time of the message the ETA came from.
    pub eta_as_of: Option<DateTime<Utc>>,
}

/// A parcel nothing is known of yet.
impl Default for ParcelState {
    fn default() -> Self {
        Self {
            status: TrackingStatus::Unknown,
            substatus: None,
            status_at: None,
            eta: None,
            eta_from: None,
            eta_until: None,
            eta_as_of: None,
        }
    }
}

impl ParcelState {
    fn eta_fields(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        (self.eta, self.eta_from, self.eta_until)
    }
}

/// A proof of delivery the delivery added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedPod {
    pub id: String,
    pub sha256: String,
    pub content_type: String,
}

/// The parcel a transition is about.
#[derive(Clone, Copy, Debug)]
pub struct ParcelIdentity<'a> {
    pub carrier: Carrier,
    pub tracking_number: &'a str,
}

/// One transition, as the outbox stores it.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// `evt_` and 32 hex digits of SHA-256 over the parcel and the state reached.
    pub event_id: String,
    pub kind: EventKind,
    /// The event's `data`.
    pub data: Value,
}

/// The statuses `parcel.exception` tells of.
pub fn is_exception(status: TrackingStatus) -> bool {
    matches!(status, TrackingStatus::FailedAttempt | TrackingStatus::Exception | TrackingStatus::Returning)
}

/// Whether the status (or substatus) moved from `before` to `after`: then the caller finds
/// the run of the status reached (see the module's doc) for [`transitions`].
pub fn status_moved(before: &ParcelState, after: &ParcelState) -> bool {
    (before.status, &before.substatus) != (after.status, &after.substatus) && after.status != TrackingStatus::Unknown
}

/// Whether the status came back to one from an older event: staff voided the newer one it
/// had come from (a late carrier event never becomes the current status).
pub fn went_back(before: &ParcelState, after: &ParcelState) -> bool {
    matches!((before.status_at, after.status_at), (Some(was), Some(now)) if now < was)
}

/// The transitions from `before` to `after` (`run`: of the status reached, when it moved),
/// plus one per added POD (`received_at`: when the delivery that brought them arrived).
pub fn transitions(
    parcel: ParcelIdentity<'_>,
    before: &ParcelState,
    after: &ParcelState,
    run: u32,
    pods: &[AddedPod],
    received_at: DateTime<Utc>,
) -> Vec<Transition> {
    let mut out = Vec::new();
    if status_moved(before, after) {
        let mut reached = vec![after.status.as_str().to_string(), after.substatus.clone().unwrap_or_default(), run.to_string()];
        if went_back(before, after) {
            // Not the earlier arrival at this status, told already, but a step back from
            // the one undone.
            reached.extend(["back from".to_string(), before.status.as_str().to_string(), time_key(before.status_at)]);
        }
        let mut data = base(parcel, after, after.status_at.unwrap_or(received_at));
        data.insert("previous_status".into(), json!(before.status.as_str()));
        data.insert("previous_substatus".into(), json!(before.substatus));
        out.push(transition(parcel, EventKind::StatusChanged, &reached, data.clone()));
        if is_exception(after.status) {
            out.push(transition(parcel, EventKind::Exception, &reached, data.clone()));
        }
        if after.status == TrackingStatus::Delivered {
            out.push(transition(parcel, EventKind::Delivered, &reached, data));
        }
    }
    if before.eta_fields() != after.eta_fields() {
        let reached = [time_key(after.eta), time_key(after.eta_from), time_key(after.eta_until), time_key(after.eta_as_of)];
        let mut data = base(parcel, after, after.eta_as_of.unwrap_or(received_at));
        data.insert("previous_eta".into(), json!(before.eta.map(stamp)));
        data.insert("previous_eta_window".into(), window(before));
        out.push(transition(parcel, EventKind::EtaChanged, &reached, data));
    }
    for pod in pods {
        let mut data = base(parcel, after, received_at);
        data.insert("pod".into(), json!({ "id": pod.id, "sha256": pod.sha256, "content_type": pod.content_type }));
        out.push(transition(parcel, EventKind::PodAdded, &[pod.sha256.clone()], data));
    }
    out
}

/// The fields every parcel event's `data` has.
fn base(parcel: ParcelIdentity<'_>, state: &ParcelState, occurred_at: DateTime<Utc>) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("carrier".into(), json!(parcel.carrier.as_str()));
    data.insert("tracking_number".into(), json!(parcel.tracking_number));
    data.insert("status".into(), json!(state.status.as_str()));
    data.insert("substatus".into(), json!(state.substatus));
    data.insert("occurred_at".into(), json!(stamp(occurred_at)));
    data.insert("eta".into(), json!(state.eta.map(stamp)));
    data.insert("eta_window".into(), window(state));
    data
}

fn window(state: &ParcelState) -> Value {
    match (state.eta_from, state.eta_until) {
        (Some(from), Some(until)) => json!({ "from": stamp(from), "until": stamp(until) }),
        _ => Value::Null,
    }
}

fn transition(parcel: ParcelIdentity<'_>, kind: EventKind, reached: &[String], data: Map<String, Value>) -> Transition {
    Transition { event_id: event_id(parcel, kind, reached), kind, data: Value::Object(data) }
}

/// The stable id of `kind` reaching `reached` on `parcel`.
pub fn event_id(parcel: ParcelIdentity<'_>, kind: EventKind, reached: &[String]) -> String {
    let parts: Vec<&str> =
        [kind.as_str(), parcel.carrier.as_str(), parcel.tracking_number].into_iter().chain(reached.iter().map(String::as_str)).collect();
    stable_id(&parts)
}

/// `evt_` and 32 hex digits of SHA-256 over `parts`: the same parts, the same id.
pub fn stable_id(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        // A separator no part contains, so that ("ab", "c") and ("a", "bc") differ.
        hash.update([0x1f]);
    }
    format!("evt_{}", &hex::encode(hash.finalize())[..32])
}

/// RFC 3339 in UTC with milliseconds, as every timestamp Waybill sends.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn time_key(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true)).unwrap_or_default()
}

#[cfg(test)]
mod tests;
