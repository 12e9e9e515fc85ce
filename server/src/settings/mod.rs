//! Typed settings, read once at start-up from the environment and a `.env` file
//! (CONTRACT §1). Nothing else in the server reads environment variables.
pub mod alerts;
mod backends;
mod brands;
mod connections;
pub mod mail;
pub mod outbound;
pub mod public_reads;
mod secrets;
mod staff;

pub use connections::LiveLimits;
pub use secrets::{AwsVars, CarrierSecret, CarrierSecrets, Secret, SecretSlot, MIN_SECRET_BYTES};
pub use staff::StaffSettings;

use chrono::FixedOffset;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    /// May carry a password: `expose()` it only to connect.
    pub database_url: Secret,
    pub storage_url: String,
    pub public_url: String,
    /// Largest accepted POD file.
    pub max_pod_bytes: u64,
    /// Largest accepted JSON webhook body, and largest `form_data` field.
    pub max_body_bytes: usize,
    /// Longest time one request may take before it is answered `408`/`503`.
    pub request_timeout: Duration,
    /// The page cache and the public pages' `Cache-Control`.
    pub public_reads: public_reads::PublicReads,
    /// Accept webhooks from carriers whose secret is unset (development only).
    pub dev: bool,
    pub secrets: CarrierSecrets,
    /// The zone of KeyDelivery's zoneless item times (UTC unless configured).
    pub keydelivery_offset: FixedOffset,
    /// Where cargo-leptos put the site (`pkg/`, assets).
    pub site_root: String,
    /// Whether the assets under `pkg/` have hashed names (`LEPTOS_HASH_FILES`; unset: when
    /// cargo-leptos's hash file lies beside this binary).
    pub hash_files: bool,
    /// Every `AWS_*` variable, handed to the S3 store builder.
    pub aws: AwsVars,
    pub staff: StaffSettings,
    /// Connections, header deadline, shutdown grace and HTTP/2 (`WAYBILL_MAX_CONNECTIONS`,
    /// `WAYBILL_MAX_WAITING_CONNECTIONS`, `WAYBILL_HEADER_READ_TIMEOUT_SECS`,
    /// `WAYBILL_SHUTDOWN_GRACE_SECS`, `WAYBILL_HTTP2`).
    pub limits: crate::serve::ServeLimits,
    /// Open live-update streams, per instance and per share link.
    pub live: LiveLimits,
    /// The database's statement and pool timeouts.
    pub db_limits: crate::db::DbLimits,
    /// The object store's call timeout and retries.
    pub storage_limits: crate::storage::StorageLimits,
    /// Raw deliveries older than this move to the object store (`WAYBILL_RAW_RETENTION_DAYS`;
    /// unset or `0`: all stay in the database).
    pub raw_retention: Option<Duration>,
    /// How often that is done (`WAYBILL_RAW_RETENTION_CHECK_SECS`, hourly unless set).
    pub raw_retention_check: Duration,
    /// How often this server renews its sign of life in the database
    /// (`WAYBILL_HEARTBEAT_SECS`), which `waybill replay` checks.
    pub heartbeat_interval: Duration,
    /// How often the object store is checked for `/readyz` (`WAYBILL_STORAGE_CHECK_SECS`).
    pub storage_check_interval: Duration,
    /// Load balancers whose forwarding headers name the client (`WAYBILL_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Carrier event times further than this after their delivery arrived are quarantined
    /// as a wrong clock or time zone (`WAYBILL_MAX_FUTURE_SKEW_SECS`, a day unless set;
    /// `0` turns the check off).
    pub max_future_skew: Option<Duration>,
    /// Send `Strict-Transport-Security` (`WAYBILL_HSTS`; on when the public URL is https).
    pub hsts: bool,
    /// The brands the customer pages show, by host (`WAYBILL_BRAND_*`, `WAYBILL_BRANDS_FILE`).
    pub brands: app::brand::Brands,
    /// A parcel under way without news for longer than this many days gets a notice on its
    /// page (`WAYBILL_QUIET_AFTER_DAYS`, 7 unless set; `0` turns the notice off).
    pub quiet_after_days: Option<u32>,
    /// Webhooks to merchant systems: destinations, retries, timeouts.
    pub outbound: outbound::OutboundSettings,
    /// Customer mail: the SMTP server, the sender, retention and limits.
    pub mail: mail::MailSettings,
    /// Staff alerts: thresholds, how often, and who is mailed.
    pub alerts: alerts::AlertSettings,
}

/// A carrier's event a day after its webhook arrived is a wrong clock, not a fact.
pub const DEFAULT_MAX_FUTURE_SKEW_SECS: u64 = 86_400;

#[derive(Debug, thiserror::Error)]
#[error("configuration variable {name}: {reason}")]
pub struct SettingsError {
    pub name: &'static str,
    pub reason: String,
}

