//! The mail worker each instance runs when `WAYBILL_SMTP_URL` is set: every round it queues
//! what new outbox events are worth (`handout`), claims due mails for a lease (the relay's
//! claim: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two instances never hold one mail; the
//! lease covers the whole round at the SMTP timeout a mail, so it never lapses while this
//! instance still sends), composes each in its subscriber's language (`compose`; a staff
//! alert's by `alert_mail`) and sends it over SMTP (lettre) with `List-Unsubscribe` and
//! `List-Unsubscribe-Post` headers. A mail that fails is retried on the webhook schedule
//! (`relay::after_failure`); an address that had `WAYBILL_MAIL_PER_RECIPIENT_PER_HOUR`
//! mails in the last hour waits. Hourly it deletes the addresses of finished parcels.
use super::compose::{compose, Composed, Links, MailKind, Subject};
use crate::db::Writer;
use crate::entity::mail_subscription;
use crate::entity::{mail_message, parcel};
use crate::outbox::Payload;
use crate::relay::{after_failure, lease_for, lease_until, queue, safe_text, AfterFailure, DeliveryState};
use crate::settings::Settings;
use chrono::Utc;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set};
use std::sync::Arc;
use std::time::Duration;

/// How long a mail held back by the hourly limit waits before it is looked at again.
const HELD_BACK: chrono::Duration = chrono::Duration::minutes(5);

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("WAYBILL_SMTP_URL: {0}")]
    Url(#[from] lettre::transport::smtp::Error),
}

