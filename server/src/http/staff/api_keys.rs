//! `POST /staff/api-keys/{id}/revoke`: the back office's revoke button. The key's next
//! request is refused; the audit log records who revoked which key (`api_keys::revoke_api_key`).
use super::actions::back;
use super::extract::{StaffForm, TokenOnly};
use crate::http::ApiError;
use crate::staff::api_keys;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Redirect;

pub async fn revoke_api_key(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { staff, session, .. }: StaffForm<TokenOnly>,
) -> Result<Redirect, ApiError> {
    let revoked = api_keys::revoke_api_key(&state.writer, id, &staff.email).await.map_err(ApiError::unavailable)?;
    let result = if revoked {
        Ok(format!("API key #{id} revoked: its next request is refused."))
    } else {
        Err(format!("There is no API key #{id} (any more)."))
    };
    back(&session, "/staff/api-keys", result).await
}
