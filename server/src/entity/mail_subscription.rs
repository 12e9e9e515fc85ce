//! A customer's address for one parcel's updates, opted in from its share link
//! (`mail::subscriptions`).
use sea_orm::entity::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)", rename_all = "snake_case")]
pub enum SubscriptionState {
    /// Waiting for the confirmation link to be followed.
    Pending,
    Confirmed,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_subscription")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parcel_id: i64,
    /// Kept for this parcel only; deleted some days after its final status.
    pub email: String,
    /// `en` or `nl`: the language of the page it was made on.
    pub lang: String,
    /// The secret of its confirmation and unsubscribe links.
    pub token: String,
    pub state: SubscriptionState,
    /// The last outbox event of the parcel looked at for it.
    pub cursor: i64,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    /// The brand host it was made on (lower case, no port); none for the default brand.
    pub host: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
