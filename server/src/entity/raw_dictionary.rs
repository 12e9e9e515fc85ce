//! A zstd dictionary trained on one carrier's bodies (see `ingest::dictionaries`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "raw_dictionary")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier: app::carrier::Carrier,
    pub data: Vec<u8>,
    /// How many bodies it was trained on.
    pub trained_on: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