impl Settings {
    /// Reads `.env` (if present) and then the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        // A missing .env is normal; a broken one is worth failing for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(SettingsError { name: ".env", reason: e.to_string() }),
        }
        let vars: Vec<(String, String)> = std::env::vars().collect();
        Self::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()), &vars)
    }

    /// Builds settings from any variable source; tests use this with a map.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>, all: &[(String, String)]) -> Result<Self, SettingsError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let addr_text = get("WAYBILL_ADDR").or_else(|| get("LEPTOS_SITE_ADDR")).unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr_text
            .parse()
            .map_err(|e| SettingsError { name: "WAYBILL_ADDR", reason: format!("{addr_text:?} is not host:port ({e})") })?;
        let number = |name: &'static str, default: u64| -> Result<u64, SettingsError> {
            get(name).map_or(Ok(default), |v| {
                v.trim().parse().map_err(|e| SettingsError { name, reason: format!("{v:?} is not a whole number ({e})") })
            })
        };
        let public_url = get("WAYBILL_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}")).trim_end_matches('/').to_string();
        let staff = StaffSettings::from_lookup(&get, &number, &public_url)?;
        let hsts = match get("WAYBILL_HSTS").as_deref().map(str::trim) {
            None => public_url.starts_with("https://"),
            Some("1" | "true" | "yes") => true,
            Some("0" | "false" | "no") => false,
            Some(other) => return Err(SettingsError { name: "WAYBILL_HSTS", reason: format!("{other:?} is not true or false") }),
        };
        Ok(Self {
            addr,
            database_url: Secret::new(get("WAYBILL_DATABASE_URL").unwrap_or_else(|| "sqlite://data/waybill.db?mode=rwc".into())),
            storage_url: get("WAYBILL_STORAGE_URL").unwrap_or_else(|| "file://data/pod".into()),
            public_url,
            max_pod_bytes: number("WAYBILL_MAX_POD_BYTES", 26_214_400)?,
            max_body_bytes: number("WAYBILL_MAX_BODY_BYTES", 1_048_576)? as usize,
            request_timeout: Duration::from_secs(number("WAYBILL_REQUEST_TIMEOUT_SECS", 60)?),
            public_reads: public_reads::public_reads(&number)?,
            dev: matches!(get("WAYBILL_DEV").as_deref(), Some("1" | "true" | "yes")),
            secrets: CarrierSecrets::from_lookup(&get)?,
            keydelivery_offset: match get("WAYBILL_KEYDELIVERY_TIME_OFFSET") {
                None => FixedOffset::east_opt(0).expect("zero offset is valid"),
                Some(text) => parse_offset(&text).ok_or_else(|| SettingsError {
                    name: "WAYBILL_KEYDELIVERY_TIME_OFFSET",
                    reason: format!("{text:?} is not an offset such as +08:00, -05:30 or Z"),
                })?,
            },
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            hash_files: public_reads::hash_files(get("LEPTOS_HASH_FILES").as_deref())?,
            aws: AwsVars::from_all(all),
            staff,
            limits: connections::serve_limits(&get, &number)?,
            live: connections::live_limits(&number)?,
            trusted_proxies: connections::trusted_proxies(&get)?,
            db_limits: backends::db_limits(&number)?,
            storage_limits: backends::storage_limits(&number)?,
            raw_retention: match number("WAYBILL_RAW_RETENTION_DAYS", 0)? {
                0 => None,
                days => Some(Duration::from_secs(days.saturating_mul(86_400))),
            },
            raw_retention_check: Duration::from_secs(number("WAYBILL_RAW_RETENTION_CHECK_SECS", 3600)?.max(1)),
            heartbeat_interval: Duration::from_secs(number("WAYBILL_HEARTBEAT_SECS", 5)?.max(1)),
            storage_check_interval: Duration::from_secs(number("WAYBILL_STORAGE_CHECK_SECS", 5)?.max(1)),
            hsts,
            max_future_skew: match number("WAYBILL_MAX_FUTURE_SKEW_SECS", DEFAULT_MAX_FUTURE_SKEW_SECS)? {
                0 => None,
                secs => Some(Duration::from_secs(secs)),
            },
            brands: brands::brands_from_lookup(&get)?,
            quiet_after_days: match number("WAYBILL_QUIET_AFTER_DAYS", 7)? {
                0 => None,
                days => Some(u32::try_from(days).unwrap_or(u32::MAX)),
            },
            outbound: outbound::outbound(&get, &number)?,
            mail: mail::mail(&get, &number)?,
            alerts: alerts::alerts(&get, &number)?,
        })
    }
}

impl Settings {
    /// The carrier adapters as these settings configure them.
    pub fn adapters(&self) -> crate::carriers::Adapters {
        crate::carriers::Adapters::new(self.keydelivery_offset).with_max_future_skew(self.max_future_skew)
    }
}

