//! A merchant system's webhook endpoint, added by staff (`outbound::endpoints`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    /// `ep_…`
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub url: String,
    /// The event kinds it wants, comma-separated; empty: every parcel kind.
    pub events: String,
    /// Only this carrier's parcels, when set.
    pub carrier: Option<app::carrier::Carrier>,
    /// `whsec_…`: shown once when made, never again.
    pub secret: String,
    /// The secret before the last rotation, still signed with until `previous_until`.
    pub previous_secret: Option<String>,
    pub previous_until: Option<DateTimeUtc>,
    /// Whether its events carry the parcel's share link.
    pub share_links: bool,
    /// The last `outbound_event.seq` handed to it.
    pub cursor: i64,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    /// Since when every attempt failed (cleared by a success).
    pub failing_since: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    pub disabled_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
