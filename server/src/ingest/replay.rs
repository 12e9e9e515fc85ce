//! `waybill replay`: rebuilds every event, POD entry and parcel status from the stored raw
//! deliveries, through the same adapters and apply step as live traffic, and then every
//! parcel's public view (`public_view`). Parcels and their
//! share links are kept, so links sent to customers keep working. The archive is read in
//! id order from both of its places: the segments moved to the object store
//! (`raw_segments`) and the rows still in the database, merged. (A delivery discarded from
//! the quarantine after newer ones moved lands in a later segment; applying is independent
//! of order, so only which copy of a repeated delivery counts as the duplicate can differ.)
use super::archive::{storable_error, HELD_FOR_STAFF};
use super::raw_body::BodyReader;
use super::raw_segments::{read_segment, SegmentError};
use super::reapply::{reapply, Reapplied};
use crate::carriers::Adapters;
use crate::domain::TrackingStatus;
use crate::entity::{courier_position, parcel, parcel_reference, pod_file, raw_delivery, raw_segment, tracking_event};
use crate::storage::PodStore;
use app::outcome::Outcome;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, QueryOrder, Set};
use std::collections::VecDeque;

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
pub async fn replay_all(writer: &crate::db::Writer, store: &PodStore, adapters: &Adapters) -> Result<ReplaySummary, SegmentError> {
    let txn = writer.begin().await?;
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
    let mut reader = BodyReader::default();
    let segments = raw_segment::Entity::find().order_by_asc(raw_segment::Column::FirstId).all(&txn).await?;
    let mut segments = segments.iter();
    let mut pages = raw_delivery::Entity::find().order_by_asc(raw_delivery::Column::Id).paginate(&txn, 500);
    let (mut from_segment, mut from_database) = (VecDeque::new(), VecDeque::new());
    loop {
        if from_segment.is_empty() {
            if let Some(segment) = segments.next() {
                from_segment = read_segment(store, segment).await?.into();
            }
        }
        if from_database.is_empty() {
            if let Some(batch) = pages.fetch_and_next().await? {
                let bodies = reader.bodies_of(&txn, &batch).await?;
                from_database = batch.into_iter().zip(bodies).collect();
            }
        }
        let in_database = match (from_segment.front(), from_database.front()) {
            (None, None) => break,
            (Some((moved, _)), Some((kept, _))) => kept.id < moved.id,
            (_, kept) => kept.is_some(),
        };
        let next = if in_database { from_database.pop_front() } else { from_segment.pop_front() };
        let Some((raw, body)) = next else { break };
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
        let Reapplied { parsed, outcome, .. } = reapply(&txn, adapters, raw.carrier, &raw, &body, None).await?;
        match outcome {
            Outcome::Applied => summary.applied += 1,
            Outcome::Duplicate => summary.duplicates += 1,
            Outcome::Quarantined | Outcome::Discarded => summary.quarantined += 1,
        }
        // A moved delivery's outcome stays as its segment has it.
        if in_database && outcome != raw.outcome {
            let mut row: raw_delivery::ActiveModel = raw.into();
            row.outcome = Set(outcome);
            row.error = Set(parsed.as_ref().err().map(|e| storable_error(&e.to_string())));
            row.update(&txn).await?;
        }
    }
    // Every parcel's view, once, from what the replay left (a parcel no delivery applies
    // to any more is shown as it now stands, too).
    super::public_view::refresh_all(&txn).await?;
    txn.commit().await?;
    Ok(summary)
}
