//! Ingest first: webhooks can wait, carriers should not. The sender samples how many
//! deliveries this instance committed since it last looked; while that rate is above
//! `WAYBILL_OUTBOUND_YIELD_ABOVE_PER_SEC`, its rounds hand out little and come only every
//! `WAYBILL_OUTBOUND_POLL_MS`, and each send first waits for a token of a limiter of
//! `WAYBILL_OUTBOUND_WHILE_BUSY_PER_SEC` (governor), so that a burst of ingest keeps its CPU
//! and its turns of SQLite's one writer, and the backlog goes out after.
use crate::db::CommitStats;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Shortest time between two samples of the commit counter.
const SAMPLE_EVERY: Duration = Duration::from_millis(100);

pub struct IngestFirst {
    commits: Arc<CommitStats>,
    yield_above_per_sec: u64,
    busy: AtomicBool,
    last: Mutex<(Instant, u64)>,
    limiter: DefaultDirectRateLimiter,
    /// Sends that waited for the limiter, for the logs.
    held: AtomicU64,
}

impl IngestFirst {
    pub fn new(commits: Arc<CommitStats>, yield_above_per_sec: u64, while_busy_per_sec: u32) -> Self {
        let delivered = commits.deliveries.load(Ordering::Relaxed);
        let per_sec = NonZeroU32::new(while_busy_per_sec).unwrap_or(NonZeroU32::MIN);
        Self {
            commits,
            yield_above_per_sec,
            busy: AtomicBool::new(false),
            last: Mutex::new((Instant::now(), delivered)),
            limiter: RateLimiter::direct(Quota::per_second(per_sec)),
            held: AtomicU64::new(0),
        }
    }

    /// Looks at the commit counter again (at most every `SAMPLE_EVERY`); says whether ingest
    /// is busy.
    pub fn sample(&self) -> bool {
        if let Ok(mut last) = self.last.lock() {
            let elapsed = last.0.elapsed();
            if elapsed >= SAMPLE_EVERY {
                let delivered = self.commits.deliveries.load(Ordering::Relaxed);
                let rate = (delivered.saturating_sub(last.1)) as f64 / elapsed.as_secs_f64();
                let busy = self.yield_above_per_sec > 0 && rate > self.yield_above_per_sec as f64;
                if busy != self.busy.swap(busy, Ordering::Relaxed) {
                    tracing::debug!(
                        busy,
                        rate,
                        held = self.held.load(Ordering::Relaxed),
                        "outbound webhooks: ingest is {}",
                        if busy { "busy, sends slow down" } else { "calm again" }
                    );
                }
                *last = (Instant::now(), delivered);
            }
        }
        self.busy.load(Ordering::Relaxed)
    }

    /// Waits, while ingest is busy, for this send's turn.
    pub async fn turn(&self) {
        while self.sample() {
            if self.limiter.check().is_ok() {
                return;
            }
            self.held.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(SAMPLE_EVERY / 4).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingest_is_busy_above_the_rate_and_calm_below() {
        let commits = Arc::new(CommitStats::default());
        let gate = IngestFirst::new(commits.clone(), 500, 300);
        assert!(!gate.sample());
        std::thread::sleep(SAMPLE_EVERY + Duration::from_millis(20));
        commits.deliveries.fetch_add(1000, Ordering::Relaxed);
        assert!(gate.sample(), "1000 in ~0.12 s is busy");
        std::thread::sleep(SAMPLE_EVERY + Duration::from_millis(20));
        commits.deliveries.fetch_add(10, Ordering::Relaxed);
        assert!(!gate.sample(), "10 in ~0.12 s is calm");
    }
}
