//! Archived bodies stored once and compressed (`raw_body`, keyed by SHA-256 and carrier),
//! the per-carrier zstd dictionaries they may be compressed with (`raw_dictionary`), and on
//! each raw delivery the hash and length of its body. Rows archived before keep their body
//! in `raw_delivery.body`, which stays, empty for new rows.
use crate::columns::{big, id, text, time};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000009_raw_bodies"
    }
}

#[derive(DeriveIden)]
enum RawBody {
    Table,
    Sha256,
    Carrier,
    Size,
    DictionaryId,
    Data,
}

#[derive(DeriveIden)]
enum RawDictionary {
    Table,
    Id,
    Carrier,
    Data,
    TrainedOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RawDelivery {
    Table,
    BodySha256,
    BodySize,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RawBody::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(RawBody::Sha256).binary().not_null())
                    .col(text(RawBody::Carrier))
                    .col(big(RawBody::Size))
                    .col(ColumnDef::new(RawBody::DictionaryId).big_integer().null())
                    .col(ColumnDef::new(RawBody::Data).binary().not_null())
                    .primary_key(Index::create().col(RawBody::Sha256).col(RawBody::Carrier))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RawDictionary::Table)
                    .if_not_exists()
                    .col(id(RawDictionary::Id))
                    .col(text(RawDictionary::Carrier))
                    .col(ColumnDef::new(RawDictionary::Data).binary().not_null())
                    .col(big(RawDictionary::TrainedOn))
                    .col(time(RawDictionary::CreatedAt))
                    .to_owned(),
            )
            .await?;
        let hash = ColumnDef::new(RawDelivery::BodySha256).binary().null().to_owned();
        manager.alter_table(Table::alter().table(RawDelivery::Table).add_column(hash).to_owned()).await?;
        let size = ColumnDef::new(RawDelivery::BodySize).big_integer().null().to_owned();
        manager.alter_table(Table::alter().table(RawDelivery::Table).add_column(size).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(RawDelivery::Table).drop_column(RawDelivery::BodySize).to_owned()).await?;
        manager.alter_table(Table::alter().table(RawDelivery::Table).drop_column(RawDelivery::BodySha256).to_owned()).await?;
        manager.drop_table(Table::drop().table(RawDictionary::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(RawBody::Table).to_owned()).await
    }
}
