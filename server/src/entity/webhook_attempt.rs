//! One try at sending a webhook: what came back and how long it took.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub delivery_id: i64,
    pub endpoint_id: String,
    pub at: DateTimeUtc,
    /// The HTTP status, when one came back.
    pub status: Option<i64>,
    pub latency_ms: i64,
    /// The first KB of the answer's body.
    pub answer: Option<String>,
    /// Why no status came back (timeout, refused, a redirect not followed …).
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::webhook_delivery::Entity", from = "Column::DeliveryId", to = "super::webhook_delivery::Column::Id")]
    Delivery,
}

impl Related<super::webhook_delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Delivery.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
