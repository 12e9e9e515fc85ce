//! What staff record by hand, a manual event (a phone call, a depot scan), an uploaded
//! POD file or the void of a wrong event, goes through the same steps as a carrier's
//! delivery (parse → apply → archive with its outcome → public views, one transaction). It is archived as a raw delivery of origin `staff` (set by the staff
//! action, never by a header), so `waybill replay` rebuilds it like everything else and the
//! raw deliveries stay the one source of truth.
use crate::carriers::ParseError;
use crate::domain::{Carrier, EventVoid, NormalizedDelivery, NormalizedEvent, TrackingNumber, TrackingStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The content type staff work is archived with (for people reading the archive; the
/// parser is chosen by the row's origin).
pub const STAFF_CONTENT_TYPE: &str = "application/vnd.waybill.staff+json";

/// What the public timeline credits a manual event to, never a person.
pub const CUSTOMER_SERVICE: &str = "Customer service";

/// One piece of staff work on one parcel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffEntry {
    /// The staff member's email.
    pub recorded_by: String,
    pub tracking_number: String,
    /// A manual event; absent for a POD upload (the file travels with the raw delivery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<ManualEvent>,
    /// An event of the parcel taken off its timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void: Option<VoidedEvent>,
}

/// Which event staff voided, by its dedupe key (stable across replays, unlike row ids).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VoidedEvent {
    pub dedupe_key: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManualEvent {
    /// Unique per entry, so two identical phone notes are still two events.
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    pub status: TrackingStatus,
    /// For staff only (an entry archived before messages existed has only this).
    pub note: Option<String>,
    /// What the customer reads on the timeline, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl StaffEntry {
    /// The entry as a normalized delivery for `carrier`'s parcel.
    pub fn parse(carrier: Carrier, body: &[u8]) -> Result<NormalizedDelivery, ParseError> {
        let entry: StaffEntry = serde_json::from_slice(body).map_err(|e| ParseError::new("staff entry", e.to_string()))?;
        let number = TrackingNumber::parse(&entry.tracking_number).map_err(|e| ParseError::new("tracking_number", e.to_string()))?;
        let mut delivery = NormalizedDelivery::new(carrier, number);
        delivery.recorded_by = Some(entry.recorded_by.clone());
        if let Some(event) = entry.event {
            delivery.staff_note = event.note.filter(|n| !n.trim().is_empty());
            delivery.events.push(NormalizedEvent {
                occurred_at: event.occurred_at,
                status: event.status,
                substatus: "manual".into(),
                // Who recorded it, and the internal note, are on the event row for staff;
                // customers are told only that customer service recorded it.
                raw_status: CUSTOMER_SERVICE.into(),
                description: event.message.filter(|n| !n.trim().is_empty()),
                location: None,
                texts: Default::default(),
                dedupe_key: format!("manual:{}", event.id),
            });
        }
        if let Some(void) = entry.void {
            delivery.voids.push(EventVoid { dedupe_key: void.dedupe_key, reason: void.reason });
        }
        Ok(delivery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_event_becomes_one_event_recorded_by_its_author() {
        let entry = StaffEntry {
            recorded_by: "ops@example.com".into(),
            tracking_number: "WB-1".into(),
            event: Some(ManualEvent {
                id: "e1".into(),
                occurred_at: "2026-11-23T10:00:00Z".parse().unwrap(),
                status: TrackingStatus::FailedAttempt,
                note: Some("customer called: not home".into()),
                message: Some("We will try again tomorrow".into()),
            }),
            void: None,
        };
        let body = serde_json::to_vec(&entry).unwrap();
        let delivery = StaffEntry::parse(Carrier::Depot, &body).unwrap();
        assert_eq!(delivery.recorded_by.as_deref(), Some("ops@example.com"));
        assert_eq!(delivery.events.len(), 1);
        assert_eq!(delivery.events[0].status, TrackingStatus::FailedAttempt);
        assert_eq!(delivery.events[0].dedupe_key, "manual:e1");
        assert!(!delivery.events[0].raw_status.contains("ops@example.com"), "no staff name in what customers see");
        assert_eq!(delivery.events[0].description.as_deref(), Some("We will try again tomorrow"), "the message is public");
        assert_eq!(delivery.staff_note.as_deref(), Some("customer called: not home"), "the note is for staff");
        assert!(StaffEntry::parse(Carrier::Depot, b"{}").is_err());
    }
}
