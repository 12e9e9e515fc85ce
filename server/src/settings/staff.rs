//! Settings of the back office: sessions, login throttling and password hashing.
use super::SettingsError;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct StaffSettings {
    /// A staff session ends after this long without a request (`WAYBILL_SESSION_IDLE_SECS`).
    pub session_idle: Duration,
    /// Session cookies carry `Secure`: on when `WAYBILL_PUBLIC_URL` is https, unless
    /// `WAYBILL_SECURE_COOKIES` says otherwise.
    pub secure_cookies: bool,
    /// Login attempts per minute for one account from one client
    /// (`WAYBILL_LOGIN_ATTEMPTS_PER_ACCOUNT`).
    pub login_attempts_per_account: u32,
    /// Login attempts per hour for one account from all clients together
    /// (`WAYBILL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_HOUR`).
    pub login_attempts_per_account_per_hour: u32,
    /// Login attempts per minute from one IP address (`WAYBILL_LOGIN_ATTEMPTS_PER_IP`).
    pub login_attempts_per_ip: u32,
    /// Password hashes computed at once (`WAYBILL_PASSWORD_HASH_CONCURRENCY`): argon2id
    /// takes memory and CPU on purpose, so a login flood must not take them all.
    pub password_hash_concurrency: usize,
}

impl StaffSettings {
    pub(super) fn from_lookup(
        get: &dyn Fn(&str) -> Option<String>,
        number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>,
        public_url: &str,
    ) -> Result<Self, SettingsError> {
        let secure_cookies = match get("WAYBILL_SECURE_COOKIES").as_deref().map(str::trim) {
            None => public_url.starts_with("https://"),
            Some("1" | "true" | "yes") => true,
            Some("0" | "false" | "no") => false,
            Some(other) => return Err(SettingsError { name: "WAYBILL_SECURE_COOKIES", reason: format!("{other:?} is not true or false") }),
        };
        let positive = |name: &'static str, default: u64| -> Result<u64, SettingsError> {
            match number(name, default)? {
                0 => Err(SettingsError { name, reason: "must be at least 1".into() }),
                n => Ok(n),
            }
        };
        Ok(Self {
            session_idle: Duration::from_secs(positive("WAYBILL_SESSION_IDLE_SECS", 8 * 3600)?),
            secure_cookies,
            login_attempts_per_account: positive("WAYBILL_LOGIN_ATTEMPTS_PER_ACCOUNT", 5)?.min(u32::MAX as u64) as u32,
            login_attempts_per_account_per_hour: positive("WAYBILL_LOGIN_ATTEMPTS_PER_ACCOUNT_PER_HOUR", 100)?.min(u32::MAX as u64) as u32,
            login_attempts_per_ip: positive("WAYBILL_LOGIN_ATTEMPTS_PER_IP", 20)?.min(u32::MAX as u64) as u32,
            password_hash_concurrency: positive("WAYBILL_PASSWORD_HASH_CONCURRENCY", 2)? as usize,
        })
    }
}
