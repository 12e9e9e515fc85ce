//! What every webhook answers, and which request headers the raw archive keeps.
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

/// Headers that carry a secret as-is (not a signature derived from it).
pub const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "x-webhook-shared-token", "cookie"];
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
    for credential in CREDENTIAL_HEADERS {
        if headers.contains_key(credential) {
            kept.insert(credential.into(), Value::String(REDACTED.into()));
        }
    }
    Value::Object(kept)
}
