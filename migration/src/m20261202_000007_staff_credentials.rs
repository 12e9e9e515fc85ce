//! Staff credentials that can be seen and ended:
//! - `staff_api_key.key_prefix`: the key's first characters, shown when keys are listed so
//!   staff can tell them apart (the key itself is never stored; keys made before this have
//!   none);
//! - `staff_user.password_changed_at`: sessions that began before it are over.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000007_staff_credentials"
    }
}

#[derive(DeriveIden)]
enum StaffApiKey {
    Table,
    KeyPrefix,
}

#[derive(DeriveIden)]
enum StaffUser {
    Table,
    PasswordChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let prefix = ColumnDef::new(StaffApiKey::KeyPrefix).string().null().to_owned();
        manager.alter_table(Table::alter().table(StaffApiKey::Table).add_column(prefix).to_owned()).await?;
        let changed = ColumnDef::new(StaffUser::PasswordChangedAt).timestamp_with_time_zone().null().to_owned();
        manager.alter_table(Table::alter().table(StaffUser::Table).add_column(changed).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(StaffApiKey::Table).drop_column(StaffApiKey::KeyPrefix).to_owned()).await?;
        manager.alter_table(Table::alter().table(StaffUser::Table).drop_column(StaffUser::PasswordChangedAt).to_owned()).await
    }
}
