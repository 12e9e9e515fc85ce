//! Settings of the connections: how many are served and how many may wait for their first
//! byte, the header deadline, shutdown grace, cleartext HTTP/2, and the live-update streams'
//! own caps (they stay open for long, so they do not take the webhooks' places), and the
//! proxies trusted to name the client.
use super::SettingsError;
use crate::serve::ServeLimits;
use std::time::Duration;

/// Caps on open live-update streams (`GET /t/{token}/live`).
#[derive(Clone, Copy, Debug)]
pub struct LiveLimits {
    /// On this instance (`WAYBILL_MAX_LIVE_STREAMS`).
    pub per_instance: usize,
    /// Per share link (`WAYBILL_MAX_LIVE_STREAMS_PER_LINK`): a few tabs and devices.
    pub per_link: usize,
    /// A stream ends after this long and the browser reconnects (`WAYBILL_LIVE_STREAM_MAX_SECS`).
    pub max_duration: Duration,
}

pub(super) fn serve_limits(
    get: &dyn Fn(&str) -> Option<String>,
    number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>,
) -> Result<ServeLimits, SettingsError> {
    let max_connections = number("WAYBILL_MAX_CONNECTIONS", 1024)?.max(1) as usize;
    Ok(ServeLimits {
        max_connections,
        max_waiting_connections: number("WAYBILL_MAX_WAITING_CONNECTIONS", max_connections as u64)?.max(1) as usize,
        header_read_timeout: Duration::from_secs(number("WAYBILL_HEADER_READ_TIMEOUT_SECS", 10)?.max(1)),
        shutdown_grace: Duration::from_secs(number("WAYBILL_SHUTDOWN_GRACE_SECS", 20)?),
        http2: switch(get, "WAYBILL_HTTP2")?,
    })
}

pub(super) fn live_limits(number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>) -> Result<LiveLimits, SettingsError> {
    Ok(LiveLimits {
        per_instance: number("WAYBILL_MAX_LIVE_STREAMS", 1000)? as usize,
        per_link: number("WAYBILL_MAX_LIVE_STREAMS_PER_LINK", 5)? as usize,
        max_duration: Duration::from_secs(number("WAYBILL_LIVE_STREAM_MAX_SECS", 1800)?.max(1)),
    })
}

fn switch(get: &dyn Fn(&str) -> Option<String>, name: &'static str) -> Result<bool, SettingsError> {
    match get(name).as_deref().map(str::trim) {
        None | Some("0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(other) => Err(SettingsError { name, reason: format!("{other:?} is not true or false") }),
    }
}

/// `WAYBILL_TRUSTED_PROXIES`: the load balancers whose `Forwarded` / `X-Forwarded-For`
/// name the client (none unless set).
pub(super) fn trusted_proxies(get: &dyn Fn(&str) -> Option<String>) -> Result<Vec<ipnet::IpNet>, SettingsError> {
    crate::http::client_ip::parse_trusted_proxies(&get("WAYBILL_TRUSTED_PROXIES").unwrap_or_default())
        .map_err(|reason| SettingsError { name: "WAYBILL_TRUSTED_PROXIES", reason })
}
