//! Login throttling. Three budgets, each a burst and then one more per interval:
//! - per (account, client): a client guessing one account's password is slowed at once;
//! - per client, across accounts: one client trying many accounts is slowed too;
//! - per account, across clients, slower and larger (per hour): a guess spread over many
//!   addresses is bounded, while one attacker can never use up a named account's budget
//!   for everyone else (that is the per (account, client) budget's job).
//! The client is the request's real client behind trusted proxies (`http::client_ip`).
//! Kept in memory per instance, which bounds guessing to the rates times the instances.
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
    per_account_and_client: Arc<Keyed<(String, IpAddr)>>,
    per_client: Arc<Keyed<IpAddr>>,
    per_account: Arc<Keyed<String>>,
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

fn quota(n: u32, per: fn(NonZeroU32) -> Quota) -> Quota {
    per(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl LoginThrottle {
    /// Attempts a minute per (account, client) and per client, and an hour per account;
    /// each is also its burst.
    pub fn new(per_account_and_client: u32, per_client: u32, per_account_per_hour: u32) -> Self {
        Self {
            per_account_and_client: Arc::new(RateLimiter::keyed(quota(per_account_and_client, Quota::per_minute))),
            per_client: Arc::new(RateLimiter::keyed(quota(per_client, Quota::per_minute))),
            per_account: Arc::new(RateLimiter::keyed(quota(per_account_per_hour, Quota::per_hour))),
        }
    }

    /// Counts one attempt; refuses it when any budget is spent.
    pub fn check(&self, email: &str, client: IpAddr) -> Result<(), Throttled> {
        use governor::clock::Clock;
        let now = DefaultClock::default().now();
        let account = email.trim().to_lowercase();
        let refused = |not_until: governor::NotUntil<_>| Throttled { retry_after: not_until.wait_time_from(now) };
        self.per_client.check_key(&client).map_err(refused)?;
        self.per_account_and_client.check_key(&(account.clone(), client)).map_err(refused)?;
        self.per_account.check_key(&account).map_err(refused)
    }

    /// Forgets keys whose budget is full again, so memory stays bounded.
    pub fn shrink(&self) {
        self.per_account_and_client.retain_recent();
        self.per_client.retain_recent();
        self.per_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_on_one_account_from_one_client_is_refused_but_not_from_another() {
        let throttle = LoginThrottle::new(5, 100, 1000);
        let attacker = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..5 {
            assert!(throttle.check("ops@example.com", attacker).is_ok());
        }
        let refused = throttle.check("OPS@example.com", attacker).unwrap_err();
        assert!(refused.retry_after > Duration::ZERO);
        assert!(throttle.check("ops@example.com", IpAddr::from([10, 0, 0, 2])).is_ok(), "the account's owner elsewhere");
        assert!(throttle.check("other@example.com", attacker).is_ok());
    }

    #[test]
    fn one_client_trying_many_accounts_is_refused_too() {
        let throttle = LoginThrottle::new(100, 3, 1000);
        let ip = IpAddr::from([192, 0, 2, 1]);
        for i in 0..3 {
            assert!(throttle.check(&format!("user{i}@example.com"), ip).is_ok());
        }
        assert!(throttle.check("user9@example.com", ip).is_err());
    }

    #[test]
    fn guesses_on_one_account_spread_over_many_clients_meet_the_hourly_cap() {
        let throttle = LoginThrottle::new(5, 100, 20);
        for i in 0..20u8 {
            assert!(throttle.check("ops@example.com", IpAddr::from([198, 51, 100, i])).is_ok());
        }
        assert!(throttle.check("ops@example.com", IpAddr::from([198, 51, 100, 200])).is_err());
    }
}