#[derive(Clone)]
pub struct Mailer {
    writer: Writer,
    settings: Arc<Settings>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Mailer {
    /// `None` when no SMTP server is configured.
    pub fn new(writer: Writer, settings: Arc<Settings>) -> Result<Option<Self>, MailerError> {
        let Some(url) = &settings.mail.smtp_url else { return Ok(None) };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?.timeout(Some(settings.mail.smtp_timeout)).build();
        Ok(Some(Self { writer, settings, transport }))
    }

    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(self.settings.outbound.poll);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut last_sweep: Option<std::time::Instant> = None;
            loop {
                every.tick().await;
                if last_sweep.is_none_or(|at| at.elapsed() > Duration::from_secs(3600)) {
                    last_sweep = Some(std::time::Instant::now());
                    match self.forget_finished().await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(addresses = n, "deleted the addresses of finished parcels"),
                        Err(error) => tracing::warn!(%error, "deleting the addresses of finished parcels failed; tried again in an hour"),
                    }
                }
                if let Err(error) = self.round().await {
                    tracing::warn!(%error, "customer mail: this round failed; the next one tries again");
                }
            }
        })
    }

    async fn forget_finished(&self) -> Result<u64, DbErr> {
        let txn = self.writer.begin().await?;
        let gone = super::subscriptions::forget_finished(&txn, self.settings.mail.keep_after_final).await?;
        txn.commit().await?;
        Ok(gone)
    }

    async fn round(&self) -> Result<(), DbErr> {
        super::handout::hand_out(&self.writer).await?;
        let mut claimed = self.claim().await?;
        // `UPDATE … RETURNING` keeps no order: a parcel's mails go out in the order of its events.
        claimed.sort_by_key(|m| (m.next_attempt_at, m.id));
        // One mail's database error does not hold the rest of the round in their lease.
        for message in claimed {
            let id = message.id;
            if let Err(error) = self.send(message).await {
                tracing::warn!(%error, mail = id, "a mail could not be finished; sent again when its claim lapses");
            }
        }
        Ok(())
    }

    /// Claims a round's due mails for as long as sending them one after another may take.
    async fn claim(&self) -> Result<Vec<mail_message::Model>, DbErr> {
        let mail = &self.settings.mail;
        let lease = lease_for(mail.smtp_timeout, mail.per_round as usize, 1);
        let txn = self.writer.begin().await?;
        let claimed =
            queue::claim::<mail_message::Entity>(&txn, Condition::all(), mail.per_round, lease_until(Utc::now(), lease), Vec::new())
                .await?;
        txn.commit().await?;
        Ok(claimed)
    }

    #[tracing::instrument(skip_all, fields(mail = message.id, kind = %message.kind))]
    async fn send(&self, message: mail_message::Model) -> Result<(), DbErr> {
        let payload = serde_json::from_str::<Payload>(&message.data).ok();
        if let Some(to) = message.recipient.clone() {
            let Some(payload) = payload else { return self.finish(message, Some("the alert does not read".into()), true).await };
            let composed = super::alert_mail::compose(&payload, &self.settings.public_url);
            let outcome = self.deliver(&to, composed, None).await;
            let error = outcome.err();
            return self.finish(message, error, false).await;
        }
        let db = self.writer.db();
        let Some(subscription) = mail_subscription::Entity::find_by_id(message.subscription_id).one(db).await? else {
            return self.finish(message, Some("the subscription is gone".into()), true).await;
        };
        if self.sent_last_hour(&subscription.email).await? >= self.settings.mail.per_recipient_per_hour {
            let mut held: mail_message::ActiveModel = message.into();
            held.next_attempt_at = Set(Utc::now() + HELD_BACK);
            held.claimed_until = Set(None);
            let txn = self.writer.begin().await?;
            held.update(&txn).await?;
            return txn.commit().await;
        }
        let eta = payload.as_ref().and_then(|p| p.parcel()).and_then(|p| p.eta);
        let outcome = match self.composed(&message, &subscription, eta).await? {
            Some((composed, unsubscribe)) => self.deliver(&subscription.email, composed, Some(&unsubscribe)).await,
            None => Err("the parcel or its share link is gone".to_string()),
        };
        match outcome {
            Ok(()) => self.finish(message, None, false).await,
            Err(error) => {
                tracing::info!(%error, "a customer mail was not accepted; retried on schedule");
                self.finish(message, Some(error), false).await
            }
        }
    }

    /// The mail and its unsubscribe link, or `None` when there is nothing to link to.
    async fn composed(
        &self,
        message: &mail_message::Model,
        subscription: &mail_subscription::Model,
        eta: Option<chrono::DateTime<Utc>>,
    ) -> Result<Option<(Composed, String)>, DbErr> {
        let db = self.writer.db();
        let Some(parcel) = parcel::Entity::find_by_id(subscription.parcel_id).one(db).await? else { return Ok(None) };
        let share = crate::queries::live_share_link_of(parcel.id).one(db).await?;
        let Some(share) = share else { return Ok(None) };
        let Ok(kind) = message.kind.parse::<MailKind>() else { return Ok(None) };
        let lang = app::i18n::Lang::parse(&subscription.lang).unwrap_or(app::i18n::Lang::En);
        // The brand of the page the customer subscribed on: its name and zone, and its host
        // in the links (with the scheme of WAYBILL_PUBLIC_URL).
        let brand = self.settings.brands.for_host(subscription.host.as_deref());
        let base = match &subscription.host {
            Some(host) => format!("{}://{host}", self.settings.public_url.split_once("://").map_or("https", |(scheme, _)| scheme)),
            None => self.settings.public_url.clone(),
        };
        let links = Links {
            share: format!("{base}/t/{}?lang={}", share.token, lang.code()),
            confirm: format!("{base}/m/{}/confirm", subscription.token),
            unsubscribe: format!("{base}/m/{}/unsubscribe", subscription.token),
        };
        let carrier = crate::carriers::profile(parcel.carrier).name;
        let about = Subject { brand: &brand.name, carrier, tracking_number: &parcel.tracking_number, zone: &brand.time_zone };
        match compose(kind, lang, &about, eta, &links) {
            Ok(composed) => Ok(Some((composed, links.unsubscribe))),
            Err(error) => {
                tracing::error!(%error, "composing a customer mail failed");
                Ok(None)
            }
        }
    }

    /// One SMTP exchange; a customer's mail carries its unsubscribe link.
    async fn deliver(&self, to: &str, composed: Composed, unsubscribe: Option<&str>) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("the address does not parse: {e}"))?;
        let mut message = Message::builder().from(self.settings.mail.from.clone()).to(to).subject(composed.subject);
        if let Some(unsubscribe) = unsubscribe {
            message = message
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{unsubscribe}>")))
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".into()));
        }
        let message = message
            .multipart(MultiPart::alternative_plain_html(composed.text, composed.html))
            .map_err(|e| format!("the mail could not be built: {e}"))?;
        // lettre's own timeout bounds the connect only; this bounds the whole exchange, which
        // the claim's lease counts on.
        let timeout = self.settings.mail.smtp_timeout;
        match tokio::time::timeout(timeout, self.transport.send(message)).await {
            Ok(sent) => sent.map(|_| ()).map_err(|e| format!("SMTP: {e}")),
            Err(_) => Err(format!("SMTP: no answer within {} s", timeout.as_secs())),
        }
    }

    /// Mails sent to `email` (any of its subscriptions) in the last hour.
    async fn sent_last_hour(&self, email: &str) -> Result<u64, DbErr> {
        let theirs = Query::select()
            .column(mail_subscription::Column::Id)
            .from(mail_subscription::Entity)
            .and_where(mail_subscription::Column::Email.eq(email))
            .to_owned();
        mail_message::Entity::find()
            .filter(mail_message::Column::SubscriptionId.in_subquery(theirs))
            .filter(mail_message::Column::State.eq(DeliveryState::Delivered))
            .filter(mail_message::Column::SentAt.gt(Utc::now() - chrono::Duration::hours(1)))
            .count(self.writer.db())
            .await
    }

    /// Writes what the attempt gave: sent, or the error and the next try (or given up).
    async fn finish(&self, message: mail_message::Model, error: Option<String>, give_up: bool) -> Result<(), DbErr> {
        let now = Utc::now();
        let attempts = message.attempts as usize + 1;
        let mut update: mail_message::ActiveModel = message.into();
        update.attempts = Set(attempts as i64);
        update.claimed_until = Set(None);
        match &error {
            None => {
                update.state = Set(DeliveryState::Delivered);
                update.sent_at = Set(Some(now));
            }
            Some(_) => match after_failure(&self.settings.outbound.retry_schedule, attempts, now, give_up) {
                AfterFailure::RetryAt(at) => update.next_attempt_at = Set(at),
                AfterFailure::GiveUp => update.state = Set(DeliveryState::Failed),
            },
        }
        update.last_error = Set(error.as_deref().map(safe_text));
        let txn = self.writer.begin().await?;
        update.update(&txn).await?;
        txn.commit().await
    }
}
