//! The back office: staff accounts, their API keys (only hashes), the audit log of staff
//! actions, and who recorded a manual event or uploaded a POD file.
//!
//! Sessions live in the session store's own table, which it creates itself
//! (tower-sessions-sqlx-store), so they survive restarts and are shared by every instance.
use crate::columns::{id, text, time};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_staff"
    }
}

#[derive(DeriveIden)]
enum StaffUser {
    Table,
    Id,
    Email,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StaffApiKey {
    Table,
    Id,
    StaffId,
    KeyHash,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    Action,
    Subject,
    Detail,
}

#[derive(DeriveIden)]
enum TrackingEvent {
    Table,
    RecordedBy,
}

#[derive(DeriveIden)]
enum PodFile {
    Table,
    UploadedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffUser::Table)
                    .col(id(StaffUser::Id))
                    .col(text(StaffUser::Email).unique_key().to_owned())
                    // An argon2id PHC string.
                    .col(text(StaffUser::PasswordHash))
                    .col(time(StaffUser::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StaffApiKey::Table)
                    .col(id(StaffApiKey::Id))
                    .col(ColumnDef::new(StaffApiKey::StaffId).big_integer().not_null())
                    // SHA-256 of the key: keys are long random strings, so a fast hash is enough.
                    .col(text(StaffApiKey::KeyHash).unique_key().to_owned())
                    .col(time(StaffApiKey::CreatedAt))
                    .col(ColumnDef::new(StaffApiKey::LastUsedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffApiKey::Table, StaffApiKey::StaffId)
                            .to(StaffUser::Table, StaffUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(id(AuditLog::Id))
                    .col(time(AuditLog::At))
                    .col(text(AuditLog::Actor))
                    .col(text(AuditLog::Action))
                    .col(text(AuditLog::Subject))
                    .col(ColumnDef::new(AuditLog::Detail).text().null())
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_audit_log_at").table(AuditLog::Table).col(AuditLog::At).to_owned()).await?;
        // SQLite adds one column per ALTER TABLE statement.
        manager
            .alter_table(
                Table::alter().table(TrackingEvent::Table).add_column(ColumnDef::new(TrackingEvent::RecordedBy).text().null()).to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(PodFile::Table).add_column(ColumnDef::new(PodFile::UploadedBy).text().null()).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StaffApiKey::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StaffUser::Table).to_owned()).await
    }
}
