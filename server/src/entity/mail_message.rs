//! One queued mail: to a subscription (its confirmation, or one per outbox event, at most
//! once per event) or, for a staff alert, to its `recipient`; queued by `mail::handout`,
//! `mail::subscriptions` and `mail::alert_mail`, sent by `mail::mailer`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subscription_id: i64,
    /// The outbox event it tells of, or `confirm` for the opt-in mail.
    pub event_id: String,
    /// What it says (`mail::compose::MailKind` as text).
    pub kind: String,
    /// The event's payload (`outbox::Payload`, tagged), for the text.
    pub data: String,
    /// `pending`, `delivered` (sent) or `failed`, as a webhook delivery.
    pub state: crate::entity::webhook_delivery::DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// A staff alert mail's address; its `subscription_id` is then 0.
    pub recipient: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
