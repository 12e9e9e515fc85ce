//! The staff parcel search: partial tracking number or carrier reference, status, carrier,
//! date range of the last update, and "stuck" (not finished, no event for N days); with
//! counts per status and pages. The CSV export runs the same filter.
use crate::domain::TrackingStatus;
use crate::entity::{parcel, parcel_reference};
use app::staff::{ParcelQuery, ParcelRow, ParcelSearchPage};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::HashMap;

/// Rows per page of every staff list.
pub const PER_PAGE: u64 = 25;

/// Statuses after which nothing more is expected, so such a parcel is never "stuck".
const FINISHED: [TrackingStatus; 4] =
    [TrackingStatus::Delivered, TrackingStatus::Returned, TrackingStatus::Canceled, TrackingStatus::Expired];

/// Midnight UTC of a `YYYY-MM-DD` day.
pub fn day_start(day: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
}

/// `LIKE` pattern for "contains", with the wildcards in the text taken literally.
fn contains_pattern(text: &str) -> String {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The search's filter; without the status filter for the per-status counts.
pub fn condition(query: &ParcelQuery, with_status: bool) -> Condition {
    let mut all = Condition::all();
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = contains_pattern(q);
        let like = |col: Expr| Expr::expr(Func::lower(col)).like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'));
        let by_reference = Query::select()
            .column(parcel_reference::Column::ParcelId)
            .from(parcel_reference::Entity)
            .and_where(like(Expr::col(parcel_reference::Column::Reference)))
            .to_owned();
        all = all.add(
            Condition::any()
                .add(like(Expr::col((parcel::Entity, parcel::Column::TrackingNumber))))
                .add(parcel::Column::Id.in_subquery(by_reference)),
        );
    }
    if with_status {
        if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
            all = all.add(parcel::Column::Status.eq(status));
        }
    }
    if let Some(carrier) = query.carrier.as_deref().filter(|c| !c.is_empty()) {
        all = all.add(parcel::Column::Carrier.eq(carrier));
    }
    if let Some(from) = query.from.as_deref().and_then(day_start) {
        all = all.add(parcel::Column::UpdatedAt.gte(from));
    }
    if let Some(until) = query.until.as_deref().and_then(day_start) {
        all = all.add(parcel::Column::UpdatedAt.lt(until + chrono::Duration::days(1)));
    }
    if let Some(days) = query.stuck_days.filter(|d| *d > 0) {
        let quiet_since = Utc::now() - chrono::Duration::days(i64::from(days));
        all = all.add(parcel::Column::UpdatedAt.lt(quiet_since)).add(parcel::Column::Status.is_not_in(FINISHED));
    }
    all
}

/// Every reference of these parcels, by parcel id.
pub async fn references_of(db: &DatabaseConnection, ids: Vec<i64>) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut by_parcel: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by_parcel);
    }
    for reference in parcel_reference::Entity::find().filter(parcel_reference::Column::ParcelId.is_in(ids)).all(db).await? {
        by_parcel.entry(reference.parcel_id).or_default().push(reference.reference);
    }
    Ok(by_parcel)
}

pub fn row(parcel: parcel::Model, references: &mut HashMap<i64, Vec<String>>) -> ParcelRow {
    ParcelRow {
        references: references.remove(&parcel.id).unwrap_or_default(),
        carrier: parcel.carrier,
        tracking_number: parcel.tracking_number,
        status: parcel.status,
        created_at: parcel.created_at,
        updated_at: parcel.updated_at,
    }
}

/// The parcels a search finds, most recently updated first: the page, the CSV export and
/// the query-plan test (`queries::hot_queries`) all read this one query.
pub fn matching(query: &ParcelQuery) -> Select<parcel::Entity> {
    parcel::Entity::find().filter(condition(query, true)).order_by_desc(parcel::Column::UpdatedAt).order_by_desc(parcel::Column::Id)
}

pub async fn search(db: &DatabaseConnection, query: &ParcelQuery) -> Result<ParcelSearchPage, DbErr> {
    let pages = matching(query).paginate(db, PER_PAGE);
    let total = pages.num_items().await?;
    let page_count = total.div_ceil(PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, page_count);
    let parcels = pages.fetch_page(page - 1).await?;
    let mut references = references_of(db, parcels.iter().map(|p| p.id).collect()).await?;
    let rows = parcels.into_iter().map(|p| row(p, &mut references)).collect();

    let mut status_counts: Vec<(TrackingStatus, i64)> = parcel::Entity::find()
        .select_only()
        .column(parcel::Column::Status)
        .column_as(parcel::Column::Id.count(), "n")
        .filter(condition(query, false))
        .group_by(parcel::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    // In journey order, as the status filter lists them.
    status_counts.sort_by_key(|(status, _)| status.step_rank());
    Ok(ParcelSearchPage {
        rows,
        total,
        page,
        pages: page_count,
        status_counts: status_counts.into_iter().map(|(s, n)| (s, n.max(0) as u64)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_typed_by_staff_match_themselves() {
        assert_eq!(contains_pattern("AB_1%"), "%ab\\_1\\%%");
    }

    #[test]
    fn a_day_starts_at_midnight_utc_and_nonsense_is_ignored() {
        assert_eq!(day_start("2026-11-23").unwrap().to_rfc3339(), "2026-11-23T00:00:00+00:00");
        assert!(day_start("23/11/2026").is_none());
    }
}
