//! Types shared by the server and the browser: the normalized status vocabulary (CONTRACT §3)
//! and the read models the tracking pages render.
use chrono::{DateTime, Utc};
#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The carrier-neutral status of a parcel or of one tracking event (CONTRACT §3).
/// Stored in `parcel.status` and `tracking_event.status` in the same spelling (the server
/// derives sea-orm's `ActiveEnum` here, behind `ssr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::None)", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
pub enum TrackingStatus {
    InfoReceived,
    InTransit,
    OutForDelivery,
    FailedAttempt,
    Delivered,
    AvailableForPickup,
    Exception,
    Returning,
    Returned,
    Canceled,
    Expired,
    Unknown,
}

impl std::fmt::Display for TrackingStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TrackingStatus {
    pub const ALL: [TrackingStatus; 12] = [
        Self::InfoReceived,
        Self::InTransit,
        Self::OutForDelivery,
        Self::FailedAttempt,
        Self::Delivered,
        Self::AvailableForPickup,
        Self::Exception,
        Self::Returning,
        Self::Returned,
        Self::Canceled,
        Self::Expired,
        Self::Unknown,
    ];

    /// The wire and database spelling, e.g. `out_for_delivery`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InfoReceived => "info_received",
            Self::InTransit => "in_transit",
            Self::OutForDelivery => "out_for_delivery",
            Self::FailedAttempt => "failed_attempt",
            Self::Delivered => "delivered",
            Self::AvailableForPickup => "available_for_pickup",
            Self::Exception => "exception",
            Self::Returning => "returning",
            Self::Returned => "returned",
            Self::Canceled => "canceled",
            Self::Expired => "expired",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Where this status sits in a journey. Events with the same carrier time are ordered
    /// by it, so that a tie goes to the later step (CONTRACT §2).
    pub fn step_rank(self) -> i32 {
        match self {
            Self::Unknown => 0,
            Self::InfoReceived => 10,
            Self::InTransit => 20,
            Self::OutForDelivery => 30,
            Self::FailedAttempt => 40,
            Self::Exception => 45,
            Self::AvailableForPickup => 50,
            Self::Delivered => 60,
            Self::Returning => 70,
            Self::Returned => 80,
            Self::Canceled => 90,
            Self::Expired => 95,
        }
    }

    /// Text for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::InfoReceived => "Order information received",
            Self::InTransit => "In transit",
            Self::OutForDelivery => "Out for delivery",
            Self::FailedAttempt => "Delivery attempt failed",
            Self::Delivered => "Delivered",
            Self::AvailableForPickup => "Ready for pickup",
            Self::Exception => "Delivery problem",
            Self::Returning => "Returning to sender",
            Self::Returned => "Returned to sender",
            Self::Canceled => "Canceled",
            Self::Expired => "Tracking expired",
            Self::Unknown => "Status update",
        }
    }
}

/// One event on a parcel's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub occurred_at: DateTime<Utc>,
    /// The calendar day of `occurred_at` in the brand's zone, set by the server for the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<chrono::NaiveDate>,
    pub status: TrackingStatus,
    pub substatus: String,
    pub raw_status: String,
    pub description: Option<String>,
    pub location: Option<String>,
    /// The carrier's own texts by language code, when it sends several (Peddler).
    #[serde(default)]
    pub texts: BTreeMap<String, EventText>,
}

/// A carrier's wording of an event in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventText {
    pub headline: Option<String>,
    pub description: Option<String>,
}

/// What the public page may show of a parcel: no personal data, no POD.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParcelView {
    pub carrier: crate::carrier::Carrier,
    /// The carrier as it spells itself ("KeyDelivery"), from its profile on the server.
    #[serde(default)]
    pub carrier_name: String,
    pub tracking_number: String,
    pub status: TrackingStatus,
    pub substatus: Option<String>,
    pub eta: Option<DateTime<Utc>>,
    /// The delivery window (start, end), when the carrier gives one.
    #[serde(default)]
    pub eta_window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub updated_at: DateTime<Utc>,
    /// The ETA has passed and the parcel is not delivered yet (see `crate::eta`).
    #[serde(default)]
    pub late: bool,
    /// Days since the newest event, when that is longer than the configured quiet spell
    /// (`WAYBILL_QUIET_AFTER_DAYS`) and the journey has not ended.
    #[serde(default)]
    pub quiet_days: Option<u32>,
    /// The carrier time of the event that delivered it, once delivered.
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
    /// Newest first.
    pub events: Vec<EventView>,
    /// Older events left out of a long timeline (the page links to the full one).
    #[serde(default)]
    pub hidden_events: usize,
}

impl ParcelView {
    /// Keeps the newest `keep` events; the rest are counted in `hidden_events`.
    pub fn truncate_timeline(&mut self, keep: usize) {
        if self.events.len() > keep {
            self.hidden_events += self.events.len() - keep;
            self.events.truncate(keep);
        }
    }
}

/// How many events a page shows before offering the whole history.
pub const PAGE_EVENTS: usize = 50;

/// What `/track/{n}` renders: the parcels and the language to render them in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackingPageData {
    pub lang: crate::lang::Lang,
    pub parcels: Vec<ParcelView>,
    /// No parcel yet, but deliveries for this number are waiting in the quarantine.
    #[serde(default)]
    pub unreadable_updates: bool,
}

/// What `/t/{token}` renders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharePageData {
    pub lang: crate::lang::Lang,
    pub shared: Option<SharedParcelView>,
    /// Whether the page offers updates by mail (the server has an SMTP server).
    pub mail_updates: bool,
}

/// One proof-of-delivery file as the share link lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodView {
    pub id: String,
    /// `photo`, `signature`, `document`, `barcode` or `pin`.
    pub kind: String,
    pub content_type: String,
    pub bytes: i64,
    // No SHA-256: the evidence's hash is for staff, and nothing of it goes into a customer's page.
    pub created_at: DateTime<Utc>,
    /// Where the browser fetches it: Waybill's route (valid with the share token only), or
    /// the carrier's own URL for proof the carrier keeps. `None` for values.
    pub url: Option<String>,
    /// A barcode or PIN, for proof that is a value rather than a file.
    pub value: Option<String>,
}

impl PodView {
    pub fn is_image(&self) -> bool {
        self.url.is_some() && self.content_type.starts_with("image/")
    }
}

/// The courier as the share link shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourierView {
    /// First name and initial only.
    pub name: Option<String>,
    pub vehicle: Option<String>,
    /// Last known position; hidden once the parcel is delivered.
    pub position: Option<(f64, f64)>,
    pub position_at: Option<DateTime<Utc>>,
    /// Recent positions, oldest first (empty once delivered).
    #[serde(default)]
    pub trail: Vec<(f64, f64)>,
    pub pickup: Option<(f64, f64)>,
    pub dropoff: Option<(f64, f64)>,
}

/// What the private share link shows: the public view plus POD.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedParcelView {
    pub parcel: ParcelView,
    pub pods: Vec<PodView>,
    pub courier: Option<CourierView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_parses_back_from_its_spelling() {
        for status in TrackingStatus::ALL {
            assert_eq!(TrackingStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(TrackingStatus::parse("Delivered"), None);
    }

    #[test]
    fn delivered_outranks_out_for_delivery_on_a_tie() {
        assert!(TrackingStatus::Delivered.step_rank() > TrackingStatus::OutForDelivery.step_rank());
        assert!(TrackingStatus::Unknown.step_rank() < TrackingStatus::InfoReceived.step_rank());
    }
}
