//! The JSON carriers' webhooks (Deliverect, Uber Direct, Peddler, KeyDelivery): the same
//! steps for each, only the authentication differs. Order: configured (503) → size (413)
//! → authentic on the raw bytes (401) → content type (415) → the ingest pipeline.
use super::auth::{configured_secret, verify_hmac, verify_token};
use super::{archived_headers, reply};
use crate::domain::{Carrier, Origin};
use crate::http::ApiError;
use crate::ingest::{IngestOutcome, RawInput};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The headers each carrier signs or authenticates with; kept in the raw archive too.
fn credential_headers(carrier: Carrier) -> &'static [&'static str] {
    match carrier {
        Carrier::Deliverect => &["x-server-authorization-hmac-sha256"],
        Carrier::Uber => &["x-uber-signature", "x-postmates-signature"],
        Carrier::Peddler => &["x-webhook-shared-token"],
        Carrier::Depot | Carrier::Keydelivery => &[],
    }
}

/// Reads, authenticates and ingests one JSON delivery.
async fn receive(
    state: &AppState,
    carrier: Carrier,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
) -> Result<IngestOutcome, ApiError> {
    let received_at = chrono::Utc::now();
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
        let matched = match carrier {
            Carrier::Deliverect | Carrier::Uber => verify_hmac(secret, headers, credential_headers(carrier), &bytes)?,
            Carrier::Peddler => {
                let token = headers.get("x-webhook-shared-token").and_then(|v| v.to_str().ok()).map(str::trim);
                verify_token(secret, token, "x-webhook-shared-token header")?
            }
            Carrier::Keydelivery => {
                let token =
                    query.and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()));
                verify_token(secret, token.as_deref(), "token query parameter")?
            }
            Carrier::Depot => return Err(ApiError::NotFound("the depot posts multipart to /webhooks/depot".into())),
        };
        state.secret_use.record(carrier, matched);
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
        headers: archived_headers(headers, credential_headers(carrier)),
        content_type,
        body: bytes,
        pod: None,
    };
    state.pipeline.ingest(input).await.map_err(ApiError::unavailable)
}

pub async fn deliverect_webhook(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Json<Value>, ApiError> {
    reply(receive(&state, Carrier::Deliverect, &headers, None, body).await?)
}

pub async fn uber_webhook(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Json<Value>, ApiError> {
    reply(receive(&state, Carrier::Uber, &headers, None, body).await?)
}

pub async fn peddler_webhook(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Json<Value>, ApiError> {
    reply(receive(&state, Carrier::Peddler, &headers, None, body).await?)
}

/// KeyDelivery wants exactly `{"code":200,"message":"OK"}`, and errors in the same shape;
/// errors also carry the `error` field every other webhook answers with (CONTRACT §2).
pub async fn keydelivery_webhook(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap, body: Body) -> Response {
    let result = receive(&state, Carrier::Keydelivery, &headers, query.as_deref(), body).await.and_then(reply);
    match result {
        Ok(_) => (StatusCode::OK, Json(json!({"code": 200, "message": "OK"}))).into_response(),
        Err(error) => {
            error.log();
            let status = error.status();
            let text = error.to_string();
            (status, Json(json!({"code": status.as_u16(), "message": text, "error": text}))).into_response()
        }
    }
}
