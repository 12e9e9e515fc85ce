//! The JSON carriers' webhooks: the same steps for each, with the authentication and the
//! reply format their profiles give (`carriers::*::PROFILE`). Order: configured (503) →
//! size (413) → authentic on the raw bytes (401) → content type (415) → the ingest pipeline.
use super::auth::{authenticate, configured_secret};
use super::{archived_headers, reply};
use crate::carriers::{CarrierProfile, ReplyFormat};
use crate::domain::Origin;
use crate::http::ApiError;
use crate::ingest::{IngestOutcome, RawInput};
use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Reads, authenticates and ingests one JSON delivery.
async fn receive(
    state: &AppState,
    profile: &'static CarrierProfile,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
) -> Result<IngestOutcome, ApiError> {
    let received_at = chrono::Utc::now();
    let carrier = profile.carrier;
    let secret = configured_secret(&state.settings, carrier)?;
    let limit = state.settings.max_body_bytes;
    let too_large = || ApiError::PayloadTooLarge(format!("request body is over the limit of {limit} bytes"));
    if headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok()).is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        if e.into_inner().downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            too_large()
        } else {
            ApiError::BadRequest("the request body could not be read".into())
        }
    })?;
    if let Some(secret) = secret {
        state.secret_use.record(carrier, authenticate(secret, profile, headers, query, &bytes)?);
    }

    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    if let Some(ct) = &content_type {
        // What carriers send: `application/json`, with parameters. Nothing else, so that no
        // sender can name a format of its choosing (the parser follows the route anyway).
        let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if essence != "application/json" {
            return Err(ApiError::UnsupportedMediaType(format!("expected content-type application/json, got {ct:?}")));
        }
    }
    let input = RawInput {
        carrier,
        origin: Origin::Carrier,
        received_at,
        headers: archived_headers(headers, profile.auth.credential_headers()),
        content_type,
        body: bytes,
        pod: None,
    };
    state.pipeline.ingest(input).await.map_err(ApiError::unavailable)
}

/// `POST` to a JSON carrier's path (the router mounts one per path in its profile),
/// answered in the carrier's reply format.
pub async fn json_webhook(
    state: AppState,
    profile: &'static CarrierProfile,
    query: Option<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = receive(&state, profile, &headers, query.as_deref(), body).await.and_then(reply);
    match (profile.reply, result) {
        (ReplyFormat::Waybill, Ok(answer)) => answer.into_response(),
        (ReplyFormat::Waybill, Err(error)) => error.into_response(),
        // KeyDelivery wants exactly `{"code":200,"message":"OK"}`, and errors in the same
        // shape; errors also carry the `error` field every other webhook answers with
        // (CONTRACT §2).
        (ReplyFormat::CodeAndMessage, Ok(_)) => (StatusCode::OK, Json(json!({"code": 200, "message": "OK"}))).into_response(),
        (ReplyFormat::CodeAndMessage, Err(error)) => {
            let (status, text) = (error.status(), error.to_string());
            // The error's own answer (logged once, `Retry-After` where it has one), in
            // KeyDelivery's shape.
            let mut response = error.into_response();
            *response.body_mut() = Body::from(json!({"code": status.as_u16(), "message": text, "error": text}).to_string());
            response
        }
    }
}
