//! Bounded waits on the database. PostgreSQL enforces `statement_timeout` itself, but a
//! database (or the network to it) that accepts a connection and then never answers sends
//! nothing back to enforce it with, and sqlx waits on such a socket forever. So every unit
//! of work that answers a request also runs under a client-side deadline here: the
//! server's own limit plus a grace, so that a live database reports its own timeout first.
//! An expired deadline is an `Unavailable` error (a `503` with `Retry-After`), never a
//! refusal of the data, so a delivery that met it is retried by its carrier, not quarantined.
use sea_orm::{DbErr, RuntimeErr};
use std::future::Future;
use std::time::Duration;

/// The database's time limits (`WAYBILL_DB_STATEMENT_TIMEOUT_SECS`,
/// `WAYBILL_DB_ACQUIRE_TIMEOUT_SECS`), read once at start-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbLimits {
    /// Longest one statement may run (PostgreSQL's `statement_timeout`), and with
    /// [`CLIENT_GRACE`] the longest Waybill waits for one unit of work.
    pub statement_timeout: Duration,
    /// Longest a request waits for a free pooled connection.
    pub acquire_timeout: Duration,
}

impl Default for DbLimits {
    fn default() -> Self {
        Self { statement_timeout: Duration::from_secs(5), acquire_timeout: Duration::from_secs(5) }
    }
}

/// What the client-side deadline adds to the statement timeout.
pub const CLIENT_GRACE: Duration = Duration::from_secs(1);

impl DbLimits {
    /// The client-side deadline of one unit of work.
    pub fn deadline(&self) -> Duration {
        self.statement_timeout + CLIENT_GRACE
    }

    /// Runs `work`, or gives up once [`Self::deadline`] has passed.
    pub async fn within<T, E: From<DbErr>>(&self, work: impl Future<Output = Result<T, E>>) -> Result<T, E> {
        within(self.deadline(), work).await
    }
}

/// Runs `work`, or gives up after `limit` with an error that says so. Dropping `work`
/// drops its connection mid-statement; the pool then tests it with a bounded ping and
/// closes it when that gets no answer either (see `postgres_pool`). `work` may fail with
/// any error a database error converts into.
pub async fn within<T, E: From<DbErr>>(limit: Duration, work: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) => Err(deadline_passed(limit).into()),
    }
}

/// The error of a deadline that passed.
pub fn deadline_passed(limit: Duration) -> DbErr {
    DbErr::Conn(RuntimeErr::Internal(format!("{NO_ANSWER} within {} ms", limit.as_millis())))
}

/// How a passed deadline's error begins, so that callers can tell it from others.
pub const NO_ANSWER: &str = "the database gave no answer";

/// `true` for the error of a passed deadline.
pub fn is_no_answer(error: &DbErr) -> bool {
    matches!(error, DbErr::Conn(RuntimeErr::Internal(text)) if text.starts_with(NO_ANSWER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_that_never_finishes_ends_at_the_deadline_with_an_error_that_is_not_a_refusal() {
        let started = std::time::Instant::now();
        let result: Result<(), DbErr> = within(Duration::from_millis(100), std::future::pending()).await;
        let error = result.expect_err("the deadline passed");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(is_no_answer(&error), "{error}");
        assert!(!crate::db::is_permanent(&error), "a retry may succeed: never quarantined");
        assert!(within(Duration::from_secs(1), async { Ok::<_, DbErr>(7) }).await.is_ok_and(|n| n == 7));
        assert!(!is_no_answer(&DbErr::Custom("other".into())));
    }
}
