//! POD uploads by staff. `POST /staff/api/parcels/{carrier}/{n}/pod` (CONTRACT §5: one
//! multipart field `file`, `201` with id, sha256, content type and size), and the parcel
//! page's form `POST /staff/parcels/{carrier}/{n}/pod` (several files, redirect back).
//! Both stream each file into the object store with the depot's sniffing and limits.
use super::actions::{back, parcel_page};
use super::check_csrf;
use super::extract::StaffParcel;
use crate::http::multipart::{multipart_error, pod_error};
use crate::http::ApiError;
use crate::staff::actions::attach_pod;
use crate::state::AppState;
use crate::storage::{store_pod_stream, PodUploadError, StoredPod};
use app::staff::{CsrfToken, StaffUser};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use multer::{Constraints, Multipart, SizeLimit};

/// Files one form post may carry.
const MAX_FILES: usize = 20;
/// Fields of any kind one post may carry.
const MAX_FIELDS: usize = 40;
/// Largest text field (the form token).
const MAX_TEXT_FIELD: u64 = 4 * 1024;
const ENVELOPE_BYTES: u64 = 64 * 1024;

/// Reads the multipart body: the `csrf` field (checked before any file is stored, when
/// `csrf` is given) and up to `max_files` `file` fields, each streamed to the store.
async fn store_files(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    csrf: Option<&CsrfToken>,
    max_files: usize,
) -> Result<Vec<StoredPod>, ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        ApiError::UnsupportedMediaType(format!("expected multipart/form-data with a field `file`, got content-type {content_type:?}"))
    })?;
    let max_pod = state.settings.max_pod_bytes;
    let max_stream = (max_pod + ENVELOPE_BYTES).saturating_mul(max_files as u64);
    let constraints =
        Constraints::new().size_limit(SizeLimit::new().whole_stream(max_stream).per_field(MAX_TEXT_FIELD).for_field("file", max_pod + 1));
    let mut multipart = Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut token_ok = csrf.is_none();
    let mut stored = Vec::new();
    let mut fields = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(ApiError::BadRequest(format!("multipart body has more than {MAX_FIELDS} fields")));
        }
        match field.name() {
            Some("csrf") => {
                let presented = field.text().await.map_err(multipart_error)?;
                if let Some(expected) = csrf {
                    check_csrf(Some(presented.trim()), expected)?;
                    token_ok = true;
                }
            }
            Some("file") => {
                if !token_ok {
                    return Err(ApiError::Forbidden("the form token must come before the files".into()));
                }
                if stored.len() == max_files {
                    return Err(ApiError::BadRequest(format!("file: at most {max_files} files per request")));
                }
                let name = field.file_name().map(str::to_string);
                match store_pod_stream(&state.store, &mut field, name.as_deref(), max_pod).await {
                    Ok(pod) => stored.push(pod),
                    // An empty file part is what browsers send when no file was chosen.
                    Err(PodUploadError::Empty) => {}
                    Err(e) => return Err(pod_error("file", e)),
                }
            }
            _ => while field.chunk().await.map_err(multipart_error)?.is_some() {},
        }
    }
    if !token_ok {
        return Err(ApiError::Forbidden("the form has no token: reload the page and try again".into()));
    }
    if stored.is_empty() {
        return Err(ApiError::BadRequest("file: no file in the request (multipart field `file`)".into()));
    }
    Ok(stored)
}

/// The API: one file, answered `201` with what was stored.
pub async fn upload_pod_api(
    State(state): State<AppState>,
    StaffParcel(parcel): StaffParcel,
    Extension(staff): Extension<StaffUser>,
    session_token: Option<Extension<CsrfToken>>,
    checked: Option<Extension<super::CsrfChecked>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // With an API key there is no session token; with the session cookie the token came in
    // `x-csrf-token` (checked) or must come as the form's `csrf` field.
    let token = match (&session_token, &checked) {
        (Some(Extension(token)), None) => Some(token),
        _ => None,
    };
    let mut stored = store_files(&state, &headers, body, token, 1).await?;
    let pod = attach_pod(&state.pipeline, &parcel, &staff.email, stored.remove(0)).await?;
    let reply = serde_json::json!({ "id": pod.id, "sha256": pod.sha256, "content_type": pod.content_type, "bytes": pod.bytes });
    Ok((StatusCode::CREATED, Json(reply)).into_response())
}

/// The parcel page's form: several files, then back to the parcel.
pub async fn upload_pod_form(
    State(state): State<AppState>,
    StaffParcel(parcel): StaffParcel,
    Extension(staff): Extension<StaffUser>,
    Extension(csrf): Extension<CsrfToken>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    body: Body,
) -> Result<Redirect, ApiError> {
    let page = parcel_page(&parcel);
    let stored = match store_files(&state, &headers, body, Some(&csrf), MAX_FILES).await {
        Ok(stored) => stored,
        // Wrong type, too large, no file: staff can fix these, so say so on the page.
        Err(e @ (ApiError::UnsupportedMediaType(_) | ApiError::PayloadTooLarge(_) | ApiError::BadRequest(_))) => {
            e.log();
            return back(&session, &page, Err(e.to_string())).await;
        }
        Err(e) => return Err(e),
    };
    let count = stored.len();
    for pod in stored {
        attach_pod(&state.pipeline, &parcel, &staff.email, pod).await?;
    }
    back(&session, &page, Ok(format!("{count} POD file{} uploaded.", if count == 1 { "" } else { "s" }))).await
}
