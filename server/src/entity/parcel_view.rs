//! What a parcel's public surfaces show, as the write path last wrote it
//! (`ingest::public_view`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "parcel_view")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub parcel_id: i64,
    pub carrier: app::carrier::Carrier,
    /// The tracking number as a lookup compares it (`app::lookup::lookup_key`).
    pub number_key: String,
    /// How many times the write path wrote this row.
    pub version: i64,
    /// `app::model::ParcelView` as JSON, without what depends on the time of reading.
    pub document: String,
    /// Every lookup key the parcel is found by, one per line (number first).
    pub lookup_keys: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
