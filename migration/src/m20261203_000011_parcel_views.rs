//! `parcel_view`: what a parcel's public surfaces show, written by the one write path in
//! the same transaction as the change (`server::ingest::public_view`), so that a customer's
//! lookup is one indexed read whatever the number of events. `number_key` is the tracking
//! number as a lookup compares it (`app::lookup::lookup_key`); `version` counts the
//! rewrites; `document` is the public view as JSON; `lookup_keys` every key the parcel is
//! found by (its number's and its references'), one per line, so that a new reference is
//! told to the page cache like a change of the view.
use crate::columns::{big, text};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000011_parcel_views"
    }
}

#[derive(DeriveIden)]
enum ParcelView {
    Table,
    ParcelId,
    Carrier,
    NumberKey,
    Version,
    Document,
    LookupKeys,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ParcelView::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(ParcelView::ParcelId).big_integer().not_null().primary_key())
                    .col(text(ParcelView::Carrier))
                    .col(text(ParcelView::NumberKey))
                    .col(big(ParcelView::Version))
                    .col(text(ParcelView::Document))
                    .col(text(ParcelView::LookupKeys))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_parcel_view_number_key").table(ParcelView::Table).col(ParcelView::NumberKey).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ParcelView::Table).to_owned()).await
    }
}
