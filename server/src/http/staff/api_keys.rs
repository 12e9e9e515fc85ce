//! `POST /staff/api-keys/{id}/revoke`: the back office's revoke button. The key's next
//! request is refused; the audit log records who revoked which key (`api_keys::revoke_api_key`).
use super::actions::{back, TokenOnly};
use super::check_csrf;
use crate::http::ApiError;
use crate::staff::api_keys;
use crate::state::AppState;
use app::staff::{CsrfToken, StaffUser};
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::{Extension, Form};
use tower_sessions::Session;

pub async fn revoke_api_key(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(staff): Extension<StaffUser>,
    session: Session,
    Form(form): Form<TokenOnly>,
) -> Result<Redirect, ApiError> {
    check_csrf(form.csrf.as_deref(), &csrf)?;
    let revoked = api_keys::revoke_api_key(&state.writer, id, &staff.email).await.map_err(ApiError::unavailable)?;
    let result = if revoked {
        Ok(format!("API key #{id} revoked: its next request is refused."))
    } else {
        Err(format!("There is no API key #{id} (any more)."))
    };
    back(&session, "/staff/api-keys", result).await
}
