//! Staff alert mail through the mail queue: the write that raises an alert queues one
//! `mail_message` to `WAYBILL_ALERT_EMAIL` (its `recipient`; no subscription), and the
//! mailer sends it, retried on the schedule like every mail. The text is the alert's line,
//! a link to the back office's alerts page and the alert's data.
use super::compose::Composed;
use crate::entity::mail_message;
use crate::outbox::{NewEvent, Payload};
use crate::relay::DeliveryState;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

/// Queues the mail of each of `alerts` to `to`, in the caller's write transaction.
pub async fn queue(
    txn: &impl ConnectionTrait,
    to: &lettre::message::Mailbox,
    alerts: &[NewEvent],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rows: Vec<mail_message::ActiveModel> = alerts
        .iter()
        .map(|alert| mail_message::ActiveModel {
            subscription_id: Set(0),
            event_id: Set(alert.event_id.clone()),
            kind: Set(alert.payload.kind().as_str().to_string()),
            data: Set(serde_json::to_string(&alert.payload).unwrap_or_default()),
            state: Set(DeliveryState::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            recipient: Set(Some(to.to_string())),
            ..Default::default()
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let once = OnConflict::columns([mail_message::Column::SubscriptionId, mail_message::Column::EventId]).do_nothing().to_owned();
    mail_message::Entity::insert_many(rows).on_conflict(once).exec_without_returning(txn).await?;
    Ok(())
}

/// The mail of one alert.
pub fn compose(payload: &Payload, public_url: &str) -> Composed {
    let summary = payload.summary().unwrap_or(payload.kind().as_str());
    let page = format!("{public_url}/staff/alerts");
    let details = serde_json::to_string_pretty(&payload.data()).unwrap_or_default();
    let text = format!("{summary}\n\nSee {page}\n\n{details}\n");
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><body><p>{}</p><p><a href=\"{}\">See the alerts</a></p><pre>{}</pre></body></html>",
        escape(summary),
        escape(&page),
        escape(&details)
    );
    Composed { subject: format!("Waybill alert: {summary}"), text, html }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::payload::QuarantineData;

    #[test]
    fn an_alert_mail_says_the_line_links_the_page_and_escapes_its_html() {
        let payload = Payload::QuarantineGrowing(QuarantineData {
            summary: "3 <deliveries> went to the quarantine".into(),
            quarantined_last_hour: 3,
            quarantined: 5,
            occurred_at: Utc::now(),
        });
        let mail = compose(&payload, "https://t.example");
        assert_eq!(mail.subject, "Waybill alert: 3 <deliveries> went to the quarantine");
        assert!(mail.text.contains("https://t.example/staff/alerts") && mail.text.contains("\"quarantined\": 5"), "{}", mail.text);
        assert!(mail.html.contains("3 &lt;deliveries&gt;") && !mail.html.contains("<deliveries>"), "{}", mail.html);
    }
}
