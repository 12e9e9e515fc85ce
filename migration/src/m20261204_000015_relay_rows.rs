//! Rows of their own for what is not an outbox event: `webhook_delivery.payload`, the
//! payload of a staff member's test send (its `event_seq` is then 0), and
//! `mail_message.recipient`, the address of a staff alert mail (its `subscription_id` is
//! then 0). Test events written to the outbox before are deleted from it: they were for one
//! endpoint each and long sent, and readers of the outbox no longer have to leave them out.
//!
//! `write_turn`, one row: on SQLite every write transaction of the one write door
//! (`db::Writer`) writes it first, so the transaction holds the database's write lock from
//! its first statement. A transaction that reads first and writes later fails at once
//! (`SQLITE_BUSY_SNAPSHOT`, no busy timeout waits it out) when another process wrote in
//! between; one that writes first waits its turn instead.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000015_relay_rows"
    }
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Payload,
    EventSeq,
    State,
    LastError,
}

#[derive(DeriveIden)]
enum MailMessage {
    Table,
    Recipient,
}

#[derive(DeriveIden)]
enum OutboundEvent {
    Table,
    Seq,
    Kind,
}

#[derive(DeriveIden)]
enum WriteTurn {
    Table,
    Id,
    Taken,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let payload = ColumnDef::new(WebhookDelivery::Payload).text().null().to_owned();
        manager.alter_table(Table::alter().table(WebhookDelivery::Table).add_column(payload).to_owned()).await?;
        let recipient = ColumnDef::new(MailMessage::Recipient).text().null().to_owned();
        manager.alter_table(Table::alter().table(MailMessage::Table).add_column(recipient).to_owned()).await?;
        // Their deliveries still waiting are given up: what they would send is gone.
        let test_seqs = Query::select()
            .column(OutboundEvent::Seq)
            .from(OutboundEvent::Table)
            .and_where(Expr::col(OutboundEvent::Kind).eq("webhook.test"))
            .to_owned();
        let given_up = Query::update()
            .table(WebhookDelivery::Table)
            .values([(WebhookDelivery::State, "failed".into()), (WebhookDelivery::LastError, "a test send from before the upgrade".into())])
            .and_where(Expr::col(WebhookDelivery::EventSeq).in_subquery(test_seqs))
            .and_where(Expr::col(WebhookDelivery::State).eq("pending"))
            .to_owned();
        manager.exec_stmt(given_up).await?;
        let tests =
            Query::delete().from_table(OutboundEvent::Table).and_where(Expr::col(OutboundEvent::Kind).eq("webhook.test")).to_owned();
        manager.exec_stmt(tests).await?;
        let turn = Table::create()
            .table(WriteTurn::Table)
            .if_not_exists()
            .col(ColumnDef::new(WriteTurn::Id).integer().not_null().primary_key())
            .col(ColumnDef::new(WriteTurn::Taken).integer().not_null())
            .to_owned();
        manager.create_table(turn).await?;
        let row = Query::insert()
            .into_table(WriteTurn::Table)
            .columns([WriteTurn::Id, WriteTurn::Taken])
            .values_panic([1.into(), 0.into()])
            .to_owned();
        manager.exec_stmt(row).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WriteTurn::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(MailMessage::Table).drop_column(MailMessage::Recipient).to_owned()).await?;
        manager.alter_table(Table::alter().table(WebhookDelivery::Table).drop_column(WebhookDelivery::Payload).to_owned()).await
    }
}
