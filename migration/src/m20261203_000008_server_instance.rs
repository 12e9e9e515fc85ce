//! `server_instance`: each running server's sign of life, renewed every few seconds, so
//! that `waybill replay` (which rebuilds every parcel) can refuse to run beside a server
//! that is taking deliveries on the same database.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000008_server_instance"
    }
}

#[derive(DeriveIden)]
enum ServerInstance {
    Table,
    Id,
    Host,
    Pid,
    StartedAt,
    SeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServerInstance::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(ServerInstance::Id).string().not_null().primary_key())
                    .col(ColumnDef::new(ServerInstance::Host).string().not_null())
                    .col(ColumnDef::new(ServerInstance::Pid).big_integer().not_null())
                    .col(ColumnDef::new(ServerInstance::StartedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(ServerInstance::SeenAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ServerInstance::Table).to_owned()).await
    }
}
