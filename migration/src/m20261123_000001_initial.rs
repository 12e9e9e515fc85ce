//! The first schema: raw deliveries (the source of truth), parcels, their tracking events,
//! POD files and share links.
//!
//! Times are stored as timestamps with time zone (text on SQLite, `timestamptz` on
//! PostgreSQL) and always written in UTC, so they sort the same on both.
use crate::columns::{big, id, text, text_null, time, time_null};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_initial"
    }
}

#[derive(DeriveIden)]
enum RawDelivery {
    Table,
    Id,
    Carrier,
    ReceivedAt,
    Headers,
    ContentType,
    Body,
    PodFile,
    Outcome,
    Error,
    TrackingNumber,
}

#[derive(DeriveIden)]
enum Parcel {
    Table,
    Id,
    Carrier,
    TrackingNumber,
    Status,
    Substatus,
    Eta,
    EtaFrom,
    EtaUntil,
    EtaAsOf,
    StatusAt,
    CourierName,
    CourierVehicle,
    CourierAsOf,
    PickupLat,
    PickupLng,
    DropoffLat,
    DropoffLng,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ParcelReference {
    Table,
    Id,
    ParcelId,
    Reference,
}

#[derive(DeriveIden)]
enum CourierPosition {
    Table,
    Id,
    ParcelId,
    RecordedAt,
    Lat,
    Lng,
}

#[derive(DeriveIden)]
enum TrackingEvent {
    Table,
    Id,
    ParcelId,
    RawDeliveryId,
    OccurredAt,
    Status,
    Substatus,
    RawStatus,
    Description,
    Location,
    Texts,
    StepRank,
    DedupeKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PodFile {
    Table,
    Id,
    ParcelId,
    RawDeliveryId,
    StorageKey,
    Sha256,
    Bytes,
    ContentType,
    OriginalName,
    Source,
    Kind,
    RemoteUrl,
    Value,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ShareLink {
    Table,
    Id,
    ParcelId,
    Token,
    CreatedAt,
    RevokedAt,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RawDelivery::Table)
                    .col(id(RawDelivery::Id))
                    .col(text(RawDelivery::Carrier))
                    .col(time(RawDelivery::ReceivedAt))
                    .col(text(RawDelivery::Headers))
                    .col(text_null(RawDelivery::ContentType))
                    .col(ColumnDef::new(RawDelivery::Body).binary().not_null())
                    // JSON describing a file streamed to the object store with this delivery.
                    .col(text_null(RawDelivery::PodFile))
                    .col(text(RawDelivery::Outcome))
                    .col(text_null(RawDelivery::Error))
                    .col(text_null(RawDelivery::TrackingNumber))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_raw_delivery_outcome", vec![RawDelivery::Outcome, RawDelivery::ReceivedAt]),
            ("idx_raw_delivery_carrier", vec![RawDelivery::Carrier, RawDelivery::ReceivedAt]),
            ("idx_raw_delivery_tracking", vec![RawDelivery::TrackingNumber]),
        ] {
            let mut index = Index::create().name(name).table(RawDelivery::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Parcel::Table)
                    .col(id(Parcel::Id))
                    .col(text(Parcel::Carrier))
                    .col(text(Parcel::TrackingNumber))
                    .col(text(Parcel::Status))
                    .col(text_null(Parcel::Substatus))
                    .col(time_null(Parcel::Eta))
                    // The delivery window, when the carrier gives one.
                    .col(time_null(Parcel::EtaFrom))
                    .col(time_null(Parcel::EtaUntil))
                    // Carrier time of the message the ETA came from: only newer messages move it.
                    .col(time_null(Parcel::EtaAsOf))
                    .col(time_null(Parcel::StatusAt))
                    .col(text_null(Parcel::CourierName))
                    .col(text_null(Parcel::CourierVehicle))
                    .col(time_null(Parcel::CourierAsOf))
                    // Where the courier picks up and drops off, for the share link's map.
                    .col(ColumnDef::new(Parcel::PickupLat).double().null())
                    .col(ColumnDef::new(Parcel::PickupLng).double().null())
                    .col(ColumnDef::new(Parcel::DropoffLat).double().null())
                    .col(ColumnDef::new(Parcel::DropoffLng).double().null())
                    .col(time(Parcel::CreatedAt))
                    .col(time(Parcel::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_parcel_carrier_number")
                    .table(Parcel::Table)
                    .col(Parcel::Carrier)
                    .col(Parcel::TrackingNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_parcel_number").table(Parcel::Table).col(Parcel::TrackingNumber).to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(TrackingEvent::Table)
                    .col(id(TrackingEvent::Id))
                    .col(big(TrackingEvent::ParcelId))
                    .col(ColumnDef::new(TrackingEvent::RawDeliveryId).big_integer().null())
                    .col(time(TrackingEvent::OccurredAt))
                    .col(text(TrackingEvent::Status))
                    .col(text(TrackingEvent::Substatus))
                    .col(text(TrackingEvent::RawStatus))
                    .col(text_null(TrackingEvent::Description))
                    .col(text_null(TrackingEvent::Location))
                    // JSON: the carrier's own texts per language, e.g. {"en":{…},"nl":{…}}.
                    .col(text_null(TrackingEvent::Texts))
                    .col(ColumnDef::new(TrackingEvent::StepRank).integer().not_null())
                    .col(text(TrackingEvent::DedupeKey))
                    .col(time(TrackingEvent::CreatedAt))
                    .foreign_key(&mut fk((TrackingEvent::Table, TrackingEvent::ParcelId), (Parcel::Table, Parcel::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_tracking_event_dedupe")
                    .table(TrackingEvent::Table)
                    .col(TrackingEvent::ParcelId)
                    .col(TrackingEvent::DedupeKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tracking_event_parcel_time")
                    .table(TrackingEvent::Table)
                    .col(TrackingEvent::ParcelId)
                    .col(TrackingEvent::OccurredAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PodFile::Table)
                    .col(ColumnDef::new(PodFile::Id).string_len(36).not_null().primary_key())
                    .col(big(PodFile::ParcelId))
                    .col(ColumnDef::new(PodFile::RawDeliveryId).big_integer().null())
                    .col(text(PodFile::StorageKey))
                    .col(ColumnDef::new(PodFile::Sha256).string_len(64).not_null())
                    .col(big(PodFile::Bytes))
                    .col(text(PodFile::ContentType))
                    .col(text_null(PodFile::OriginalName))
                    .col(text(PodFile::Source))
                    // photo, signature, document, barcode, pin.
                    .col(text(PodFile::Kind))
                    // Set for files that stay at the carrier (e.g. Uber's verification images).
                    .col(text_null(PodFile::RemoteUrl))
                    // Set for proofs that are a value rather than a file (barcode, PIN).
                    .col(text_null(PodFile::Value))
                    .col(time(PodFile::CreatedAt))
                    .foreign_key(&mut fk((PodFile::Table, PodFile::ParcelId), (Parcel::Table, Parcel::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_pod_file_parcel_sha")
                    .table(PodFile::Table)
                    .col(PodFile::ParcelId)
                    .col(PodFile::Sha256)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ParcelReference::Table)
                    .col(id(ParcelReference::Id))
                    .col(big(ParcelReference::ParcelId))
                    .col(text(ParcelReference::Reference))
                    .foreign_key(&mut fk((ParcelReference::Table, ParcelReference::ParcelId), (Parcel::Table, Parcel::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_parcel_reference")
                    .table(ParcelReference::Table)
                    .col(ParcelReference::Reference)
                    .col(ParcelReference::ParcelId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourierPosition::Table)
                    .col(id(CourierPosition::Id))
                    .col(big(CourierPosition::ParcelId))
                    .col(time(CourierPosition::RecordedAt))
                    .col(ColumnDef::new(CourierPosition::Lat).double().not_null())
                    .col(ColumnDef::new(CourierPosition::Lng).double().not_null())
                    .foreign_key(&mut fk((CourierPosition::Table, CourierPosition::ParcelId), (Parcel::Table, Parcel::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_courier_position_time")
                    .table(CourierPosition::Table)
                    .col(CourierPosition::ParcelId)
                    .col(CourierPosition::RecordedAt)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ShareLink::Table)
                    .col(id(ShareLink::Id))
                    .col(big(ShareLink::ParcelId))
                    .col(ColumnDef::new(ShareLink::Token).string_len(64).not_null().unique_key())
                    .col(time(ShareLink::CreatedAt))
                    .col(time_null(ShareLink::RevokedAt))
                    .foreign_key(&mut fk((ShareLink::Table, ShareLink::ParcelId), (Parcel::Table, Parcel::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_share_link_parcel").table(ShareLink::Table).col(ShareLink::ParcelId).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ShareLink::Table.into_iden(),
            CourierPosition::Table.into_iden(),
            ParcelReference::Table.into_iden(),
            PodFile::Table.into_iden(),
            TrackingEvent::Table.into_iden(),
            Parcel::Table.into_iden(),
            RawDelivery::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
