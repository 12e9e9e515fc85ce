//! The outbox: one row per thing that happened (a parcel's transition, or a staff alert),
//! written only by `crate::outbox`, in the transaction that made it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbound_event")]
pub struct Model {
    /// Commit order: the pull API's cursor and each endpoint's.
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// `evt_…`, derived from (parcel, transition): the same transition always has it.
    pub event_id: String,
    pub kind: app::event_kind::EventKind,
    pub parcel_id: Option<i64>,
    pub carrier: Option<app::carrier::Carrier>,
    pub created_at: DateTimeUtc,
    /// The event's `data` as JSON.
    pub data: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::parcel::Entity", from = "Column::ParcelId", to = "super::parcel::Column::Id")]
    Parcel,
}

impl Related<super::parcel::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Parcel.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
