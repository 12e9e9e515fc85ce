//! One event for one endpoint (or a staff member's test send, with its own `payload` and no
//! outbox row): sent until it is answered with a 2xx, or given up when its retries run out,
//! the endpoint answers 410 or is removed; sending again or enabling the endpoint make it due
//! again (`outbound::sender`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// Answered with a 2xx.
    Delivered,
    /// Its retries ran out, or its endpoint answered 410 or was removed.
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub endpoint_id: String,
    pub event_seq: i64,
    /// The `webhook-id` of every attempt.
    pub event_id: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: DateTimeUtc,
    /// While an instance is sending it: until when; and the instance that last took it.
    pub claimed_until: Option<DateTimeUtc>,
    pub claimed_by: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// A test send's payload (`outbox::Payload` as JSON); its `event_seq` is then 0.
    pub payload: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
