//! `GET /t/{token}/live`: server-sent events for an open share link. The stream waits on
//! its parcel's channel in `changes::ParcelChanges`, which the writers of this instance
//! (and, on PostgreSQL, other instances' notifications) wake after each commit that changed
//! the parcel; it then sends `update` and the page reloads its data. An idle stream costs
//! its socket and a keep-alive comment every 15 s, no queries.
//!
//! A stream stays open for up to `WAYBILL_LIVE_STREAM_MAX_SECS`, so it does not keep one of
//! the connection places webhooks need: it gives its place back
//! ([`ConnectionSlot::release`]) and holds one of the live streams' own instead
//! ([`LiveStreams`](super::live_streams::LiveStreams)), and its connection closes when it ends.
use crate::http::ApiError;
use crate::serve::ConnectionSlot;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header::{HeaderValue, CONNECTION};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::convert::Infallible;

/// What a refused stream is asked to wait before trying again.
const RETRY_AFTER_SECS: u64 = 30;

pub async fn live(
    State(state): State<AppState>,
    Path(token): Path<String>,
    slot: Option<Extension<ConnectionSlot>>,
) -> Result<Response, ApiError> {
    let parcel_id = state
        .read_model
        .shared_parcel_id(&token)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::NotFound("no such share link".into()))?;
    let place = state
        .live_streams
        .admit(&token)
        .ok_or_else(|| ApiError::Busy("too many live updates are open; the page retries by itself".into(), RETRY_AFTER_SECS))?;
    let changed = state.pipeline.changes().subscribe(parcel_id);
    if let Some(Extension(slot)) = slot {
        slot.release();
    }
    let until = tokio::time::Instant::now() + state.settings.live.max_duration;
    let stream = futures::stream::unfold((changed, place), move |(mut changed, place)| async move {
        match tokio::time::timeout_at(until, changed.changed()).await {
            Ok(Ok(())) => {
                let version = *changed.borrow_and_update();
                Some((Ok::<_, Infallible>(Event::default().event("update").data(version.to_string())), (changed, place)))
            }
            // The stream's time is up, or the hub is gone (the server stops).
            _ => None,
        }
    });
    let mut response = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    // The connection gave its place back; it must not carry further requests after this.
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    Ok(response)
}
