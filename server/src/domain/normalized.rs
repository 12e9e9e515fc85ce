//! What a carrier adapter produces from one delivery: carrier-neutral facts about one
//! parcel. Every fact carries the carrier's time, so applying deliveries in any order
//! gives the same parcel.
use super::{Carrier, TrackingNumber, TrackingStatus};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A carrier's own wording of an event in one language (shared with the pages).
pub use app::model::EventText as LocalizedText;

/// One event in Waybill's vocabulary, still carrying the carrier's own words.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NormalizedEvent {
    /// The carrier's time for the event; orders the timeline and picks the current status.
    pub occurred_at: DateTime<Utc>,
    pub status: TrackingStatus,
    pub substatus: String,
    pub raw_status: String,
    pub description: Option<String>,
    pub location: Option<String>,
    /// Texts by language code (`en`, `nl`), when the carrier sends several.
    pub texts: BTreeMap<String, LocalizedText>,
    /// Same key, same event. When one key arrives with different times (a status seen in
    /// several messages), the earliest time is kept.
    pub dedupe_key: String,
}

/// A new estimated delivery time, as of the carrier time of the message that gave it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EtaUpdate {
    pub eta: DateTime<Utc>,
    /// The window around it (start, end), when the carrier gives one.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub as_of: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Position {
    pub lat: f64,
    pub lng: f64,
}

/// What the customer may know of the courier: first name and initial, vehicle, position.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CourierUpdate {
    pub name: Option<String>,
    pub vehicle: Option<String>,
    pub position: Option<Position>,
    pub as_of: DateTime<Utc>,
}

/// Where the journey starts and ends, for the courier map.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct RoutePoints {
    pub pickup: Option<Position>,
    pub dropoff: Option<Position>,
}

/// Proof of delivery the carrier keeps: an image URL, or a value such as a barcode.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RemotePod {
    /// `photo`, `signature`, `barcode` or `pin`.
    pub kind: &'static str,
    pub url: Option<String>,
    pub value: Option<String>,
}

/// Everything one delivery says about one parcel.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NormalizedDelivery {
    pub carrier: Carrier,
    pub tracking_number: TrackingNumber,
    /// Other references that also find the parcel.
    pub references: Vec<String>,
    pub events: Vec<NormalizedEvent>,
    pub eta: Option<EtaUpdate>,
    pub courier: Option<CourierUpdate>,
    pub route: Option<RoutePoints>,
    pub remote_pods: Vec<RemotePod>,
    /// The staff member behind a manual event or an uploaded file; `None` for carriers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// What staff wrote about their manual event for each other (staff pages only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_note: Option<String>,
    /// Events of this parcel that staff voided (by dedupe key); only staff work has them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub voids: Vec<EventVoid>,
}

/// One event taken off a parcel's timeline by staff: it stays stored (struck through on the
/// staff pages) but no longer sets the status and is not shown to customers.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EventVoid {
    pub dedupe_key: String,
    pub reason: Option<String>,
}

impl NormalizedDelivery {
    /// A delivery with nothing but an identity; adapters fill in what they have.
    pub fn new(carrier: Carrier, tracking_number: TrackingNumber) -> Self {
        Self {
            carrier,
            tracking_number,
            references: Vec::new(),
            events: Vec::new(),
            eta: None,
            courier: None,
            route: None,
            remote_pods: Vec::new(),
            recorded_by: None,
            staff_note: None,
            voids: Vec::new(),
        }
    }
}

/// "Sam" + "Jansen" → "Sam J."; the rest of the surname is never kept.
pub fn first_name_and_initial(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let first = first.map(str::trim).filter(|f| !f.is_empty())?;
    let first = first.split_whitespace().next().unwrap_or(first);
    match last.and_then(|l| l.trim().chars().next()) {
        Some(initial) => Some(format!("{first} {}.", initial.to_uppercase())),
        None => Some(first.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::first_name_and_initial;

    #[test]
    fn only_the_first_name_and_the_initial_of_the_surname_are_kept() {
        assert_eq!(first_name_and_initial(Some("Sam"), Some("jansen")).as_deref(), Some("Sam J."));
        assert_eq!(first_name_and_initial(Some(" Anna Maria "), None).as_deref(), Some("Anna"));
        assert_eq!(first_name_and_initial(Some(""), Some("X")), None);
    }
}
