//! What Waybill sends out: where it may send (`WAYBILL_OUTBOUND_ALLOW_PRIVATE`), and how it
//! sends webhooks (`WAYBILL_WEBHOOK_*`): the retry schedule, the timeout, how much of an
//! answer it reads, how many sends per endpoint run at once, how often it looks for work,
//! and how far it steps back while ingest is busy.
use super::SettingsError;
use std::time::Duration;

/// Standard Webhooks' schedule, stretched to about three days (its sum: 3 days 4 h 35 min).
pub const DEFAULT_RETRY_SCHEDULE: &str = "5s,5m,30m,2h,5h,10h,14h,20h,24h";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundSettings {
    /// Loopback, private, link-local and metadata destinations, and plain `http://`, are
    /// allowed (`WAYBILL_OUTBOUND_ALLOW_PRIVATE=1`; tests and closed networks).
    pub allow_private: bool,
    /// The waits before each retry (`WAYBILL_WEBHOOK_RETRY_SCHEDULE`, e.g.
    /// `5s,5m,30m,2h,5h,10h,14h,20h`); each is jittered by up to a fifth. After the last
    /// one fails, the event is given up for that endpoint.
    pub retry_schedule: Vec<Duration>,
    /// Longest wait for an endpoint's answer, connecting included (`WAYBILL_WEBHOOK_TIMEOUT_SECS`, 15).
    pub timeout: Duration,
    /// Most bytes of an answer read before the connection is dropped
    /// (`WAYBILL_WEBHOOK_MAX_ANSWER_BYTES`, 64 KiB); the first KB is kept in the attempt log.
    pub max_answer_bytes: usize,
    /// Sends in flight to one endpoint at once (`WAYBILL_WEBHOOK_CONCURRENCY`, 4): a slow
    /// endpoint holds no more than these.
    pub per_endpoint: usize,
    /// How often an instance looks for events to hand out and sends that are due
    /// (`WAYBILL_OUTBOUND_POLL_MS`, 500).
    pub poll: Duration,
    /// Ingest first: while this instance commits more than
    /// `WAYBILL_OUTBOUND_YIELD_ABOVE_PER_SEC` deliveries a second (500), it sends at most
    /// `WAYBILL_OUTBOUND_WHILE_BUSY_PER_SEC` webhooks a second (300), and catches up after.
    pub yield_above_per_sec: u64,
    pub while_busy_per_sec: u32,
}

impl OutboundSettings {
    /// The whole retry schedule: an endpoint failing for longer is disabled.
    pub fn schedule_span(&self) -> Duration {
        self.retry_schedule.iter().sum()
    }
}

pub(super) fn outbound(
    get: &dyn Fn(&str) -> Option<String>,
    number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>,
) -> Result<OutboundSettings, SettingsError> {
    let allow_private = match get("WAYBILL_OUTBOUND_ALLOW_PRIVATE").as_deref().map(str::trim) {
        None | Some("0" | "false" | "no") => false,
        Some("1" | "true" | "yes") => true,
        Some(other) => return Err(SettingsError { name: "WAYBILL_OUTBOUND_ALLOW_PRIVATE", reason: format!("{other:?} is not 1 or 0") }),
    };
    let schedule = get("WAYBILL_WEBHOOK_RETRY_SCHEDULE").unwrap_or_else(|| DEFAULT_RETRY_SCHEDULE.into());
    Ok(OutboundSettings {
        allow_private,
        retry_schedule: retry_schedule(&schedule)?,
        timeout: Duration::from_secs(number("WAYBILL_WEBHOOK_TIMEOUT_SECS", 15)?.max(1)),
        max_answer_bytes: number("WAYBILL_WEBHOOK_MAX_ANSWER_BYTES", 64 * 1024)?.max(1024) as usize,
        per_endpoint: number("WAYBILL_WEBHOOK_CONCURRENCY", 4)?.clamp(1, 64) as usize,
        poll: Duration::from_millis(number("WAYBILL_OUTBOUND_POLL_MS", 500)?.max(10)),
        yield_above_per_sec: number("WAYBILL_OUTBOUND_YIELD_ABOVE_PER_SEC", 500)?,
        while_busy_per_sec: number("WAYBILL_OUTBOUND_WHILE_BUSY_PER_SEC", 300)?.clamp(1, u64::from(u32::MAX)) as u32,
    })
}

/// `5s,5m,30m,2h`: durations as humantime reads them, comma-separated; `none` for no
/// retries.
fn retry_schedule(text: &str) -> Result<Vec<Duration>, SettingsError> {
    if text.trim() == "none" {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|part| {
            humantime::parse_duration(part.trim()).map_err(|e| SettingsError {
                name: "WAYBILL_WEBHOOK_RETRY_SCHEDULE",
                reason: format!("{:?} is not a duration such as 5s, 30m or 2h ({e})", part.trim()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_schedule_reads_durations_and_names_a_bad_one() {
        assert_eq!(retry_schedule("5s, 5m,2h").unwrap(), [Duration::from_secs(5), Duration::from_secs(300), Duration::from_secs(7200)]);
        assert!(retry_schedule("none").unwrap().is_empty());
        let err = retry_schedule("5s,soon").unwrap_err();
        assert_eq!(err.name, "WAYBILL_WEBHOOK_RETRY_SCHEDULE");
        assert!(err.reason.contains("\"soon\""), "{}", err.reason);
        let span: Duration = retry_schedule(DEFAULT_RETRY_SCHEDULE).unwrap().iter().sum();
        assert!(span > Duration::from_secs(3 * 86_400) && span < Duration::from_secs(4 * 86_400), "{span:?}");
    }
}
