//! The relay: the one queue protocol that merchant webhooks (`outbound`), customer mail and
//! staff alert mail (`mail`) share. A queued row (a `webhook_delivery`, a `mail_message`)
//! goes through these states:
//! 1. made `pending` by its consumer's hand-out, which reads the outbox after the
//!    consumer's cursors a window at a time (`window`) and moves the cursors on, or queued
//!    directly by the write that needs it (a confirmation mail, an alert's mail, a test
//!    send); staff sending again or enabling an endpoint make rows pending again;
//! 2. claimed for a lease by one instance (`queue::claim`: one `UPDATE … WHERE id IN
//!    (SELECT … FOR UPDATE SKIP LOCKED) RETURNING` on PostgreSQL; on SQLite the statement
//!    runs through the one write door, `db::Writer`); the lease always outlives the longest
//!    round it covers (`lease_for`), so no other instance takes it while it is sent;
//! 3. attempted by the consumer, which alone decides when (webhooks yield to ingest and
//!    keep a per-endpoint concurrency, mail keeps its per-recipient rate);
//! 4. finished: `delivered`, or retried on the schedule (`after_failure`), or `failed`
//!    once the schedule is used up or the receiver is gone (a 410, no subscription). What a receiver said is stored only as `safe_text`,
//!    which both databases take (PostgreSQL refuses a NUL byte in text).
pub mod queue;
pub mod window;

use chrono::{DateTime, Utc};
use rand::Rng;
use std::time::Duration;

pub use crate::entity::webhook_delivery::DeliveryState;

/// The least a lease outlives the worst case of its round.
pub const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// The lease for a round of `items` attempts, `side_by_side` at a time, each given up after
/// `timeout`: the slowest such round, plus one more attempt's time (at least
/// [`LEASE_MARGIN`]) for what the round does between its sends.
pub fn lease_for(timeout: Duration, items: usize, side_by_side: usize) -> Duration {
    let waves = items.div_ceil(side_by_side.max(1)).max(1);
    timeout.saturating_mul(u32::try_from(waves).unwrap_or(u32::MAX)).saturating_add(timeout.max(LEASE_MARGIN))
}

/// The lease as a database time from `now`.
pub fn lease_until(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX)
}

/// The wait before retry number `failures` (1 for the first), jittered by up to a fifth
/// either way; `None` once the schedule is used up.
pub fn next_wait(schedule: &[Duration], failures: usize) -> Option<Duration> {
    let base = *schedule.get(failures.checked_sub(1)?)?;
    let jitter = rand::rng().random_range(0.8..1.2);
    Some(base.mul_f64(jitter))
}

/// What becomes of a row whose attempt number `attempts` failed at `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    GiveUp,
}

/// The next-attempt rule: retried on `schedule`, unless `give_up` (a 410, a gone
/// subscription) or the schedule is used up.
pub fn after_failure(schedule: &[Duration], attempts: usize, at: DateTime<Utc>, give_up: bool) -> AfterFailure {
    match next_wait(schedule, attempts) {
        Some(wait) if !give_up => AfterFailure::RetryAt(at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)),
        _ => AfterFailure::GiveUp,
    }
}

/// Most characters of a receiver's text kept.
pub const SAFE_TEXT_CHARS: usize = 1024;

/// A receiver's text (an answer, an SMTP reply, an error) as it may be stored: control
/// characters other than newline and tab (NUL among them, which PostgreSQL refuses in text)
/// become U+FFFD, and at most [`SAFE_TEXT_CHARS`] characters are kept.
pub fn safe_text(text: &str) -> String {
    text.chars().take(SAFE_TEXT_CHARS).map(|c| if c.is_control() && c != '\n' && c != '\t' { '\u{FFFD}' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_outlives_the_slowest_round_it_covers() {
        let timeout = Duration::from_secs(30);
        // 16 mails one after another at 30 s each: 8 minutes, where 2 minutes was the lease.
        assert!(lease_for(timeout, 16, 1) > timeout * 16);
        assert!(lease_for(timeout, 32, 4) > timeout * 8);
        assert_eq!(lease_for(timeout, 0, 4), timeout * 2, "even an empty round covers one attempt, plus one");
        assert_eq!(lease_for(timeout, 3, 0), timeout * 4, "no concurrency given: one at a time");
        assert_eq!(lease_for(Duration::from_secs(1), 2, 1), Duration::from_secs(7), "at least the margin on top");
    }

    #[test]
    fn waits_follow_the_schedule_within_a_fifth_and_end_with_it() {
        let schedule = [Duration::from_secs(5), Duration::from_secs(300)];
        for _ in 0..100 {
            let first = next_wait(&schedule, 1).unwrap();
            assert!(first >= Duration::from_secs(4) && first <= Duration::from_secs(6), "{first:?}");
            let second = next_wait(&schedule, 2).unwrap();
            assert!(second >= Duration::from_secs(240) && second <= Duration::from_secs(360), "{second:?}");
        }
        assert_eq!(next_wait(&schedule, 3), None);
        assert_eq!(next_wait(&[], 1), None);
        let now = Utc::now();
        assert!(matches!(after_failure(&schedule, 1, now, false), AfterFailure::RetryAt(at) if at > now));
        assert_eq!(after_failure(&schedule, 1, now, true), AfterFailure::GiveUp);
        assert_eq!(after_failure(&schedule, 3, now, false), AfterFailure::GiveUp);
    }

    #[test]
    fn a_receivers_text_is_stored_without_nul_or_control_bytes_and_cut() {
        assert_eq!(safe_text("ok\0"), "ok\u{FFFD}");
        assert_eq!(safe_text("line\nnext\ttab\r\x1b[31m"), "line\nnext\ttab\u{FFFD}\u{FFFD}[31m");
        assert_eq!(safe_text(&"é".repeat(5000)).chars().count(), SAFE_TEXT_CHARS);
    }
}
