//! The mail worker each instance runs when `WAYBILL_SMTP_URL` is set: every round it queues
//! what new outbox events are worth (`handout`), claims due mails for a lease (one
//! `UPDATE … RETURNING`, `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two instances never hold
//! one mail), composes each in its subscriber's language (`compose`) and sends it over SMTP
//! (lettre) with `List-Unsubscribe` and `List-Unsubscribe-Post` headers. A mail that fails
//! is retried on the webhook schedule; an address that had `WAYBILL_MAIL_PER_RECIPIENT_PER_HOUR`
//! mails in the last hour waits. Hourly it deletes the addresses of finished parcels.
use super::compose::{compose, Composed, Links, MailKind, Subject};
use crate::entity::mail_subscription;
use crate::entity::webhook_delivery::DeliveryState;
use crate::entity::{mail_message, parcel};
use crate::ingest::WriteGate;
use crate::outbound::claims::next_wait;
use crate::settings::Settings;
use chrono::Utc;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use std::sync::Arc;
use std::time::Duration;

/// Mails claimed per round, and how long a claim lasts.
const PER_ROUND: u64 = 16;
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
/// An SMTP exchange that takes longer is given up (and retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a mail held back by the hourly limit waits before it is looked at again.
const HELD_BACK: chrono::Duration = chrono::Duration::minutes(5);

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("WAYBILL_SMTP_URL: {0}")]
    Url(#[from] lettre::transport::smtp::Error),
}

#[derive(Clone)]
pub struct Mailer {
    db: DatabaseConnection,
    gate: WriteGate,
    settings: Arc<Settings>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Mailer {
    /// `None` when no SMTP server is configured.
    pub fn new(db: DatabaseConnection, gate: WriteGate, settings: Arc<Settings>) -> Result<Option<Self>, MailerError> {
        let Some(url) = &settings.mail.smtp_url else { return Ok(None) };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?.timeout(Some(SMTP_TIMEOUT)).build();
        Ok(Some(Self { db, gate, settings, transport }))
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
                    let _turn = self.gate.enter().await;
                    match super::subscriptions::forget_finished(&self.db, self.settings.mail.keep_after_final).await {
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

    async fn round(&self) -> Result<(), DbErr> {
        super::handout::hand_out(&self.db, &self.gate).await?;
        let mut claimed = self.claim().await?;
        // `UPDATE … RETURNING` keeps no order: a parcel's mails go out in the order of its events.
        claimed.sort_by_key(|m| (m.next_attempt_at, m.id));
        for message in claimed {
            self.send(message).await?;
        }
        Ok(())
    }

    async fn claim(&self) -> Result<Vec<mail_message::Model>, DbErr> {
        let now = Utc::now();
        let mut due = Query::select()
            .column(mail_message::Column::Id)
            .from(mail_message::Entity)
            .and_where(mail_message::Column::State.eq(DeliveryState::Pending))
            .and_where(mail_message::Column::NextAttemptAt.lte(now))
            .and_where(mail_message::Column::ClaimedUntil.is_null().or(mail_message::Column::ClaimedUntil.lt(now)))
            .order_by(mail_message::Column::NextAttemptAt, sea_orm::Order::Asc)
            // Mails queued in one hand-out share their time: their ids keep the events' order.
            .order_by(mail_message::Column::Id, sea_orm::Order::Asc)
            .limit(PER_ROUND)
            .to_owned();
        if self.db.get_database_backend() == DbBackend::Postgres {
            due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let _turn = self.gate.enter().await;
        mail_message::Entity::update_many()
            .col_expr(mail_message::Column::ClaimedUntil, Expr::value(now + LEASE))
            .filter(mail_message::Column::Id.in_subquery(due))
            .exec_with_returning(&self.db)
            .await
    }

    #[tracing::instrument(skip_all, fields(mail = message.id, kind = %message.kind))]
    async fn send(&self, message: mail_message::Model) -> Result<(), DbErr> {
        let Some(subscription) = mail_subscription::Entity::find_by_id(message.subscription_id).one(&self.db).await? else {
            return self.finish(message, Some("the subscription is gone".into()), true).await;
        };
        if self.sent_last_hour(&subscription.email).await? >= self.settings.mail.per_recipient_per_hour {
            let mut held: mail_message::ActiveModel = message.into();
            held.next_attempt_at = Set(Utc::now() + HELD_BACK);
            held.claimed_until = Set(None);
            let _turn = self.gate.enter().await;
            held.update(&self.db).await?;
            return Ok(());
        }
        let outcome = match self.composed(&message, &subscription).await? {
            Some((composed, unsubscribe)) => self.deliver(&subscription.email, composed, &unsubscribe).await,
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
    ) -> Result<Option<(Composed, String)>, DbErr> {
        let Some(parcel) = parcel::Entity::find_by_id(subscription.parcel_id).one(&self.db).await? else { return Ok(None) };
        let share = crate::queries::live_share_link_of(parcel.id).one(&self.db).await?;
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
        let data: serde_json::Value = serde_json::from_str(&message.data).unwrap_or_default();
        match compose(kind, lang, &about, &data, &links) {
            Ok(composed) => Ok(Some((composed, links.unsubscribe))),
            Err(error) => {
                tracing::error!(%error, "composing a customer mail failed");
                Ok(None)
            }
        }
    }

    /// One SMTP exchange.
    async fn deliver(&self, to: &str, composed: Composed, unsubscribe: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("the address does not parse: {e}"))?;
        let message = Message::builder()
            .from(self.settings.mail.from.clone())
            .to(to)
            .subject(composed.subject)
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{unsubscribe}>")))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".into()))
            .multipart(MultiPart::alternative_plain_html(composed.text, composed.html))
            .map_err(|e| format!("the mail could not be built: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
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
            .count(&self.db)
            .await
    }

    /// Writes what the attempt gave: sent, or the error and the next try (or given up).
    async fn finish(&self, message: mail_message::Model, error: Option<String>, give_up: bool) -> Result<(), DbErr> {
        let now = Utc::now();
        let attempts = message.attempts as usize + 1;
        let mut update: mail_message::ActiveModel = message.into();
        update.attempts = Set(attempts as i64);
        update.claimed_until = Set(None);
        match (&error, next_wait(&self.settings.outbound.retry_schedule, attempts)) {
            (None, _) => {
                update.state = Set(DeliveryState::Delivered);
                update.sent_at = Set(Some(now));
            }
            (Some(_), Some(wait)) if !give_up => {
                update.next_attempt_at = Set(now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX))
            }
            (Some(_), _) => update.state = Set(DeliveryState::Failed),
        }
        update.last_error = Set(error);
        let _turn = self.gate.enter().await;
        update.update(&self.db).await?;
        Ok(())
    }
}
