//! `GET /t/{token}/pod/{id}`: a POD file of the share link's parcel, streamed from the
//! object store with its sniffed type, `nosniff`, and `inline` only for images and PDF.
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::{served_copy, Variant};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

#[derive(serde::Deserialize)]
pub struct PodQuery {
    /// `thumb` for the gallery's small copy; the full image otherwise.
    size: Option<String>,
}

pub async fn shared_pod(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, String)>,
    Query(query): Query<PodQuery>,
) -> Result<Response, ApiError> {
    let pod = state.read_model.shared_pod(&token, &id).await.map_err(ApiError::unavailable)?.ok_or_else(not_found)?;
    let variant = if query.size.as_deref() == Some("thumb") { Variant::Thumb } else { Variant::Full };
    serve_pod(&state, pod, Some(variant), false).await
}

fn not_found() -> ApiError {
    ApiError::NotFound("no such proof-of-delivery file".into())
}

/// Streams one POD file: a cached thumbnail or metadata-free copy for `Some(variant)`
/// (customers), the bytes exactly as received for `None` (staff: the evidence).
/// `download` asks for `attachment`. Fails closed: an image whose metadata cannot be
/// removed goes to a customer as an attachment, never inline. A PDF is inline only in a
/// sandbox (`Content-Security-Policy: sandbox`), so a script in it runs nowhere.
pub async fn serve_pod(
    state: &AppState,
    pod: crate::entity::pod_file::Model,
    variant: Option<Variant>,
    download: bool,
) -> Result<Response, ApiError> {
    let copy = match variant {
        Some(variant) => served_copy(&state.store, &pod.id, &pod.storage_key, &pod.content_type, variant).await,
        None => Ok(None),
    };
    let mut download = download;
    match copy {
        Ok(Some((bytes, content_type))) => {
            let headers = [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CONTENT_DISPOSITION, HeaderValue::from_static("inline")),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
                (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600")),
            ];
            return Ok((headers, bytes).into_response());
        }
        Ok(None) => {}
        Err(crate::storage::DerivedError::Image(reason)) => {
            tracing::warn!(pod = %pod.id, %reason, "metadata cannot be removed: the original goes out as an attachment");
            download = true;
        }
        Err(crate::storage::DerivedError::Store(e)) => return Err(ApiError::unavailable(e)),
    }
    let object = match state.store.get(&pod.storage_key).await {
        Ok(object) => object,
        Err(object_store::Error::NotFound { .. }) => {
            tracing::error!(pod = %pod.id, "POD row points at a missing object");
            return Err(not_found());
        }
        Err(e) => return Err(ApiError::unavailable(e)),
    };
    let headers = original_headers(&pod, download);
    let mut response = (headers, Body::from_stream(object.into_stream())).into_response();
    if pod.content_type == "application/pdf" {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    }
    Ok(response)
}

/// The headers of a file served as received: `inline` only for images and PDF (CONTRACT §5).
fn original_headers(pod: &crate::entity::pod_file::Model, download: bool) -> [(header::HeaderName, HeaderValue); 6] {
    let disposition = if !download && (pod.content_type.starts_with("image/") || pod.content_type == "application/pdf") {
        "inline"
    } else {
        "attachment"
    };
    [
        (header::CONTENT_TYPE, HeaderValue::from_str(&pod.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"))),
        (header::CONTENT_LENGTH, HeaderValue::from(pod.bytes)),
        (header::CONTENT_DISPOSITION, HeaderValue::from_static(disposition)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600")),
        (header::ETAG, HeaderValue::from_str(&format!("\"{}\"", pod.sha256)).unwrap_or(HeaderValue::from_static("\"\""))),
    ]
}
