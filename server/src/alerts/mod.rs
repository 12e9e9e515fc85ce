//! Staff alerts: every `WAYBILL_ALERT_CHECK_SECS` each instance looks for what is wrong
//! (`checks`) and writes each alert to the outbox as an `alert.*` event, under its stable
//! id, so an alert is raised once per episode however many instances check. From there it
//! is shown in the back office (`/staff/alerts`, and a banner on every staff page), sent to
//! the webhook endpoints that name `alert.*` kinds (the usual hand-out), and mailed to
//! `WAYBILL_ALERT_EMAIL` by the instance whose write raised it.
pub mod checks;

use crate::entity::outbound_event;
use crate::ingest::WriteGate;
use crate::settings::Settings;
use checks::{current_alerts, Alert};
use chrono::Utc;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Set, TransactionTrait};
use std::sync::Arc;

/// Starts the checks (needs a Tokio runtime).
pub fn spawn(db: DatabaseConnection, gate: WriteGate, settings: Arc<Settings>) {
    let mail = match (&settings.mail.smtp_url, &settings.alerts.email) {
        (Some(url), Some(to)) => match AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose()) {
            Ok(transport) => Some((transport.build(), to.clone())),
            Err(error) => {
                tracing::warn!(%error, "alerts are not mailed: WAYBILL_SMTP_URL does not parse");
                None
            }
        },
        _ => None,
    };
    tokio::spawn(async move {
        let mut every = tokio::time::interval(settings.alerts.every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match raise(&db, &gate, &settings).await {
                Ok(raised) => {
                    for alert in raised {
                        tracing::warn!(alert = alert.kind.as_str(), summary = %alert.summary, "staff alert");
                        if let Some((transport, to)) = &mail {
                            if let Err(error) = mail_alert(transport, &settings, to, &alert).await {
                                tracing::warn!(%error, "mailing a staff alert failed; it is on the staff pages");
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "checking for staff alerts failed; the next check tries again"),
            }
        }
    });
}

/// Writes the alerts that hold now; returns those this call raised (not raised before).
pub async fn raise(db: &DatabaseConnection, gate: &WriteGate, settings: &Settings) -> Result<Vec<Alert>, DbErr> {
    let now = Utc::now();
    let alerts = current_alerts(db, &settings.alerts, now).await?;
    if alerts.is_empty() {
        return Ok(alerts);
    }
    let backend = db.get_database_backend();
    let _turn = gate.enter().await;
    let txn = db.begin().await?;
    if let Some(lock) = crate::ingest::outbox::commit_order_lock(backend) {
        txn.execute(lock).await?;
    }
    let mut raised = Vec::new();
    for alert in alerts {
        let mut data = alert.data.clone();
        data["summary"] = serde_json::Value::String(alert.summary.clone());
        let row = outbound_event::ActiveModel {
            event_id: Set(alert.event_id.clone()),
            kind: Set(alert.kind),
            parcel_id: Set(alert.parcel_id),
            carrier: Set(alert.carrier),
            created_at: Set(now),
            data: Set(data.to_string()),
            ..Default::default()
        };
        if txn.execute(crate::ingest::outbox::insert(backend, vec![row])).await?.rows_affected() > 0 {
            raised.push(alert);
        }
    }
    txn.commit().await?;
    Ok(raised)
}

async fn mail_alert(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &Settings,
    to: &lettre::message::Mailbox,
    alert: &Alert,
) -> Result<(), String> {
    let text = format!(
        "{}\n\nSee {}/staff/alerts\n\n{}\n",
        alert.summary,
        settings.public_url,
        serde_json::to_string_pretty(&alert.data).unwrap_or_default()
    );
    let message = Message::builder()
        .from(settings.mail.from.clone())
        .to(to.clone())
        .subject(format!("Waybill alert: {}", alert.summary))
        .body(text)
        .map_err(|e| e.to_string())?;
    transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
}
