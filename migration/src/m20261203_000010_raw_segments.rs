//! `raw_segment`: raw deliveries older than `WAYBILL_RAW_RETENTION_DAYS`, moved out of the
//! database into compressed objects in the object store. Each row names its object, the ids
//! it holds, the object's SHA-256 (checked when `waybill replay` reads it back) and the POD
//! files its deliveries refer to (which `waybill sweep` must keep).
use crate::columns::{big, text, time};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000010_raw_segments"
    }
}

#[derive(DeriveIden)]
enum RawSegment {
    Table,
    Key,
    FirstId,
    LastId,
    Deliveries,
    Bytes,
    Sha256,
    PodKeys,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RawSegment::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(RawSegment::Key).string().not_null().primary_key())
                    .col(big(RawSegment::FirstId))
                    .col(big(RawSegment::LastId))
                    .col(big(RawSegment::Deliveries))
                    .col(big(RawSegment::Bytes))
                    .col(text(RawSegment::Sha256))
                    .col(text(RawSegment::PodKeys))
                    .col(time(RawSegment::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RawSegment::Table).to_owned()).await
    }
}
