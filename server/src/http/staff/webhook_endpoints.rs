//! The staff API for merchant webhook endpoints (`/staff/api/webhook-endpoints`, a staff
//! API key or a signed-in session): add one (`201 {"id","secret"}`, the secret shown this
//! once), list them (never their secrets), remove one, rotate a secret, enable a disabled
//! one again; read one's attempt log, send events again (one, or every one since a time),
//! send a test event (both `409` while the endpoint is disabled).
use crate::http::ApiError;
use crate::outbound::endpoints::{self, EndpointError, NewEndpoint};
use crate::outbound::resend::{self, ResendError};
use crate::state::AppState;
use app::carrier::Carrier;
use app::staff::StaffUser;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddRequest {
    url: String,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    carrier: Option<String>,
}

pub async fn add_endpoint(
    State(state): State<AppState>,
    Extension(staff): Extension<StaffUser>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let request: AddRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::BadRequest(format!("the body must be JSON such as {{\"url\":\"https://…\",\"events\":[\"parcel.delivered\"]}}: {e}"))
    })?;
    let events = request
        .events
        .iter()
        .map(|k| k.parse())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::BadRequest(format!("events: {e}")))?;
    let carrier = match request.carrier.as_deref() {
        None => None,
        Some(name) => Some(name.parse::<Carrier>().map_err(|e| ApiError::BadRequest(format!("carrier: {e}")))?),
    };
    let new = NewEndpoint { url: request.url, events, carrier };
    let added = endpoints::add_endpoint(&state.writer, new, state.settings.outbound.allow_private, &staff.email).await.map_err(to_api)?;
    let answer = json!({ "id": added.id, "secret": added.secret, "url": added.url, "events": endpoints::kinds_of(&added), "carrier": added.carrier });
    Ok((StatusCode::CREATED, Json(answer)))
}

pub async fn list_endpoints(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let list = endpoints::list_endpoints(&state.db).await.map_err(ApiError::unavailable)?;
    let shown: Vec<Value> = list
        .iter()
        .map(|e| {
            json!({
                "id": e.id, "url": e.url, "events": endpoints::kinds_of(e), "carrier": e.carrier,
                "created_at": e.created_at, "created_by": e.created_by, "failing_since": e.failing_since,
                "disabled_at": e.disabled_at, "disabled_reason": e.disabled_reason,
            })
        })
        .collect();
    Ok(Json(json!({ "endpoints": shown })))
}

pub async fn remove_endpoint(
    State(state): State<AppState>,
    Extension(staff): Extension<StaffUser>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    endpoints::remove_endpoint(&state.writer, &id, &staff.email).await.map_err(to_api)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn rotate_secret(
    State(state): State<AppState>,
    Extension(staff): Extension<StaffUser>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let secret = endpoints::rotate_secret(&state.writer, &id, &staff.email).await.map_err(to_api)?;
    let hours = endpoints::PREVIOUS_SECRET_VALID.num_hours();
    Ok(Json(json!({ "id": id, "secret": secret, "previous_valid_hours": hours })))
}

/// Enables a disabled endpoint again: it then receives what it missed.
pub async fn enable_endpoint(
    State(state): State<AppState>,
    Extension(staff): Extension<StaffUser>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let enabled = endpoints::enable_endpoint(&state.writer, &id, &staff.email).await.map_err(to_api)?;
    Ok(Json(json!({ "id": enabled.id, "url": enabled.url, "enabled": enabled.disabled_at.is_none() })))
}

pub async fn attempts(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let list = resend::attempts_of(&state.db, &id).await.map_err(ApiError::unavailable)?;
    let shown: Vec<Value> = list
        .into_iter()
        .map(|(a, d)| {
            json!({
                "at": a.at, "event_id": d.as_ref().map(|d| d.event_id.clone()), "status": a.status, "latency_ms": a.latency_ms,
                "answer": a.answer, "error": a.error, "delivery_state": d.map(|d| d.state),
            })
        })
        .collect();
    Ok(Json(json!({ "attempts": shown })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendRequest {
    #[serde(default)]
    event_id: Option<String>,
    #[serde(default)]
    since: Option<chrono::DateTime<chrono::Utc>>,
}

/// `{"event_id": "evt_…"}` sends one event again, `{"since": "2026-12-01T00:00:00Z"}` every
/// one made since then.
pub async fn resend(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let request: ResendRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::BadRequest(format!("the body must be {{\"event_id\":\"evt_…\"}} or {{\"since\":\"<RFC 3339 time>\"}}: {e}"))
    })?;
    if request.event_id.is_none() && request.since.is_none() {
        return Err(ApiError::BadRequest("name an event_id, or a time since which to send every event again".into()));
    }
    let endpoint = endpoint_by_id(&state, &id).await?;
    let queued = resend::resend(&state.writer, &endpoint, request.event_id.as_deref(), request.since).await.map_err(resend_error)?;
    Ok(Json(json!({ "queued": queued })))
}

pub async fn send_test(State(state): State<AppState>, Path(id): Path<String>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let endpoint = endpoint_by_id(&state, &id).await?;
    let event_id = resend::send_test(&state.writer, &endpoint).await.map_err(resend_error)?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "event_id": event_id }))))
}

async fn endpoint_by_id(state: &AppState, id: &str) -> Result<crate::entity::webhook_endpoint::Model, ApiError> {
    crate::entity::webhook_endpoint::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::NotFound(format!("no webhook endpoint has the id {id:?}")))
}

pub(super) fn resend_error(error: ResendError) -> ApiError {
    match error {
        ResendError::Disabled(_) => ApiError::Conflict(error.to_string()),
        ResendError::Database(cause) => ApiError::unavailable(cause),
    }
}

pub(super) fn to_api(error: EndpointError) -> ApiError {
    match error {
        EndpointError::NoSuchEndpoint(_) => ApiError::NotFound(error.to_string()),
        EndpointError::Database(cause) => ApiError::unavailable(cause),
        other => ApiError::BadRequest(other.to_string()),
    }
}
