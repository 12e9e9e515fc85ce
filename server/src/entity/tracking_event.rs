//! One normalized event on a parcel's timeline, unique per parcel by its dedupe key.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tracking_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parcel_id: i64,
    pub raw_delivery_id: Option<i64>,
    pub occurred_at: DateTimeUtc,
    pub status: app::model::TrackingStatus,
    pub substatus: String,
    pub raw_status: String,
    pub description: Option<String>,
    pub location: Option<String>,
    /// JSON of the carrier's own texts per language (`{"en":{"headline":…},"nl":…}`).
    pub texts: Option<String>,
    pub step_rank: i32,
    pub dedupe_key: String,
    /// The staff member who recorded a manual event (a phone call, a depot scan).
    pub recorded_by: Option<String>,
    pub created_at: DateTimeUtc,
    /// Set when staff voided the event (a wrong clock, a mistaken scan): it no longer sets
    /// the status, customers do not see it, and staff see it struck through.
    pub voided_at: Option<DateTimeUtc>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
    /// What staff wrote about a manual event for each other; never shown to customers.
    pub staff_note: Option<String>,
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
