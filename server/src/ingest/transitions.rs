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
use crate::outbox::payload::{EtaData, EtaWindow, ParcelFacts, PodData, PodRef, StatusData};
use crate::outbox::{event_id, ParcelIdentity, Payload};
use app::model::TrackingStatus;
use chrono::{DateTime, SecondsFormat, Utc};

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

/// One transition, as the outbox stores it.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// `evt_` and 32 hex digits of SHA-256 over the parcel and the state reached.
    pub event_id: String,
    pub payload: Payload,
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
        let data = StatusData {
            parcel: facts(parcel, after, after.status_at.unwrap_or(received_at)),
            previous_status: before.status,
            previous_substatus: before.substatus.clone(),
        };
        out.push(transition(parcel, &reached, Payload::StatusChanged(data.clone())));
        if is_exception(after.status) {
            out.push(transition(parcel, &reached, Payload::Exception(data.clone())));
        }
        if after.status == TrackingStatus::Delivered {
            out.push(transition(parcel, &reached, Payload::Delivered(data)));
        }
    }
    if before.eta_fields() != after.eta_fields() {
        let reached = [time_key(after.eta), time_key(after.eta_from), time_key(after.eta_until), time_key(after.eta_as_of)];
        let data = EtaData {
            parcel: facts(parcel, after, after.eta_as_of.unwrap_or(received_at)),
            previous_eta: before.eta,
            previous_eta_window: window(before),
        };
        out.push(transition(parcel, &reached, Payload::EtaChanged(data)));
    }
    for pod in pods {
        let data = PodData {
            parcel: facts(parcel, after, received_at),
            pod: PodRef { id: pod.id.clone(), sha256: pod.sha256.clone(), content_type: pod.content_type.clone() },
        };
        out.push(transition(parcel, &[pod.sha256.clone()], Payload::PodAdded(data)));
    }
    out
}

/// What every parcel event says of the parcel.
fn facts(parcel: ParcelIdentity<'_>, state: &ParcelState, occurred_at: DateTime<Utc>) -> ParcelFacts {
    ParcelFacts {
        carrier: parcel.carrier,
        tracking_number: parcel.tracking_number.to_string(),
        status: state.status,
        substatus: state.substatus.clone(),
        occurred_at,
        eta: state.eta,
        eta_window: window(state),
    }
}

fn window(state: &ParcelState) -> Option<EtaWindow> {
    match (state.eta_from, state.eta_until) {
        (Some(from), Some(until)) => Some(EtaWindow { from, until }),
        _ => None,
    }
}

fn transition(parcel: ParcelIdentity<'_>, reached: &[String], payload: Payload) -> Transition {
    Transition { event_id: event_id(parcel, payload.kind(), reached), payload }
}

fn time_key(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true)).unwrap_or_default()
}

#[cfg(test)]
mod tests;
