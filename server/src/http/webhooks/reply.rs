//! What every webhook answers, and which request headers the raw archive keeps.
use crate::carriers::Auth;
use crate::http::ApiError;
use crate::ingest::IngestOutcome;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Map, Value};

/// `200 {"status":"accepted","duplicate":…,"tracking_number":…}`, or `400` for a body
/// that went to the quarantine (CONTRACT §2).
pub fn reply(outcome: IngestOutcome) -> Result<Json<Value>, ApiError> {
    match outcome {
        IngestOutcome::Stored { tracking_number, duplicate } => {
            Ok(Json(json!({ "status": "accepted", "duplicate": duplicate, "tracking_number": tracking_number })))
        }
        IngestOutcome::Quarantined { error } => Err(ApiError::BadRequest(error.to_string())),
    }
}

/// Whether a header carries a secret as-is (not a signature derived from it): the bearer
/// token, a cookie, or a carrier's shared-token header (its profile's `Auth::HeaderToken`).
pub fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "cookie"
        || crate::carriers::profiles().any(|p| matches!(p.auth, Auth::HeaderToken { headers } if headers.contains(&name.as_str())))
}
/// What a credential's value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Headers worth keeping with a raw delivery. Credentials are replaced by a marker;
/// signatures are kept (they are not secrets, and staff need them to debug a carrier).
pub fn archived_headers(headers: &HeaderMap, extra: &[&str]) -> Value {
    const COMMON: [&str; 5] = ["content-type", "content-length", "user-agent", "x-request-id", "x-forwarded-for"];
    let mut kept = Map::new();
    for name in COMMON.iter().chain(extra) {
        if let Some(value) = headers.get(*name).and_then(|v| v.to_str().ok()) {
            kept.insert(name.to_string(), Value::String(value.chars().take(512).collect()));
        }
    }
    for name in headers.keys().map(|n| n.as_str()).filter(|n| is_credential(n)) {
        kept.insert(name.to_string(), Value::String(REDACTED.into()));
    }
    Value::Object(kept)
}
