//! The HTTP accept loop, with the limits `axum::serve` does not have. A connection passes
//! three stages, each bounded:
//! 1. **Before its first byte** it waits in the [`WaitingRoom`] (at most
//!    `max_waiting_connections`, the oldest closed when a newcomer needs the place), and is
//!    closed if it sends nothing within `header_read_timeout`. hyper's own header deadline
//!    starts only after it has sniffed the protocol, which has no deadline of its own.
//! 2. **Served**, it holds one of `max_connections` places ([`ConnectionSlot`]); hyper closes
//!    it when a request's headers take longer than `header_read_timeout`. A live-update
//!    stream gives its place back and counts against the live streams' own cap.
//! 3. **At shutdown**, requests in flight get `shutdown_grace` to finish.
//!
//! Cleartext HTTP/2 is off unless `WAYBILL_HTTP2=1`: hyper has no header deadline for it.
//! When on, its keep-alive pings close a peer that stops answering within the same time.
mod connection_slot;
mod waiting_room;

pub use connection_slot::ConnectionSlot;
pub use waiting_room::WaitingRoom;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The connection limits, from the settings.
#[derive(Clone, Copy, Debug)]
pub struct ServeLimits {
    /// Connections served at once; more wait for a place.
    pub max_connections: usize,
    /// Connections that have not sent their first byte, at most.
    pub max_waiting_connections: usize,
    /// A client must send its first byte, and then a request's headers, within this time.
    pub header_read_timeout: Duration,
    /// After the stop signal, requests in flight get this long to finish.
    pub shutdown_grace: Duration,
    /// Cleartext HTTP/2 (prior knowledge), off by default.
    pub http2: bool,
}

/// Serves `app` until `stop` completes, then stops accepting, lets requests in flight
/// finish (at most `shutdown_grace`), and returns.
pub async fn serve(listener: TcpListener, app: Router, limits: ServeLimits, stop: impl Future<Output = ()>) {
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let waiting = WaitingRoom::new(limits.max_waiting_connections);
    let graceful = GracefulShutdown::new();
    let builder = Arc::new(builder(&limits));
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // Without it a response written in more than one piece (a streamed file, an event
        // stream) waits for the client's delayed ACK: about 40 ms per static file.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY could not be set");
        }
        let ticket = waiting.enter();
        let (places, builder, app, watcher) = (places.clone(), builder.clone(), app.clone(), graceful.watcher());
        tokio::spawn(async move {
            let Some(slot) = admit(&stream, ticket, &places, limits.header_read_timeout).await else { return };
            // Handlers see the peer address (the login throttle counts per IP) and the slot.
            let service = app.map_request(move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.extensions_mut().insert(slot.clone());
                request
            });
            // Not `serve_connection_with_upgrades`: it ignores `http1_only`, and nothing here upgrades.
            let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            // Errors here are clients going away or timing out; nothing to act on.
            let _ = watcher.watch(connection.into_owned()).await;
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all requests finished"),
        () = tokio::time::sleep(limits.shutdown_grace) => tracing::warn!(grace = ?limits.shutdown_grace, "requests still running at the end of the grace period were cut off"),
    }
}

fn builder(limits: &ServeLimits) -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    if !limits.http2 {
        return builder.http1_only();
    }
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_read_timeout)
        .keep_alive_timeout(limits.header_read_timeout)
        .max_concurrent_streams(100);
    builder
}

/// Waits for the connection's first byte (or its eviction from the waiting room) and then
/// for a place; `None` when it should be closed instead.
async fn admit(
    stream: &TcpStream,
    mut ticket: waiting_room::Ticket,
    places: &Arc<Semaphore>,
    first_byte_within: Duration,
) -> Option<ConnectionSlot> {
    let mut first = [0u8; 1];
    let spoke = tokio::select! {
        peeked = tokio::time::timeout(first_byte_within, stream.peek(&mut first)) => matches!(peeked, Ok(Ok(n)) if n > 0),
        _ = &mut ticket.evicted => false,
    };
    if !spoke {
        return None;
    }
    let place = tokio::select! {
        place = places.clone().acquire_owned() => place.ok()?,
        _ = &mut ticket.evicted => return None,
    };
    Some(ConnectionSlot::new(place))
}
