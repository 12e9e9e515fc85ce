//! `GET /t/{token}/live`: server-sent events for an open share link. The server checks
//! the parcel's version every `WAYBILL_LIVE_POLL_MS` and sends `update` when it changed.
//! Polling the database (not an in-process channel) keeps this right with several
//! instances behind a load balancer.
use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use std::convert::Infallible;
use std::time::{Duration, Instant};

/// A stream ends after this long; the browser's EventSource reconnects by itself.
const MAX_STREAM: Duration = Duration::from_secs(30 * 60);

pub async fn live(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let read_model = state.read_model.clone();
    let parcel_id = read_model
        .shared_parcel_id(&token)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(|| ApiError::NotFound("no such share link".into()))?;
    let first = read_model.parcel_version(parcel_id).await.map_err(ApiError::unavailable)?;
    let interval = state.settings.live_poll_interval;
    let started = Instant::now();
    let stream = futures::stream::unfold(first, move |mut last| {
        let read_model = read_model.clone();
        async move {
            loop {
                if started.elapsed() > MAX_STREAM {
                    return None;
                }
                tokio::time::sleep(interval).await;
                // A failed check is skipped, not fatal: the next one may succeed.
                if let Ok(version) = read_model.parcel_version(parcel_id).await {
                    if version != last {
                        last = version.clone();
                        return Some((Ok(Event::default().event("update").data(version)), last));
                    }
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
