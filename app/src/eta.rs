//! What the page says about when a parcel arrives, from the stored estimate and the
//! timeline:
//! - after delivery: "Delivered at …" (the delivering event's carrier time), never
//!   "Expected";
//! - a parcel that ended otherwise (returned, canceled, expired): nothing;
//! - otherwise the newest estimate by carrier time (the write path keeps only that one),
//!   unless it is older than the latest event: a window from before the parcel last moved
//!   is stale (Uber's demo window of 2023 beside events of today), so it is dropped, and a
//!   point estimate too;
//! - without an estimate: say so.
//!
//! And whether the parcel has gone quiet: no event for longer than the configured spell,
//! while the journey has not ended.
use crate::model::{ParcelView, TrackingStatus};
use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    Delivered {
        at: DateTime<Utc>,
    },
    Expected {
        eta: DateTime<Utc>,
        window: Option<(DateTime<Utc>, DateTime<Utc>)>,
        late: bool,
    },
    NoEstimate,
    /// Returned, canceled or expired: no arrival to speak of.
    Ended,
}

impl ParcelView {
    /// What to say about the arrival, as of `now`.
    pub fn arrival(&self, now: DateTime<Utc>) -> Arrival {
        match self.status {
            TrackingStatus::Delivered => return Arrival::Delivered { at: self.delivered_at.unwrap_or(self.updated_at) },
            TrackingStatus::Returned | TrackingStatus::Canceled | TrackingStatus::Expired => return Arrival::Ended,
            _ => {}
        }
        let latest = self.updated_at;
        let window = self.eta_window.filter(|(_, until)| *until >= latest);
        match self.eta.filter(|eta| *eta >= latest || window.is_some()) {
            Some(eta) => {
                let end = window.map(|(_, until)| until).unwrap_or(eta);
                Arrival::Expected { eta, window, late: end < now }
            }
            None => Arrival::NoEstimate,
        }
    }

    /// Whole days since the newest event (or the last change, without events), when more
    /// than `after_days` and the journey is still under way.
    pub fn quiet_days(&self, now: DateTime<Utc>, after_days: u32) -> Option<u32> {
        use TrackingStatus::*;
        if matches!(self.status, Delivered | Returned | Canceled | Expired) {
            return None;
        }
        let newest = self.events.iter().map(|e| e.occurred_at).max().unwrap_or(self.updated_at);
        let days = u32::try_from((now - newest).num_days()).ok()?;
        (days > after_days).then_some(days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn parcel(status: TrackingStatus, eta: Option<&str>, window: Option<(&str, &str)>, updated: &str) -> ParcelView {
        ParcelView {
            carrier: crate::carrier::Carrier::Uber,
            carrier_name: String::new(),
            tracking_number: "T1".into(),
            status,
            substatus: None,
            eta: eta.map(at),
            eta_window: window.map(|(a, b)| (at(a), at(b))),
            updated_at: at(updated),
            late: false,
            quiet_days: None,
            delivered_at: (status == TrackingStatus::Delivered).then(|| at(updated)),
            events: Vec::new(),
            hidden_events: 0,
        }
    }

    const NOW: &str = "2026-12-01T12:00:00Z";

    #[test]
    fn a_window_older_than_the_latest_event_is_dropped_and_the_estimate_kept() {
        // Uber's demo: the estimate says today, its window is from 2023.
        let p = parcel(
            TrackingStatus::OutForDelivery,
            Some("2026-12-01T12:30:00Z"),
            Some(("2023-07-06T05:06:02Z", "2023-07-06T05:56:08Z")),
            "2026-12-01T11:00:00Z",
        );
        assert_eq!(p.arrival(at(NOW)), Arrival::Expected { eta: at("2026-12-01T12:30:00Z"), window: None, late: false });
    }

    #[test]
    fn an_estimate_older_than_the_latest_event_says_there_is_none() {
        let p = parcel(TrackingStatus::InTransit, Some("2023-07-06T05:20:00Z"), None, "2026-12-01T11:00:00Z");
        assert_eq!(p.arrival(at(NOW)), Arrival::NoEstimate);
        assert_eq!(parcel(TrackingStatus::InTransit, None, None, "2026-12-01T11:00:00Z").arrival(at(NOW)), Arrival::NoEstimate);
    }

    #[test]
    fn a_delivered_parcel_says_when_not_expected() {
        let p = parcel(TrackingStatus::Delivered, Some("2024-03-11T12:35:00Z"), None, "2024-03-11T12:40:00Z");
        assert_eq!(p.arrival(at(NOW)), Arrival::Delivered { at: at("2024-03-11T12:40:00Z") });
        assert_eq!(
            parcel(TrackingStatus::Returned, Some("2030-01-01T00:00:00Z"), None, "2026-12-01T11:00:00Z").arrival(at(NOW)),
            Arrival::Ended
        );
    }

    #[test]
    fn late_means_the_window_or_estimate_has_passed() {
        let within = parcel(
            TrackingStatus::OutForDelivery,
            Some("2026-12-01T11:30:00Z"),
            Some(("2026-12-01T11:00:00Z", "2026-12-01T13:00:00Z")),
            "2026-12-01T10:00:00Z",
        );
        assert!(matches!(within.arrival(at(NOW)), Arrival::Expected { late: false, .. }), "the window is still open");
        let passed = parcel(TrackingStatus::OutForDelivery, Some("2026-12-01T11:30:00Z"), None, "2026-12-01T10:00:00Z");
        assert!(matches!(passed.arrival(at(NOW)), Arrival::Expected { late: true, .. }));
    }

    #[test]
    fn a_parcel_is_quiet_after_the_spell_unless_its_journey_ended() {
        let p = parcel(TrackingStatus::InTransit, None, None, "2026-11-01T09:00:00Z");
        assert_eq!(p.quiet_days(at("2026-11-08T10:00:00Z"), 7), None, "seven days is not more than seven");
        assert_eq!(p.quiet_days(at("2026-11-09T10:00:00Z"), 7), Some(8));
        let delivered = parcel(TrackingStatus::Delivered, None, None, "2026-01-01T09:00:00Z");
        assert_eq!(delivered.quiet_days(at("2026-11-09T10:00:00Z"), 7), None);
    }
}
