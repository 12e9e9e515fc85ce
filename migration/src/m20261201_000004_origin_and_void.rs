//! Two columns that make stored work say what it is, instead of leaving it to a header:
//! - `raw_delivery.origin` (`carrier` or `staff`): which parser reads a raw delivery is
//!   decided by the route that took it, never by the content type its sender chose. Rows
//!   written before this column existed were told apart by content type alone; only the
//!   ones that staff actions wrote (their archived headers name the staff member and
//!   nothing else) are marked `staff`, so a carrier's body that posed as staff work is read
//!   as the carrier's from now on.
//! - `tracking_event.voided_at`, `voided_by`, `void_reason`: staff can void a wrong event
//!   (a carrier's clock in 2099). The void is itself a raw delivery of staff work, so
//!   replay sets these again.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000004_origin_and_void"
    }
}

#[derive(DeriveIden)]
enum RawDelivery {
    Table,
    Origin,
}

#[derive(DeriveIden)]
enum TrackingEvent {
    Table,
    VoidedAt,
    VoidedBy,
    VoidReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RawDelivery::Table)
                    .add_column(ColumnDef::new(RawDelivery::Origin).text().not_null().default("carrier"))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE raw_delivery SET origin = 'staff' \
                 WHERE content_type = 'application/vnd.waybill.staff+json' AND headers LIKE '{\"x-waybill-staff\":%'",
            )
            .await?;
        // SQLite adds one column per statement.
        for column in [
            ColumnDef::new(TrackingEvent::VoidedAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(TrackingEvent::VoidedBy).text().null().to_owned(),
            ColumnDef::new(TrackingEvent::VoidReason).text().null().to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(TrackingEvent::Table).add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [TrackingEvent::VoidReason, TrackingEvent::VoidedBy, TrackingEvent::VoidedAt] {
            manager.alter_table(Table::alter().table(TrackingEvent::Table).drop_column(column).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(RawDelivery::Table).drop_column(RawDelivery::Origin).to_owned()).await
    }
}