/// `Z`, `UTC`, `+08:00`, `-0530`.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") || text.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Carrier;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let all: Vec<_> = map.clone().into_iter().collect();
        Settings::from_lookup(|k| map.get(k).cloned(), &all)
    }

    #[test]
    fn defaults_give_a_single_machine_install() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_url.expose(), "sqlite://data/waybill.db?mode=rwc");
        assert_eq!(s.max_future_skew, Some(Duration::from_secs(86_400)), "the clock check is on, a day");
        assert_eq!(s.storage_url, "file://data/pod");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert_eq!(s.max_pod_bytes, 26_214_400);
        assert!(!s.dev);
        assert!(s.secrets.get(Carrier::Depot).is_none());
    }

    #[test]
    fn waybill_addr_wins_over_leptos_site_addr() {
        let s = settings(&[("LEPTOS_SITE_ADDR", "127.0.0.1:9000"), ("WAYBILL_ADDR", "0.0.0.0:8080")]).unwrap();
        assert_eq!(s.addr.to_string(), "0.0.0.0:8080");
    }

    #[test]
    fn a_bad_number_names_the_variable() {
        let err = settings(&[("WAYBILL_MAX_POD_BYTES", "lots")]).unwrap_err();
        assert_eq!(err.name, "WAYBILL_MAX_POD_BYTES");
    }

    #[test]
    fn keydelivery_times_are_utc_unless_an_offset_is_configured() {
        assert_eq!(settings(&[]).unwrap().keydelivery_offset.local_minus_utc(), 0);
        let s = settings(&[("WAYBILL_KEYDELIVERY_TIME_OFFSET", "+08:00")]).unwrap();
        assert_eq!(s.keydelivery_offset.local_minus_utc(), 8 * 3600);
        assert!(settings(&[("WAYBILL_KEYDELIVERY_TIME_OFFSET", "Asia/Shanghai")]).is_err());
    }

    #[test]
    fn session_cookies_are_secure_exactly_when_served_over_https() {
        assert!(!settings(&[]).unwrap().staff.secure_cookies);
        assert!(settings(&[("WAYBILL_PUBLIC_URL", "https://track.example.com")]).unwrap().staff.secure_cookies);
        let forced = settings(&[("WAYBILL_PUBLIC_URL", "https://x.example"), ("WAYBILL_SECURE_COOKIES", "false")]);
        assert!(!forced.unwrap().staff.secure_cookies);
        assert_eq!(settings(&[("WAYBILL_LOGIN_ATTEMPTS_PER_IP", "0")]).unwrap_err().name, "WAYBILL_LOGIN_ATTEMPTS_PER_IP");
    }

    #[test]
    fn secrets_the_database_password_and_aws_keys_never_show_in_debug_output() {
        let s = settings(&[
            ("WAYBILL_DEPOT_TOKEN", "hunter2-hunter2-hunter2"),
            ("WAYBILL_DEPOT_TOKEN_PREVIOUS", "old-depot-token-0001"),
            ("WAYBILL_DATABASE_URL", "postgres://waybill:pg-pass-w0rd@db.internal:5432/waybill"),
            ("AWS_SECRET_ACCESS_KEY", "aws-secret-k3y"),
            ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEID"),
            ("AWS_SESSION_TOKEN", "aws-session-t0ken"),
        ])
        .unwrap();
        let shown = format!("{s:?} {s:#?}");
        for secret in ["hunter2", "old-depot-token", "pg-pass-w0rd", "aws-secret-k3y", "AKIAEXAMPLEID", "aws-session-t0ken"] {
            assert!(!shown.contains(secret), "{secret} shows in {shown}");
        }
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY"), "the names are shown, for debugging");
        let depot = s.secrets.get(Carrier::Depot).unwrap();
        assert_eq!(depot.current.expose(), "hunter2-hunter2-hunter2");
        assert_eq!(depot.previous.as_ref().map(Secret::expose), Some("old-depot-token-0001"));
        assert!(s.database_url.expose().contains("pg-pass-w0rd"));
    }

    #[test]
    fn a_carrier_secret_shorter_than_16_bytes_is_refused_naming_the_variable() {
        let err = settings(&[("WAYBILL_UBER_SIGNING_KEY", "short-key")]).unwrap_err();
        assert_eq!(err.name, "WAYBILL_UBER_SIGNING_KEY");
        assert!(err.to_string().contains("is 9 bytes long; at least 16"), "{err}");
        let err = settings(&[("WAYBILL_PEDDLER_TOKEN", "a-long-enough-token"), ("WAYBILL_PEDDLER_TOKEN_PREVIOUS", "old")]).unwrap_err();
        assert_eq!(err.name, "WAYBILL_PEDDLER_TOKEN_PREVIOUS");
        let err = settings(&[("WAYBILL_PEDDLER_TOKEN_PREVIOUS", "an-old-long-enough-token")]).unwrap_err();
        assert_eq!(err.name, "WAYBILL_PEDDLER_TOKEN_PREVIOUS", "a previous value without a current one");
        assert!(settings(&[("WAYBILL_PEDDLER_TOKEN", "exactly-16-bytes")]).is_ok());
    }

    #[test]
    fn the_future_skew_check_is_a_day_unless_set_and_zero_turns_it_off() {
        assert_eq!(settings(&[("WAYBILL_MAX_FUTURE_SKEW_SECS", "600")]).unwrap().max_future_skew, Some(Duration::from_secs(600)));
        assert_eq!(settings(&[("WAYBILL_MAX_FUTURE_SKEW_SECS", "0")]).unwrap().max_future_skew, None);
    }
}
