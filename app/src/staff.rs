//! Types of the staff back office, shared by the server and the browser: who is signed in,
//! and the read models of the staff pages.
use crate::carrier::Carrier;
use crate::model::TrackingStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The signed-in staff member. The server's session middleware puts it in the request's
/// extensions; staff server functions refuse to run without it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
}

/// What a staff action left for the next page to say: a notice, or a failure staff can
/// fix. It travels in the session (one page view), never in the URL, so no link can make a
/// staff page show a text of its author's choosing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffNotice {
    pub error: bool,
    pub text: String,
}

/// The session's CSRF token, also put in the request's extensions by the middleware; every
/// staff form sends it back in a hidden `csrf` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsrfToken(pub String);

/// What every staff page needs: who is signed in, the form token, and whether the server
/// runs in dev mode (unauthenticated webhooks), which staff must not miss.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    pub email: String,
    pub csrf: String,
    pub dev_mode: bool,
    /// Webhook endpoints that were disabled (a `410`, or failing longer than the retry
    /// schedule): every staff page says so.
    pub disabled_webhooks: u64,
    /// Staff alerts raised in the last 24 hours.
    pub recent_alerts: u64,
}

/// The parcel search form, as query parameters of `/staff` (and of the CSV export).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelQuery {
    /// Part of a tracking number or of any carrier reference.
    pub q: Option<String>,
    pub status: Option<String>,
    pub carrier: Option<String>,
    /// Last update on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Last update on or before this day.
    pub until: Option<String>,
    /// Only parcels not yet finished with no event for this many days.
    pub stuck_days: Option<u32>,
    /// 1-based.
    pub page: Option<u64>,
}

impl ParcelQuery {
    /// The query string that gives this search (without `page`), for links and the export.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut add = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v.as_ref().filter(|v| !v.trim().is_empty()) {
                pairs.push((k, v.clone()));
            }
        };
        add("q", &self.q);
        add("status", &self.status);
        add("carrier", &self.carrier);
        add("from", &self.from);
        add("until", &self.until);
        add("stuck_days", &self.stuck_days.map(|d| d.to_string()));
        pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelRow {
    pub carrier: Carrier,
    pub tracking_number: String,
    pub status: TrackingStatus,
    pub references: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// Carrier time of the latest event (or creation).
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParcelSearchPage {
    pub rows: Vec<ParcelRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// Matches per status for the same search without its status filter.
    pub status_counts: Vec<(TrackingStatus, u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEvent {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub status: TrackingStatus,
    pub substatus: String,
    pub raw_status: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub recorded_by: Option<String>,
    /// The internal note of a manual event.
    pub staff_note: Option<String>,
    /// When, by whom and why staff voided it; a voided event is shown struck through.
    pub voided: Option<EventVoided>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventVoided {
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPod {
    pub id: String,
    pub kind: String,
    pub content_type: String,
    pub bytes: i64,
    pub sha256: String,
    pub source: String,
    pub uploaded_by: Option<String>,
    pub original_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Where staff open the file (`/staff/pod/{id}`); `None` for proof kept by the carrier.
    pub url: Option<String>,
    pub remote_url: Option<String>,
    pub value: Option<String>,
}

impl StaffPod {
    pub fn is_image(&self) -> bool {
        self.url.is_some() && self.content_type.starts_with("image/")
    }
    pub fn is_pdf(&self) -> bool {
        self.url.is_some() && self.content_type == "application/pdf"
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffParcelDetail {
    pub parcel: ParcelRow,
    pub eta: Option<DateTime<Utc>>,
    pub events: Vec<StaffEvent>,
    pub pods: Vec<StaffPod>,
    /// The live share link, when one exists.
    pub share_url: Option<String>,
    pub deliveries: Vec<DeliveryRow>,
    pub max_pod_bytes: u64,
    /// The addresses subscribed to its updates, masked (`j***@example.com`), and whether
    /// each is confirmed.
    pub subscribers: Vec<(String, bool)>,
}

/// Filters of the raw delivery list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryQuery {
    pub carrier: Option<String>,
    /// A tracking number (case, spaces and dashes aside, as customers' lookups).
    #[serde(default)]
    pub number: Option<String>,
    pub outcome: Option<crate::outcome::Outcome>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub page: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub carrier: Carrier,
    pub received_at: DateTime<Utc>,
    pub outcome: crate::outcome::Outcome,
    pub error: Option<String>,
    pub tracking_number: Option<String>,
    pub bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPage {
    pub rows: Vec<DeliveryRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDetail {
    pub row: DeliveryRow,
    pub content_type: Option<String>,
    /// Header names and values, credentials redacted.
    pub headers: Vec<(String, String)>,
    /// The body pretty-printed when it is JSON, else as text (lossy), capped in length.
    pub body: String,
    pub body_truncated: bool,
}

/// A staff API key as lists show it: never the key, only its first characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    /// The email of the account it acts for.
    pub owner: String,
    /// `wbk_` and the next eight characters; `None` for keys made before these were kept.
    pub prefix: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A merchant webhook endpoint as the back office shows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpointRow {
    pub id: String,
    pub url: String,
    /// The event kinds it receives.
    pub events: Vec<crate::event_kind::EventKind>,
    pub carrier: Option<Carrier>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// Since when every attempt has failed.
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    /// Events waiting for an attempt, delivered, given up.
    pub pending: u64,
    pub delivered: u64,
    pub failed: u64,
    /// The newest attempts, newest first.
    pub attempts: Vec<WebhookAttemptRow>,
}

/// A staff alert as the back office lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRow {
    pub at: DateTime<Utc>,
    pub kind: crate::event_kind::EventKind,
    pub summary: String,
    pub carrier: Option<Carrier>,
    /// The parcel it is about, if any.
    pub tracking_number: Option<String>,
}

/// One try at sending an event to an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAttemptRow {
    pub at: DateTime<Utc>,
    pub event_id: String,
    pub status: Option<i64>,
    pub latency_ms: i64,
    /// The first KB of the answer.
    pub answer: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: Option<String>,
}

/// The current or the previous value of a carrier's secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretMatch {
    Current,
    Previous,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CarrierHealth {
    pub carrier: Carrier,
    /// The variable that holds its secret; the secret itself never leaves the server.
    pub variable: String,
    pub secret_configured: bool,
    /// The variable for the previous value during a rotation, and whether it is set.
    pub previous_variable: String,
    pub previous_configured: bool,
    /// Which value the last webhook authenticated on this instance matched.
    pub last_matched: Option<SecretMatch>,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub deliveries_24h: u64,
    /// Quarantined deliveries of the last 24 h.
    pub errors_24h: u64,
}

impl CarrierHealth {
    /// Share of the last 24 h's deliveries that could not be read, in percent.
    pub fn error_rate_24h(&self) -> Option<f64> {
        (self.deliveries_24h > 0).then(|| self.errors_24h as f64 * 100.0 / self.deliveries_24h as f64)
    }
}
