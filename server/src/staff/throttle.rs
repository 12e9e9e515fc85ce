//! Login throttling, per account and per client IP: a burst of attempts is allowed, then
//! one more per interval. Kept in memory per instance, which bounds guessing to the
//! configured rate times the number of instances.
use governor::clock::DefaultClock;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

#[derive(Clone)]
pub struct LoginThrottle {
    per_account: Arc<Keyed<String>>,
    per_ip: Arc<Keyed<IpAddr>>,
}

impl std::fmt::Debug for LoginThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginThrottle")
    }
}

/// Too many attempts: try again after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n)
}

impl LoginThrottle {
    /// `per_account` and `per_ip` attempts a minute, each also the burst size.
    pub fn new(per_account: u32, per_ip: u32) -> Self {
        Self {
            per_account: Arc::new(RateLimiter::keyed(per_minute(per_account))),
            per_ip: Arc::new(RateLimiter::keyed(per_minute(per_ip))),
        }
    }

    /// Counts one attempt; refuses it when either budget is spent.
    pub fn check(&self, email: &str, ip: IpAddr) -> Result<(), Throttled> {
        let clock = governor::clock::DefaultClock::default();
        use governor::clock::Clock;
        let now = clock.now();
        if let Err(not_until) = self.per_ip.check_key(&ip) {
            return Err(Throttled { retry_after: not_until.wait_time_from(now) });
        }
        if let Err(not_until) = self.per_account.check_key(&email.trim().to_lowercase()) {
            return Err(Throttled { retry_after: not_until.wait_time_from(now) });
        }
        Ok(())
    }

    /// Forgets keys whose budget is full again, so memory stays bounded.
    pub fn shrink(&self) {
        self.per_account.retain_recent();
        self.per_ip.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_on_one_account_is_refused_whatever_the_ip() {
        let throttle = LoginThrottle::new(5, 100);
        for i in 0..5u8 {
            assert!(throttle.check("ops@example.com", IpAddr::from([10, 0, 0, i])).is_ok());
        }
        let refused = throttle.check("OPS@example.com", IpAddr::from([10, 0, 0, 9])).unwrap_err();
        assert!(refused.retry_after > Duration::ZERO);
        assert!(throttle.check("other@example.com", IpAddr::from([10, 0, 0, 9])).is_ok());
    }

    #[test]
    fn one_ip_trying_many_accounts_is_refused_too() {
        let throttle = LoginThrottle::new(100, 3);
        let ip = IpAddr::from([192, 0, 2, 1]);
        for i in 0..3 {
            assert!(throttle.check(&format!("user{i}@example.com"), ip).is_ok());
        }
        assert!(throttle.check("user9@example.com", ip).is_err());
    }
}
