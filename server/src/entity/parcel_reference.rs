//! Other references a carrier gives a parcel (Uber's `external_id`, Peddler's `id` and
//! `metaData`); tracking lookups by any of them find the parcel.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "parcel_reference")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parcel_id: i64,
    pub reference: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
