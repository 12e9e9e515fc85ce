//! Every authenticated webhook request as it arrived: the source of truth that
//! `waybill replay` rebuilds parcels from.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "raw_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier: app::carrier::Carrier,
    pub received_at: DateTimeUtc,
    /// JSON object of the headers worth keeping, secrets removed.
    pub headers: String,
    pub content_type: Option<String>,
    /// The body of rows archived before bodies were stored once (`raw_body`); empty since.
    pub body: Vec<u8>,
    /// The SHA-256 under which `raw_body` keeps this delivery's body (read it through
    /// `ingest::BodyReader`).
    pub body_sha256: Option<Vec<u8>>,
    /// The body's length as it arrived.
    pub body_size: Option<i64>,
    /// JSON of a `StoredPod` when a file came with the delivery.
    pub pod_file: Option<String>,
    pub outcome: app::outcome::Outcome,
    pub error: Option<String>,
    pub tracking_number: Option<String>,
    /// Which parser reads `body`: the carrier's adapter or the staff entry format.
    pub origin: crate::domain::Origin,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
