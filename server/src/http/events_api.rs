//! `GET /api/v1/events?after=CURSOR&limit=N` with `Authorization: Bearer <staff API key>`:
//! the outbox in commit order, for a consumer that polls or that was down and catches up.
//! `next` is the cursor to ask with next time (the same as `after` when nothing is new).
use crate::entity::outbound_event;
use crate::http::ApiError;
use crate::outbox::stamp;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

/// Events per answer unless `limit` says otherwise, and the most it may say.
const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 1000;

#[derive(Deserialize)]
pub struct EventsQuery {
    after: Option<String>,
    limit: Option<String>,
}

#[derive(Serialize)]
pub struct EventsPage {
    events: Vec<EventItem>,
    next: String,
}

#[derive(Serialize)]
struct EventItem {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    data: serde_json::Value,
}

pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Result<Json<EventsPage>, ApiError> {
    let key = crate::http::staff::context::bearer_key(&headers)
        .ok_or_else(|| ApiError::Unauthorized("send a staff API key as Authorization: Bearer".into()))?;
    let staff = state
        .settings
        .db_limits
        .within(crate::staff::api_keys::staff_by_api_key(&state.writer, &key))
        .await
        .map_err(ApiError::unavailable)?;
    if staff.is_none() {
        return Err(ApiError::Unauthorized("invalid API key".into()));
    }
    let after = match query.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => 0,
        Some(text) => text.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "after: {text:?} is not a cursor; pass the `next` of an earlier answer, or leave it out to start at the beginning"
            ))
        })?,
    };
    let limit = match query.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::BadRequest(format!("limit: {text:?} is not a whole number from 1 to {MAX_LIMIT}")))?,
    };
    let rows = state
        .settings
        .db_limits
        .within(
            outbound_event::Entity::find()
                .filter(outbound_event::Column::Seq.gt(after))
                // A staff member's test event is for its one endpoint only.
                .filter(outbound_event::Column::Kind.ne(app::event_kind::EventKind::Test))
                .order_by_asc(outbound_event::Column::Seq)
                .limit(limit)
                .all(&state.db),
        )
        .await
        .map_err(ApiError::unavailable)?;
    let next = rows.last().map_or(after, |r| r.seq).to_string();
    let events = rows
        .into_iter()
        .map(|row| {
            let data = crate::outbox::payload_of(&row).map_or(serde_json::Value::Null, |payload| payload.data());
            EventItem { id: row.event_id, kind: row.kind.as_str(), timestamp: stamp(row.created_at), data }
        })
        .collect();
    Ok(Json(EventsPage { events, next }))
}
