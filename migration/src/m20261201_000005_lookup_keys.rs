//! Indexes on the tracking number as a customer's lookup compares it: upper case, without
//! spaces and dashes ("wb-demo-1002" and "WB DEMO 1002" find "WB-DEMO-1002"), for parcels,
//! their other references and the quarantine ("updates pending"). Expression indexes, so the stored number stays exactly as
//! the carrier sent it and no write path computes a second column. The expression must
//! match `server::queries::LOOKUP_KEY_SQL` character for character (SQLite only uses an
//! expression index for the identical expression).
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000005_lookup_keys"
    }
}

const INDEXES: [(&str, &str, &str); 3] = [
    ("idx_parcel_lookup_key", "parcel", "tracking_number"),
    ("idx_parcel_reference_lookup_key", "parcel_reference", "reference"),
    ("idx_raw_delivery_lookup_key", "raw_delivery", "tracking_number"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, column) in INDEXES {
            let sql = format!("CREATE INDEX {name} ON {table} ((UPPER(REPLACE(REPLACE({column}, '-', ''), ' ', ''))))");
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _, _) in INDEXES {
            manager.get_connection().execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
