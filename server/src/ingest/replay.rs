//! `waybill replay`: rebuilds every event, POD entry and parcel status from the stored raw
//! deliveries, through the same adapters and apply step as live traffic. Parcels and their
//! share links are kept, so links sent to customers keep working.
use super::archive::{storable_error, HELD_FOR_STAFF};
use super::reapply::reapply;
use crate::carriers::Adapters;
use crate::domain::TrackingStatus;
use crate::entity::{courier_position, parcel, parcel_reference, pod_file, raw_delivery, tracking_event};
use app::outcome::Outcome;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryOrder, Set, TransactionTrait};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReplaySummary {
    pub deliveries: u64,
    pub applied: u64,
    pub duplicates: u64,
    pub quarantined: u64,
    pub skipped: u64,
}

/// Rebuilds everything in one transaction: either the whole replay lands or none of it.
#[tracing::instrument(skip_all)]
pub async fn replay_all(db: &DatabaseConnection, adapters: &Adapters) -> Result<ReplaySummary, DbErr> {
    let txn = db.begin().await?;
    pod_file::Entity::delete_many().exec(&txn).await?;
    tracking_event::Entity::delete_many().exec(&txn).await?;
    courier_position::Entity::delete_many().exec(&txn).await?;
    parcel_reference::Entity::delete_many().exec(&txn).await?;
    parcel::Entity::update_many()
        .col_expr(parcel::Column::Status, Expr::value(TrackingStatus::Unknown.as_str()))
        .col_expr(parcel::Column::Substatus, Expr::value(Option::<String>::None))
        .col_expr(parcel::Column::Eta, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .col_expr(parcel::Column::EtaFrom, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .col_expr(parcel::Column::EtaUntil, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .col_expr(parcel::Column::EtaAsOf, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .col_expr(parcel::Column::StatusAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .col_expr(parcel::Column::CourierName, Expr::value(Option::<String>::None))
        .col_expr(parcel::Column::CourierVehicle, Expr::value(Option::<String>::None))
        .col_expr(parcel::Column::CourierAsOf, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .col_expr(parcel::Column::PickupLat, Expr::value(Option::<f64>::None))
        .col_expr(parcel::Column::PickupLng, Expr::value(Option::<f64>::None))
        .col_expr(parcel::Column::DropoffLat, Expr::value(Option::<f64>::None))
        .col_expr(parcel::Column::DropoffLng, Expr::value(Option::<f64>::None))
        .col_expr(parcel::Column::UpdatedAt, Expr::col(parcel::Column::CreatedAt).into())
        .exec(&txn)
        .await?;

    let mut summary = ReplaySummary::default();
    let mut pages = raw_delivery::Entity::find().order_by_asc(raw_delivery::Column::Id).paginate(&txn, 500);
    while let Some(batch) = pages.fetch_and_next().await? {
        for raw in batch {
            summary.deliveries += 1;
            // Staff took these out of the quarantine; they stay out.
            if raw.outcome == Outcome::Discarded {
                summary.skipped += 1;
                continue;
            }
            // Held for a staff decision (a refused file, a database refusal): not replay's.
            if raw.outcome == Outcome::Quarantined && raw.error.as_deref().is_some_and(|e| e.starts_with(HELD_FOR_STAFF)) {
                summary.quarantined += 1;
                continue;
            }
            let (parsed, outcome) = reapply(&txn, adapters, raw.carrier, &raw).await?;
            match outcome {
                Outcome::Applied => summary.applied += 1,
                Outcome::Duplicate => summary.duplicates += 1,
                Outcome::Quarantined | Outcome::Discarded => summary.quarantined += 1,
            }
            if outcome != raw.outcome {
                let mut row: raw_delivery::ActiveModel = raw.into();
                row.outcome = Set(outcome);
                row.error = Set(parsed.as_ref().err().map(|e| storable_error(&e.to_string())));
                row.update(&txn).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(summary)
}
