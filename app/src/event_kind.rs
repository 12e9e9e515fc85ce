//! The kinds of event Waybill tells merchant systems about (`parcel.status_changed` …) and
//! the staff alerts (`alert.*`), as the server writes them to its outbox, the webhook
//! endpoints subscribe to them and the staff pages show them. Stored in `outbound_event.kind` and `webhook_endpoint.events` in
//! the spelling `as_str` gives.
#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use std::fmt;
use std::str::FromStr;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    strum::VariantArray,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
pub enum EventKind {
    /// The status or substatus changed (old and new).
    #[serde(rename = "parcel.status_changed")]
    #[strum(serialize = "parcel.status_changed")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "parcel.status_changed"))]
    StatusChanged,
    /// The ETA or the delivery window changed (previous and new).
    #[serde(rename = "parcel.eta_changed")]
    #[strum(serialize = "parcel.eta_changed")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "parcel.eta_changed"))]
    EtaChanged,
    /// A proof of delivery was added.
    #[serde(rename = "parcel.pod_added")]
    #[strum(serialize = "parcel.pod_added")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "parcel.pod_added"))]
    PodAdded,
    /// The parcel is now in a failed attempt, an exception or on its way back.
    #[serde(rename = "parcel.exception")]
    #[strum(serialize = "parcel.exception")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "parcel.exception"))]
    Exception,
    /// The parcel was delivered.
    #[serde(rename = "parcel.delivered")]
    #[strum(serialize = "parcel.delivered")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "parcel.delivered"))]
    Delivered,
    /// Staff alert: a parcel under way has had no news for longer than it should.
    #[serde(rename = "alert.parcel_stuck")]
    #[strum(serialize = "alert.parcel_stuck")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "alert.parcel_stuck"))]
    AlertParcelStuck,
    /// Staff alert: a carrier that usually sends has sent nothing for a while.
    #[serde(rename = "alert.feed_silent")]
    #[strum(serialize = "alert.feed_silent")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "alert.feed_silent"))]
    AlertFeedSilent,
    /// Staff alert: many deliveries went to the quarantine in the last hour.
    #[serde(rename = "alert.quarantine_growing")]
    #[strum(serialize = "alert.quarantine_growing")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "alert.quarantine_growing"))]
    AlertQuarantineGrowing,
    /// A test event a staff member sent to one endpoint.
    #[serde(rename = "webhook.test")]
    #[strum(serialize = "webhook.test")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "webhook.test"))]
    Test,
}

impl EventKind {
    /// Every kind, in the order of the variants.
    pub const ALL: &'static [EventKind] = <Self as strum::VariantArray>::VARIANTS;

    /// The kinds a parcel's transitions give (what an endpoint without a list receives).
    pub const OF_PARCELS: [EventKind; 5] = [Self::StatusChanged, Self::EtaChanged, Self::PodAdded, Self::Exception, Self::Delivered];

    /// The staff alerts, which an endpoint receives only when it names them.
    pub const ALERTS: [EventKind; 3] = [Self::AlertParcelStuck, Self::AlertFeedSilent, Self::AlertQuarantineGrowing];

    /// Whether this is a staff alert (`alert.*`).
    pub fn is_alert(self) -> bool {
        Self::ALERTS.contains(&self)
    }

    /// The spelling of the `type` field, the database and the endpoint lists.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event kind Waybill does not know.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownEventKind(pub String);

impl fmt::Display for UnknownEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = EventKind::OF_PARCELS.iter().chain(&EventKind::ALERTS).map(|k| k.as_str()).collect();
        write!(f, "unknown event kind {:?} (known: {})", self.0, known.join(", "))
    }
}

impl std::error::Error for UnknownEventKind {}

impl FromStr for EventKind {
    type Err = UnknownEventKind;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        EventKind::ALL.iter().copied().find(|k| k.as_str() == text).ok_or_else(|| UnknownEventKind(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_from_its_spelling() {
        for &kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
        }
        assert_eq!(EventKind::StatusChanged.as_str(), "parcel.status_changed");
        assert!("parcel.moved".parse::<EventKind>().unwrap_err().to_string().contains("parcel.delivered"));
    }
}
