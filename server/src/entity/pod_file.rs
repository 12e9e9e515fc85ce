//! A proof-of-delivery entry: a file in the object store under `storage_key`, or proof the
//! carrier keeps (a remote image URL, a barcode or PIN value).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pod_file")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub parcel_id: i64,
    pub raw_delivery_id: Option<i64>,
    pub storage_key: String,
    pub sha256: String,
    pub bytes: i64,
    pub content_type: String,
    pub original_name: Option<String>,
    /// Where it came from: `depot_webhook`, `staff_upload`, or the carrier for its URLs.
    pub source: String,
    /// `photo`, `signature`, `document`, `barcode` or `pin`.
    pub kind: String,
    /// Set for proof that stays at the carrier (Uber's verification images).
    pub remote_url: Option<String>,
    /// Set for proof that is a value, not a file (a scanned barcode, an entered PIN).
    pub value: Option<String>,
    pub created_at: DateTimeUtc,
    /// The staff member who uploaded it, for `staff_upload`.
    pub uploaded_by: Option<String>,
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
