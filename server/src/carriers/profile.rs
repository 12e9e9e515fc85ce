//! What each carrier's adapter file declares about it besides its mapping: the name people
//! know it by, where it posts, the variable its secret is set in, how it authenticates, how
//! it wants to be answered, and its sample deliveries (`samples`). The router, the settings,
//! the webhook handlers, the staff pages, the tools (`waybill-tools demo`, `disk`, `env`)
//! and the tests read these; nothing else names a carrier's particulars.
use super::samples::Samples;
use crate::domain::Carrier;

#[derive(Clone, Copy, Debug)]
pub struct CarrierProfile {
    pub carrier: Carrier,
    /// As the carrier spells itself ("KeyDelivery").
    pub name: &'static str,
    /// The paths it posts to; the first is Waybill's own, any others are what the carrier's
    /// documentation names (Deliverect's `/courierUpdateStatus`).
    pub paths: &'static [&'static str],
    /// The variable its secret is set in.
    pub secret_variable: &'static str,
    /// The variable of the previous secret, accepted beside it during a rotation.
    pub previous_secret_variable: &'static str,
    pub auth: Auth,
    pub body: BodyFormat,
    pub reply: ReplyFormat,
    /// Makes its adapter, given the zone of carrier times that name none.
    pub adapter: fn(chrono::FixedOffset) -> Box<dyn super::CarrierAdapter>,
    /// Its fixtures, demo journey and sample deliveries, for the tools and the tests.
    pub samples: Samples,
}

/// How a carrier proves a webhook is its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// A hex HMAC-SHA256 of the raw body, in the first of these headers present.
    Hmac { headers: &'static [&'static str] },
    /// The shared token as the value of the first of these headers present.
    HeaderToken { headers: &'static [&'static str] },
    /// The shared token in this query parameter.
    QueryToken { parameter: &'static str },
    /// `Authorization: Bearer <token>`.
    Bearer,
}

impl Auth {
    /// The request headers that carry the credential; they are not archived as they are.
    pub fn credential_headers(self) -> &'static [&'static str] {
        match self {
            Self::Hmac { headers } | Self::HeaderToken { headers } => headers,
            // The bearer token's `Authorization` header is never archived at all.
            Self::QueryToken { .. } | Self::Bearer => &[],
        }
    }
}

/// What a sender adds to a request to authenticate as a carrier (the demo, the tests and
/// the benchmark post as carriers do).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    pub headers: Vec<(&'static str, String)>,
    /// `name=value`, URL-encoded, for the query string.
    pub query: Option<String>,
}

impl Auth {
    /// How a request with `body` authenticates with `secret`.
    pub fn credentials(self, secret: &str, body: &[u8]) -> Credentials {
        use hmac::{Hmac, Mac};
        match self {
            Self::Hmac { headers } => {
                let signature = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
                    .map(|mut mac| {
                        mac.update(body);
                        hex::encode(mac.finalize().into_bytes())
                    })
                    .unwrap_or_default();
                Credentials { headers: headers.iter().take(1).map(|h| (*h, signature.clone())).collect(), query: None }
            }
            Self::HeaderToken { headers } => {
                Credentials { headers: headers.iter().take(1).map(|h| (*h, secret.to_string())).collect(), query: None }
            }
            Self::QueryToken { parameter } => {
                let value: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
                Credentials { headers: Vec::new(), query: Some(format!("{parameter}={value}")) }
            }
            Self::Bearer => Credentials { headers: vec![("authorization", format!("Bearer {secret}"))], query: None },
        }
    }
}

/// What a carrier posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/json`.
    Json,
    /// `multipart/form-data` with a `form_data` JSON field and an optional POD file (the depot).
    Multipart,
}

/// How a carrier wants the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyFormat {
    /// Waybill's own (CONTRACT §2): `{"status": …}`, errors as `{"error": …}`.
    Waybill,
    /// KeyDelivery's `{"code":200,"message":"OK"}`, errors in that shape plus `error`.
    CodeAndMessage,
}
