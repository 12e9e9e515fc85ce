//! `mail_subscription.host`: the brand host (of `WAYBILL_BRANDS_FILE`) the customer
//! subscribed on, so that the mails carry that brand's name, time zone and links; none for
//! the default brand. Subscriptions made before have none, and keep the default.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000014_mail_brand"
    }
}

#[derive(DeriveIden)]
enum MailSubscription {
    Table,
    Host,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(MailSubscription::Host).text().null().to_owned();
        manager.alter_table(Table::alter().table(MailSubscription::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailSubscription::Table).drop_column(MailSubscription::Host).to_owned()).await
    }
}
