//! `GET /staff/pod/{id}`: any POD file for staff, byte for byte as received (`?size=thumb`
//! for the small copy, `?download=1` for `attachment`), with the contract's headers.
use crate::entity::pod_file;
use crate::http::pod::serve_pod;
use crate::http::ApiError;
use crate::state::AppState;
use crate::storage::Variant;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[derive(serde::Deserialize)]
pub struct StaffPodQuery {
    size: Option<String>,
    download: Option<String>,
}

pub async fn staff_pod(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<StaffPodQuery>,
) -> Result<Response, ApiError> {
    let pod = pod_file::Entity::find_by_id(id)
        .filter(pod_file::Column::StorageKey.ne(""))
        .one(&state.db)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::NotFound("no such proof-of-delivery file".into()))?;
    let variant = (query.size.as_deref() == Some("thumb")).then_some(Variant::Thumb);
    serve_pod(&state, pod, variant, query.download.is_some_and(|d| d == "1")).await
}
