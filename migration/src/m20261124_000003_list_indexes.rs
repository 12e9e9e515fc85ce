//! Indexes for the staff parcel list at scale: its first page (newest update first) and
//! one status's first page read 25 index entries instead of sorting every parcel.
//! `server/tests/integration/query_plans.rs` checks that both databases use them.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000003_list_indexes"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Parcel {
    Table,
    Status,
    UpdatedAt,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let indexes: [(&str, &[Parcel]); 2] = [
            ("idx_parcel_updated", &[Parcel::UpdatedAt, Parcel::Id]),
            ("idx_parcel_status_updated", &[Parcel::Status, Parcel::UpdatedAt, Parcel::Id]),
        ];
        for (name, cols) in indexes {
            let mut index = Index::create().name(name).table(Parcel::Table).to_owned();
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_parcel_status_updated", "idx_parcel_updated"] {
            manager.drop_index(Index::drop().name(name).table(Parcel::Table).to_owned()).await?;
        }
        Ok(())
    }
}
