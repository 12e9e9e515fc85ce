//! A multipart carrier's webhook (the depot's, `POST /webhooks/depot`): multipart form-data
//! with `form_data` (JSON text, required) and `pod_file` (optional). The file is streamed into the object store as it arrives, before
//! the database row that points at it is written.
use super::auth::{authenticate, configured_secret};
use super::{archived_headers, reply};
use crate::carriers::CarrierProfile;
use crate::domain::Origin;
use crate::http::multipart::{multipart_error, pod_error};
use crate::http::ApiError;
use crate::ingest::RawInput;
use crate::state::AppState;
use crate::storage::{store_pod_stream, PodUploadError, StoredPod};
use axum::body::Body;
use axum::http::{header, HeaderMap};
use axum::Json;
use bytes::Bytes;
use multer::{Constraints, Multipart, SizeLimit};
use serde_json::Value;

/// A depot request carries two fields; a few more are tolerated and ignored, more than
/// this is refused rather than parsed.
const MAX_FIELDS: usize = 16;
/// Room for multipart headers and boundaries around the fields.
const ENVELOPE_BYTES: u64 = 64 * 1024;

/// `POST` to a multipart carrier's path (the depot's; the router mounts one per path in its
/// profile).
pub async fn multipart_webhook(
    state: AppState,
    profile: &'static CarrierProfile,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let received_at = chrono::Utc::now();
    let carrier = profile.carrier;
    if let Some(secret) = configured_secret(&state.settings, carrier)? {
        state.secret_use.record(carrier, authenticate(secret, profile, &headers, None, &[])?);
    }

    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let boundary = multer::parse_boundary(&content_type).map_err(|_| {
        ApiError::UnsupportedMediaType(format!("expected multipart/form-data with a boundary, got content-type {content_type:?}"))
    })?;

    let max_form = state.settings.max_body_bytes as u64;
    let max_pod = state.settings.max_pod_bytes;
    let max_stream = max_pod + max_form + ENVELOPE_BYTES;
    // Refuse a declared oversize body before reading any of it.
    if let Some(length) = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok()) {
        if length > max_stream {
            return Err(ApiError::PayloadTooLarge(format!(
                "request body of {length} bytes is over the limit of {max_stream} bytes (pod_file at most {max_pod} bytes)"
            )));
        }
    }

    let constraints =
        Constraints::new().size_limit(SizeLimit::new().whole_stream(max_stream).per_field(max_form).for_field("pod_file", max_pod + 1));
    let mut multipart = Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut form: Option<Bytes> = None;
    let mut pod: Option<StoredPod> = None;
    let mut refused_pod: Option<ApiError> = None;
    let read = read_fields(&state, &mut multipart, &mut form, &mut pod, &mut refused_pod).await;

    let input = RawInput {
        carrier,
        origin: Origin::Carrier,
        received_at,
        headers: archived_headers(&headers, &[]),
        content_type: Some(content_type),
        // A missing form_data is parsed as an empty body, so it is quarantined like any
        // other unusable body and the adapter names the field.
        body: form.unwrap_or_default(),
        pod,
    };
    if let Err(error) = read {
        // A broken multipart body is kept (with whatever was read) for staff to see.
        if let ApiError::BadRequest(reason) = &error {
            state.pipeline.quarantine(input, reason).await.map_err(ApiError::unavailable)?;
        }
        return Err(error);
    }
    if let Some(error) = refused_pod {
        // The file is refused (its answer stays 415 or 413), the status it came with is not:
        // kept in the quarantine, for staff to apply without the file, or discard.
        let reason = format!("{error}; re-process applies the status without the file");
        state.pipeline.quarantine(input, &reason).await.map_err(ApiError::unavailable)?;
        return Err(error);
    }
    let outcome = state.pipeline.ingest(input).await.map_err(ApiError::unavailable)?;
    reply(outcome)
}

/// Reads every part: `form_data` into memory (bounded), `pod_file` into the object store.
/// A `pod_file` of a refused type is noted in `refused_pod` and reading goes on, so that a
/// `form_data` after it is still read; an oversized one ends the reading there (its `413`
/// is sent without reading the rest).
async fn read_fields(
    state: &AppState,
    multipart: &mut Multipart<'_>,
    form: &mut Option<Bytes>,
    pod: &mut Option<StoredPod>,
    refused_pod: &mut Option<ApiError>,
) -> Result<(), ApiError> {
    let max_pod = state.settings.max_pod_bytes;
    let mut fields = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(ApiError::BadRequest(format!("multipart body has more than {MAX_FIELDS} fields")));
        }
        match field.name() {
            Some("form_data") if form.is_some() => {
                return Err(ApiError::BadRequest("form_data: given more than once".into()));
            }
            Some("form_data") => *form = Some(field.bytes().await.map_err(multipart_error)?),
            Some("pod_file") if pod.is_some() || refused_pod.is_some() => {
                return Err(ApiError::BadRequest("pod_file: given more than once".into()));
            }
            Some("pod_file") => {
                let name = field.file_name().map(str::to_string);
                match store_pod_stream(&state.store, &mut field, name.as_deref(), max_pod).await {
                    Ok(stored) => *pod = Some(stored),
                    // An empty file part is what many clients send for "no file".
                    Err(PodUploadError::Empty) => {}
                    Err(e) => match pod_error("pod_file", e) {
                        refused @ ApiError::UnsupportedMediaType(_) => *refused_pod = Some(refused),
                        refused @ ApiError::PayloadTooLarge(_) => {
                            *refused_pod = Some(refused);
                            return Ok(());
                        }
                        other => return Err(other),
                    },
                }
            }
            // Unknown fields are skipped (bounded by the per-field limit), not stored.
            _ => while field.chunk().await.map_err(multipart_error)?.is_some() {},
        }
    }
    Ok(())
}
