//! Staff voids: an event a staff member marked as wrong stays on record (who, when, why)
//! but no longer counts for the status or the pages.
use crate::domain::EventVoid;
use crate::entity::tracking_event;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};

/// Marks the parcel's event with this dedupe key voided; `true` when it stood until now.
pub async fn void_event(
    txn: &DatabaseTransaction,
    parcel_id: i64,
    void: &EventVoid,
    by: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let voided = tracking_event::Entity::update_many()
        .col_expr(tracking_event::Column::VoidedAt, Expr::value(Some(at)))
        .col_expr(tracking_event::Column::VoidedBy, Expr::value(by.map(str::to_string)))
        .col_expr(tracking_event::Column::VoidReason, Expr::value(void.reason.clone()))
        .filter(tracking_event::Column::ParcelId.eq(parcel_id))
        .filter(tracking_event::Column::DedupeKey.eq(&void.dedupe_key))
        .filter(tracking_event::Column::VoidedAt.is_null())
        .exec(txn)
        .await?;
    Ok(voided.rows_affected > 0)
}
