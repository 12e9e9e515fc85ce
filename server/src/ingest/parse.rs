//! The parse step shared by live ingest, re-processing and replay: the carrier's adapter
//! (or the staff entry format, for staff work), then what every delivery goes through
//! before it is written: its text made storable, and the clock check.
use super::staff_entry::StaffEntry;
use crate::carriers::{Adapters, ParseError};
use crate::domain::{Carrier, NormalizedDelivery, Origin};
use chrono::{DateTime, Utc};

/// Parses one archived or arriving body. `origin` (set by the route that took the
/// delivery, never by a header) chooses the parser; `received_at` is the original arrival
/// time, so replays parse the same way.
pub fn parse_delivery(
    adapters: &Adapters,
    carrier: Carrier,
    origin: Origin,
    body: &[u8],
    received_at: DateTime<Utc>,
) -> Result<NormalizedDelivery, ParseError> {
    let mut delivery = match origin {
        Origin::Staff => StaffEntry::parse(carrier, body)?,
        Origin::Carrier => adapters.get(carrier).parse(body, received_at)?,
    };
    delivery.make_storable();
    adapters.check_times(&delivery, received_at)?;
    Ok(delivery)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    #[test]
    fn an_event_hours_after_arrival_is_refused_naming_the_time() {
        let body =
            br#"{"id":"x1","carrierTrackingNumber":"P123456789012345678","status":"DELIVERED","ts":"2026-11-23T20:00:00Z","code":410}"#;
        let adapters = Adapters::new(FixedOffset::east_opt(0).unwrap()).with_max_future_skew(Some(std::time::Duration::from_secs(3600)));
        let arrived: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let parsed = adapters.get(Carrier::Peddler).parse(body, arrived);
        if parsed.is_ok() {
            let err = parse_delivery(&adapters, Carrier::Peddler, Origin::Carrier, body, arrived).unwrap_err();
            assert_eq!(err.field, "time");
            assert!(err.reason.contains("600 minutes after"), "{}", err.reason);
            let later: DateTime<Utc> = "2026-11-23T19:30:00Z".parse().unwrap();
            assert!(parse_delivery(&adapters, Carrier::Peddler, Origin::Carrier, body, later).is_ok());
            let unchecked = Adapters::new(FixedOffset::east_opt(0).unwrap());
            assert!(parse_delivery(&unchecked, Carrier::Peddler, Origin::Carrier, body, arrived).is_ok(), "off unless configured");
        } else {
            panic!("the sample Peddler body should parse: {parsed:?}");
        }
    }
}
