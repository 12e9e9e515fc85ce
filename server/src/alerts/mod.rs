//! Staff alerts: every `WAYBILL_ALERT_CHECK_SECS` each instance looks for what is wrong
//! (`checks`) and writes each alert to the outbox as an `alert.*` event, under its stable
//! id, so an alert is raised once per episode however many instances check. From there it
//! is shown in the back office (`/staff/alerts`, and a banner on every staff page) and sent
//! to the webhook endpoints that name `alert.*` kinds (the relay's usual hand-out); the
//! write that raises it also queues its mail to `WAYBILL_ALERT_EMAIL` in the mail queue
//! (`mail::alert_mail`), which sends and retries it like every mail.
pub mod checks;

use crate::db::Writer;
use crate::settings::Settings;
use checks::{current_alerts, Alert};
use chrono::Utc;
use sea_orm::DbErr;
use std::sync::Arc;

/// Starts the checks (needs a Tokio runtime).
pub fn spawn(writer: Writer, settings: Arc<Settings>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(settings.alerts.every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match raise(&writer, &settings).await {
                Ok(raised) => {
                    for alert in raised {
                        let summary = alert.payload.summary().unwrap_or_default().to_string();
                        tracing::warn!(alert = alert.payload.kind().as_str(), %summary, "staff alert");
                    }
                }
                Err(error) => tracing::warn!(%error, "checking for staff alerts failed; the next check tries again"),
            }
        }
    });
}

/// Writes the alerts that hold now, and queues the mail of each new one when alerts are
/// mailed; returns those this call raised (not raised before).
pub async fn raise(writer: &Writer, settings: &Settings) -> Result<Vec<Alert>, DbErr> {
    let now = Utc::now();
    let alerts = current_alerts(writer.db(), &settings.alerts, now).await?;
    if alerts.is_empty() {
        return Ok(alerts);
    }
    let txn = writer.begin().await?;
    let new = crate::outbox::add(&txn, alerts.clone(), now).await?;
    let raised: Vec<Alert> = alerts.into_iter().zip(new).filter_map(|(alert, new)| new.then_some(alert)).collect();
    if let (Some(to), true) = (&settings.alerts.email, settings.mail.enabled()) {
        crate::mail::alert_mail::queue(&txn, to, &raised, now).await?;
    }
    txn.commit().await?;
    Ok(raised)
}
