//! Customer notifications by mail, opt-in from the share link. `mail_subscription` holds an
//! address for one parcel only (double opt-in: `pending` until the link in the first mail is
//! followed), its own random token for the confirmation and unsubscribe links, the language
//! of the page it was made on, and how far the parcel's outbox events were looked at
//! (`cursor`, an `outbound_event.seq`); it is deleted some days after the parcel's final
//! status. `mail_message` is one mail to send, at most once per (subscription, event).
use crate::columns::{big, id, text, text_null, time, time_null};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000013_mail"
    }
}

#[derive(DeriveIden)]
enum MailSubscription {
    Table,
    Id,
    ParcelId,
    Email,
    Lang,
    Token,
    State,
    Cursor,
    CreatedAt,
    ConfirmedAt,
}

#[derive(DeriveIden)]
enum MailMessage {
    Table,
    Id,
    SubscriptionId,
    EventId,
    Kind,
    Data,
    State,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    LastError,
    SentAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboundEvent {
    Table,
    ParcelId,
    Seq,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailSubscription::Table)
                    .if_not_exists()
                    .col(id(MailSubscription::Id))
                    .col(big(MailSubscription::ParcelId))
                    .col(text(MailSubscription::Email))
                    .col(text(MailSubscription::Lang))
                    .col(text(MailSubscription::Token))
                    .col(text(MailSubscription::State))
                    .col(big(MailSubscription::Cursor))
                    .col(time(MailSubscription::CreatedAt))
                    .col(time_null(MailSubscription::ConfirmedAt))
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            ("idx_mail_subscription_token", vec![MailSubscription::Token], true),
            ("idx_mail_subscription_parcel", vec![MailSubscription::ParcelId, MailSubscription::Email], true),
        ] {
            let mut index = Index::create().name(name).table(MailSubscription::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MailMessage::Table)
                    .if_not_exists()
                    .col(id(MailMessage::Id))
                    .col(big(MailMessage::SubscriptionId))
                    .col(text(MailMessage::EventId))
                    .col(text(MailMessage::Kind))
                    .col(text(MailMessage::Data))
                    .col(text(MailMessage::State))
                    .col(big(MailMessage::Attempts))
                    .col(time(MailMessage::NextAttemptAt))
                    .col(time_null(MailMessage::ClaimedUntil))
                    .col(text_null(MailMessage::LastError))
                    .col(time_null(MailMessage::SentAt))
                    .col(time(MailMessage::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_message_once")
                    .table(MailMessage::Table)
                    .col(MailMessage::SubscriptionId)
                    .col(MailMessage::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_message_due")
                    .table(MailMessage::Table)
                    .col(MailMessage::State)
                    .col(MailMessage::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        // A parcel's events since a subscription's cursor.
        manager
            .create_index(
                Index::create()
                    .name("idx_outbound_event_parcel")
                    .table(OutboundEvent::Table)
                    .col(OutboundEvent::ParcelId)
                    .col(OutboundEvent::Seq)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_outbound_event_parcel").table(OutboundEvent::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MailMessage::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MailSubscription::Table).to_owned()).await
    }
}
