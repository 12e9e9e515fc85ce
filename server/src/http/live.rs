//! `GET /t/{token}/live`: server-sent events for an open share link. The server checks
//! the parcel's version every `WAYBILL_LIVE_POLL_MS` and sends `update` when it changed.
//! Polling the database (not an in-process channel) keeps this right with several
//! instances behind a load balancer.
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
use std::time::Instant;

/// What a refused stream is asked to wait before trying again.
const RETRY_AFTER_SECS: u64 = 30;

pub async fn live(
    State(state): State<AppState>,
    Path(token): Path<String>,
    slot: Option<Extension<ConnectionSlot>>,
) -> Result<Response, ApiError> {
    let read_model = state.read_model.clone();
    let parcel_id = read_model
        .shared_parcel_id(&token)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::NotFound("no such share link".into()))?;
    let place = state
        .live_streams
        .admit(&token)
        .ok_or_else(|| ApiError::Busy("too many live updates are open; the page retries by itself".into(), RETRY_AFTER_SECS))?;
    let first = read_model.parcel_version(parcel_id).await.map_err(ApiError::unavailable)?;
    if let Some(Extension(slot)) = slot {
        slot.release();
    }
    let interval = state.settings.live_poll_interval;
    let max_duration = state.settings.live.max_duration;
    let started = Instant::now();
    let stream = futures::stream::unfold((first, place), move |(mut last, place)| {
        let read_model = read_model.clone();
        async move {
            loop {
                if started.elapsed() > max_duration {
                    return None;
                }
                tokio::time::sleep(interval).await;
                // A failed check is skipped, not fatal: the next one may succeed.
                if let Ok(version) = read_model.parcel_version(parcel_id).await {
                    if version != last {
                        last = version.clone();
                        return Some((Ok::<_, Infallible>(Event::default().event("update").data(version)), (last, place)));
                    }
                }
            }
        }
    });
    let mut response = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    // The connection gave its place back; it must not carry further requests after this.
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    Ok(response)
}
