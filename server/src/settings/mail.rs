//! Customer mail (`WAYBILL_SMTP_URL`, `WAYBILL_MAIL_*`): the SMTP server and sender, how
//! long an address is kept, and the limits that keep one address or one parcel from
//! flooding anyone. Without `WAYBILL_SMTP_URL` nothing is mailed and the share link offers
//! no subscription.
use super::{Secret, SettingsError};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct MailSettings {
    /// `smtp://host:port` (plain, or STARTTLS when the server offers it) or
    /// `smtps://user:pass@host` (TLS); may carry a password.
    pub smtp_url: Option<Secret>,
    /// The sender (`WAYBILL_MAIL_FROM`), e.g. `Tulip Flowers <track@tulip.example>`.
    pub from: lettre::message::Mailbox,
    /// Days an address is kept after its parcel's final status (`WAYBILL_MAIL_KEEP_DAYS`, 30).
    pub keep_after_final: Duration,
    /// Most mails to one address in an hour (`WAYBILL_MAIL_PER_RECIPIENT_PER_HOUR`, 10);
    /// the rest wait.
    pub per_recipient_per_hour: u64,
    /// Most addresses for one parcel (`WAYBILL_MAIL_SUBSCRIPTIONS_PER_PARCEL`, 5).
    pub per_parcel: u64,
    /// One SMTP exchange that takes longer is given up and retried
    /// (`WAYBILL_SMTP_TIMEOUT_SECS`, 30).
    pub smtp_timeout: Duration,
    /// Mails claimed per round (`WAYBILL_MAIL_PER_ROUND`, 16); a claim's lease covers the
    /// round's mails sent one after another, each up to the SMTP timeout.
    pub per_round: u64,
}

impl MailSettings {
    pub fn enabled(&self) -> bool {
        self.smtp_url.is_some()
    }
}

pub(super) fn mail(
    get: &dyn Fn(&str) -> Option<String>,
    number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>,
) -> Result<MailSettings, SettingsError> {
    let smtp_url = get("WAYBILL_SMTP_URL").map(|url| url.trim().to_string());
    if let Some(url) = &smtp_url {
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err(SettingsError { name: "WAYBILL_SMTP_URL", reason: "must start with smtp:// or smtps://".into() });
        }
    }
    let from_text = get("WAYBILL_MAIL_FROM").unwrap_or_else(|| "Waybill <waybill@localhost>".into());
    let from = from_text.trim().parse().map_err(|e| SettingsError {
        name: "WAYBILL_MAIL_FROM",
        reason: format!("{from_text:?} is not an address such as \"Shop <track@shop.example>\" ({e})"),
    })?;
    Ok(MailSettings {
        smtp_url: smtp_url.map(Secret::new),
        from,
        keep_after_final: Duration::from_secs(number("WAYBILL_MAIL_KEEP_DAYS", 30)?.saturating_mul(86_400)),
        per_recipient_per_hour: number("WAYBILL_MAIL_PER_RECIPIENT_PER_HOUR", 10)?.max(1),
        per_parcel: number("WAYBILL_MAIL_SUBSCRIPTIONS_PER_PARCEL", 5)?.max(1),
        smtp_timeout: Duration::from_secs(number("WAYBILL_SMTP_TIMEOUT_SECS", 30)?.clamp(1, 600)),
        per_round: number("WAYBILL_MAIL_PER_ROUND", 16)?.clamp(1, 1000),
    })
}
