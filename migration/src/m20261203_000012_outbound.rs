//! What Waybill tells others. `outbound_event` is the outbox: the one write path inserts a
//! row per parcel transition in the transaction that made it; `seq` is commit order (the
//! pull API's cursor) and `event_id` the stable id derived from (parcel, transition), so a
//! transition told once is never written twice. `webhook_endpoint` holds merchant
//! endpoints with their signing secrets and how far events were handed to them (`cursor`,
//! a `seq`); `webhook_delivery` one row per (endpoint, event), claimed by one instance at a
//! time; `webhook_attempt` every try, with what the endpoint answered.
use crate::columns::{big, id, text, text_null, time, time_null};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000012_outbound"
    }
}

#[derive(DeriveIden)]
enum OutboundEvent {
    Table,
    Seq,
    EventId,
    Kind,
    ParcelId,
    Carrier,
    CreatedAt,
    Data,
}

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    Url,
    Events,
    Carrier,
    Secret,
    PreviousSecret,
    PreviousUntil,
    ShareLinks,
    Cursor,
    CreatedAt,
    CreatedBy,
    FailingSince,
    DisabledAt,
    DisabledReason,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    EndpointId,
    EventSeq,
    EventId,
    State,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimedBy,
    LastStatus,
    LastError,
    DeliveredAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempt {
    Table,
    Id,
    DeliveryId,
    EndpointId,
    At,
    Status,
    LatencyMs,
    Answer,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboundEvent::Table)
                    .if_not_exists()
                    .col(id(OutboundEvent::Seq))
                    .col(text(OutboundEvent::EventId))
                    .col(text(OutboundEvent::Kind))
                    .col(ColumnDef::new(OutboundEvent::ParcelId).big_integer().null())
                    .col(text_null(OutboundEvent::Carrier))
                    .col(time(OutboundEvent::CreatedAt))
                    .col(text(OutboundEvent::Data))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_outbound_event_id").table(OutboundEvent::Table).col(OutboundEvent::EventId).unique().to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(WebhookEndpoint::Id).text().not_null().primary_key())
                    .col(text(WebhookEndpoint::Url))
                    .col(text(WebhookEndpoint::Events))
                    .col(text_null(WebhookEndpoint::Carrier))
                    .col(text(WebhookEndpoint::Secret))
                    .col(text_null(WebhookEndpoint::PreviousSecret))
                    .col(time_null(WebhookEndpoint::PreviousUntil))
                    .col(ColumnDef::new(WebhookEndpoint::ShareLinks).boolean().not_null().default(false))
                    .col(big(WebhookEndpoint::Cursor))
                    .col(time(WebhookEndpoint::CreatedAt))
                    .col(text(WebhookEndpoint::CreatedBy))
                    .col(time_null(WebhookEndpoint::FailingSince))
                    .col(time_null(WebhookEndpoint::DisabledAt))
                    .col(text_null(WebhookEndpoint::DisabledReason))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .if_not_exists()
                    .col(id(WebhookDelivery::Id))
                    .col(text(WebhookDelivery::EndpointId))
                    .col(big(WebhookDelivery::EventSeq))
                    .col(text(WebhookDelivery::EventId))
                    .col(text(WebhookDelivery::State))
                    .col(big(WebhookDelivery::Attempts))
                    .col(time(WebhookDelivery::NextAttemptAt))
                    .col(time_null(WebhookDelivery::ClaimedUntil))
                    .col(text_null(WebhookDelivery::ClaimedBy))
                    .col(ColumnDef::new(WebhookDelivery::LastStatus).big_integer().null())
                    .col(text_null(WebhookDelivery::LastError))
                    .col(time_null(WebhookDelivery::DeliveredAt))
                    .col(time(WebhookDelivery::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_delivery_once")
                    .table(WebhookDelivery::Table)
                    .col(WebhookDelivery::EndpointId)
                    .col(WebhookDelivery::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_delivery_due")
                    .table(WebhookDelivery::Table)
                    .col(WebhookDelivery::State)
                    .col(WebhookDelivery::EndpointId)
                    .col(WebhookDelivery::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempt::Table)
                    .if_not_exists()
                    .col(id(WebhookAttempt::Id))
                    .col(big(WebhookAttempt::DeliveryId))
                    .col(text(WebhookAttempt::EndpointId))
                    .col(time(WebhookAttempt::At))
                    .col(ColumnDef::new(WebhookAttempt::Status).big_integer().null())
                    .col(big(WebhookAttempt::LatencyMs))
                    .col(text_null(WebhookAttempt::Answer))
                    .col(text_null(WebhookAttempt::Error))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_attempt_endpoint")
                    .table(WebhookAttempt::Table)
                    .col(WebhookAttempt::EndpointId)
                    .col(WebhookAttempt::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempt::Table.into_iden(),
            WebhookDelivery::Table.into_iden(),
            WebhookEndpoint::Table.into_iden(),
            OutboundEvent::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
