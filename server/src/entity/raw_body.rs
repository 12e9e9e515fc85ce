//! An archived body, once per (SHA-256, carrier), zstd-compressed (see `ingest::raw_body`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "raw_body")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sha256: Vec<u8>,
    #[sea_orm(primary_key, auto_increment = false)]
    pub carrier: app::carrier::Carrier,
    /// The body's length as it arrived.
    pub size: i64,
    /// The `raw_dictionary` it was compressed with, if any.
    pub dictionary_id: Option<i64>,
    pub data: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
