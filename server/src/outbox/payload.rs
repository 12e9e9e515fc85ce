//! What an outbox event says, typed: one enum, tagged by its [`EventKind`] (spelled only in
//! `app::event_kind`), that the write path's transitions and the alerts make, and the
//! webhook body, the events API, customer mail and the staff alert pages read. Stored as
//! the event's `data` (the JSON under `data` in a webhook); a field renamed here is renamed
//! for every reader at once, and a reader cannot ask for a field that is not there.
use app::carrier::Carrier;
use app::event_kind::EventKind;
use app::model::TrackingStatus;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// RFC 3339 in UTC with milliseconds, as every timestamp Waybill sends.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// One event's payload, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    StatusChanged(StatusData),
    Exception(StatusData),
    Delivered(StatusData),
    EtaChanged(EtaData),
    PodAdded(PodData),
    ParcelStuck(StuckData),
    FeedSilent(SilentData),
    QuarantineGrowing(QuarantineData),
    Test(TestData),
}

/// What every parcel event says of the parcel as it is after the change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParcelFacts {
    pub carrier: Carrier,
    pub tracking_number: String,
    pub status: TrackingStatus,
    pub substatus: Option<String>,
    #[serde(with = "stamp_format")]
    pub occurred_at: DateTime<Utc>,
    #[serde(with = "stamp_format::optional")]
    pub eta: Option<DateTime<Utc>>,
    pub eta_window: Option<EtaWindow>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EtaWindow {
    #[serde(with = "stamp_format")]
    pub from: DateTime<Utc>,
    #[serde(with = "stamp_format")]
    pub until: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusData {
    #[serde(flatten)]
    pub parcel: ParcelFacts,
    pub previous_status: TrackingStatus,
    pub previous_substatus: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EtaData {
    #[serde(flatten)]
    pub parcel: ParcelFacts,
    #[serde(with = "stamp_format::optional")]
    pub previous_eta: Option<DateTime<Utc>>,
    pub previous_eta_window: Option<EtaWindow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodData {
    #[serde(flatten)]
    pub parcel: ParcelFacts,
    pub pod: PodRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodRef {
    pub id: String,
    pub sha256: String,
    pub content_type: String,
}

/// `alert.parcel_stuck`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StuckData {
    pub summary: String,
    pub carrier: Carrier,
    pub tracking_number: String,
    pub status: TrackingStatus,
    pub substatus: Option<String>,
    #[serde(with = "stamp_format")]
    pub occurred_at: DateTime<Utc>,
    pub hours_without_news: i64,
}

/// `alert.feed_silent`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SilentData {
    pub summary: String,
    pub carrier: Carrier,
    #[serde(with = "stamp_format")]
    pub last_delivery_at: DateTime<Utc>,
    pub minutes_silent: i64,
    pub deliveries_the_day_before: u64,
}

/// `alert.quarantine_growing`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuarantineData {
    pub summary: String,
    pub quarantined_last_hour: u64,
    pub quarantined: u64,
    #[serde(with = "stamp_format")]
    pub occurred_at: DateTime<Utc>,
}

/// `webhook.test`, sent to one endpoint by staff.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestData {
    pub endpoint: String,
    pub message: String,
    #[serde(with = "stamp_format")]
    pub sent_at: DateTime<Utc>,
}

impl Payload {
    pub fn kind(&self) -> EventKind {
        match self {
            Self::StatusChanged(_) => EventKind::StatusChanged,
            Self::Exception(_) => EventKind::Exception,
            Self::Delivered(_) => EventKind::Delivered,
            Self::EtaChanged(_) => EventKind::EtaChanged,
            Self::PodAdded(_) => EventKind::PodAdded,
            Self::ParcelStuck(_) => EventKind::AlertParcelStuck,
            Self::FeedSilent(_) => EventKind::AlertFeedSilent,
            Self::QuarantineGrowing(_) => EventKind::AlertQuarantineGrowing,
            Self::Test(_) => EventKind::Test,
        }
    }

    /// The `data` of an event of `kind` as stored.
    pub fn from_data(kind: EventKind, data: &str) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            EventKind::StatusChanged => Self::StatusChanged(serde_json::from_str(data)?),
            EventKind::Exception => Self::Exception(serde_json::from_str(data)?),
            EventKind::Delivered => Self::Delivered(serde_json::from_str(data)?),
            EventKind::EtaChanged => Self::EtaChanged(serde_json::from_str(data)?),
            EventKind::PodAdded => Self::PodAdded(serde_json::from_str(data)?),
            EventKind::AlertParcelStuck => Self::ParcelStuck(serde_json::from_str(data)?),
            EventKind::AlertFeedSilent => Self::FeedSilent(serde_json::from_str(data)?),
            EventKind::AlertQuarantineGrowing => Self::QuarantineGrowing(serde_json::from_str(data)?),
            EventKind::Test => Self::Test(serde_json::from_str(data)?),
        })
    }

    /// The `data` as stored and sent.
    pub fn data(&self) -> serde_json::Value {
        let data = match self {
            Self::StatusChanged(d) | Self::Exception(d) | Self::Delivered(d) => serde_json::to_value(d),
            Self::EtaChanged(d) => serde_json::to_value(d),
            Self::PodAdded(d) => serde_json::to_value(d),
            Self::ParcelStuck(d) => serde_json::to_value(d),
            Self::FeedSilent(d) => serde_json::to_value(d),
            Self::QuarantineGrowing(d) => serde_json::to_value(d),
            Self::Test(d) => serde_json::to_value(d),
        };
        // Plain structs of strings, numbers and times: serializing them cannot fail.
        data.unwrap_or(serde_json::Value::Null)
    }

    /// The parcel as the event left it, for a parcel's events.
    pub fn parcel(&self) -> Option<&ParcelFacts> {
        match self {
            Self::StatusChanged(d) | Self::Exception(d) | Self::Delivered(d) => Some(&d.parcel),
            Self::EtaChanged(d) => Some(&d.parcel),
            Self::PodAdded(d) => Some(&d.parcel),
            _ => None,
        }
    }

    /// An alert's line for the staff page and mail.
    pub fn summary(&self) -> Option<&str> {
        match self {
            Self::ParcelStuck(d) => Some(&d.summary),
            Self::FeedSilent(d) => Some(&d.summary),
            Self::QuarantineGrowing(d) => Some(&d.summary),
            _ => None,
        }
    }
}

/// `{"type": kind, "data": …}`: the tag is the kind's one spelling.
impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged {
            #[serde(rename = "type")]
            kind: EventKind,
            data: serde_json::Value,
        }
        Tagged { kind: self.kind(), data: self.data() }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Tagged {
            #[serde(rename = "type")]
            kind: EventKind,
            data: serde_json::Value,
        }
        let tagged = Tagged::deserialize(deserializer)?;
        Self::from_data(tagged.kind, &tagged.data.to_string()).map_err(serde::de::Error::custom)
    }
}

/// Times as [`stamp`] writes them.
mod stamp_format {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::stamp(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        DateTime::<Utc>::deserialize(deserializer)
    }

    pub mod optional {
        use chrono::{DateTime, Utc};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => serializer.serialize_str(&super::super::stamp(*at)),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
            Option::<DateTime<Utc>>::deserialize(deserializer)
        }
    }
}

#[cfg(test)]
mod tests;
