//! Raw deliveries moved out of the database into one object (see `ingest::raw_segments`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "raw_segment")]
pub struct Model {
    /// The object's key in the object store.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub first_id: i64,
    pub last_id: i64,
    pub deliveries: i64,
    /// The object's size.
    pub bytes: i64,
    /// Hex SHA-256 of the object.
    pub sha256: String,
    /// JSON array of the POD objects its deliveries refer to.
    pub pod_keys: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
