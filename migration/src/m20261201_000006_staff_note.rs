//! `tracking_event.staff_note`: what staff write about a manual event for each other (a
//! phone call's details). It is shown on the staff pages only; what the customer may read
//! is the event's description, which staff write separately.
//!
//! Rows stored before are made private here, without waiting for a `waybill replay`: a
//! manual event's note (until now its public description) becomes its staff note and its
//! public status text no longer names the staff member, and Peddler events lose the
//! location they had, which was always the doorstep's coordinates.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000006_staff_note"
    }
}

#[derive(DeriveIden)]
enum TrackingEvent {
    Table,
    StaffNote,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(TrackingEvent::StaffNote).text().null().to_owned();
        manager.alter_table(Table::alter().table(TrackingEvent::Table).add_column(column).to_owned()).await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE tracking_event SET staff_note = description, description = NULL, raw_status = 'Customer service' \
             WHERE substatus = 'manual' AND recorded_by IS NOT NULL",
        )
        .await?;
        db.execute_unprepared("UPDATE tracking_event SET location = NULL WHERE dedupe_key LIKE 'peddler:%'").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(TrackingEvent::Table).drop_column(TrackingEvent::StaffNote).to_owned()).await
    }
}
