//! Staff alerts (`WAYBILL_ALERT_*`): when a parcel counts as stuck, a carrier's feed as
//! silent, the quarantine as growing; how often that is checked; and the staff address
//! alerts are mailed to. A threshold of `0` turns its alert off.
use super::SettingsError;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertSettings {
    /// A parcel under way without news for this long is stuck (`WAYBILL_ALERT_STUCK_HOURS`, 48).
    pub stuck_after: Option<Duration>,
    /// A carrier that sent at least `feed_usual_per_day` deliveries in the day before and
    /// nothing for this long is silent (`WAYBILL_ALERT_FEED_SILENT_SECS`, 3600).
    pub feed_silent_after: Option<Duration>,
    /// What "usually sends" means (`WAYBILL_ALERT_FEED_USUAL_PER_DAY`, 10).
    pub feed_usual_per_day: u64,
    /// This many deliveries quarantined within an hour is a growing quarantine
    /// (`WAYBILL_ALERT_QUARANTINE_PER_HOUR`, 10).
    pub quarantine_per_hour: Option<u64>,
    /// How often alerts are looked for (`WAYBILL_ALERT_CHECK_SECS`, 300).
    pub every: Duration,
    /// Where alerts are mailed, when mail is configured (`WAYBILL_ALERT_EMAIL`).
    pub email: Option<lettre::message::Mailbox>,
}

pub(super) fn alerts(
    get: &dyn Fn(&str) -> Option<String>,
    number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>,
) -> Result<AlertSettings, SettingsError> {
    let off_at_zero = |n: u64| (n > 0).then_some(n);
    let email = match get("WAYBILL_ALERT_EMAIL") {
        None => None,
        Some(text) => Some(
            text.trim()
                .parse()
                .map_err(|e| SettingsError { name: "WAYBILL_ALERT_EMAIL", reason: format!("{text:?} is not an e-mail address ({e})") })?,
        ),
    };
    Ok(AlertSettings {
        stuck_after: off_at_zero(number("WAYBILL_ALERT_STUCK_HOURS", 48)?).map(|h| Duration::from_secs(h.saturating_mul(3600))),
        feed_silent_after: off_at_zero(number("WAYBILL_ALERT_FEED_SILENT_SECS", 3600)?).map(Duration::from_secs),
        feed_usual_per_day: number("WAYBILL_ALERT_FEED_USUAL_PER_DAY", 10)?.max(1),
        quarantine_per_hour: off_at_zero(number("WAYBILL_ALERT_QUARANTINE_PER_HOUR", 10)?),
        every: Duration::from_secs(number("WAYBILL_ALERT_CHECK_SECS", 300)?.max(1)),
        email,
    })
}
