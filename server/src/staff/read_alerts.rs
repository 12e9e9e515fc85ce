//! The back office's view of the staff alerts: the `alert.*` events of the outbox, newest
//! first, with the line each was raised with.
use crate::entity::{outbound_event, parcel};
use app::event_kind::EventKind;
use app::staff::AlertRow;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

/// Alerts shown.
const SHOWN: u64 = 100;

pub async fn alerts(db: &DatabaseConnection) -> Result<Vec<AlertRow>, DbErr> {
    let rows = outbound_event::Entity::find()
        .filter(outbound_event::Column::Kind.is_in(EventKind::ALERTS))
        .order_by_desc(outbound_event::Column::Seq)
        .limit(SHOWN)
        .find_also_related(parcel::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(event, parcel)| {
            let payload = crate::outbox::payload_of(&event);
            let summary = payload.as_ref().and_then(|p| p.summary()).unwrap_or(event.kind.as_str()).to_string();
            AlertRow {
                at: event.created_at,
                kind: event.kind,
                summary,
                carrier: event.carrier,
                tracking_number: parcel.map(|p| p.tracking_number),
            }
        })
        .collect())
}

pub async fn recent_alerts(db: &DatabaseConnection) -> Result<u64, DbErr> {
    outbound_event::Entity::find()
        .filter(outbound_event::Column::Kind.is_in(EventKind::ALERTS))
        .filter(outbound_event::Column::CreatedAt.gt(Utc::now() - chrono::Duration::hours(24)))
        .count(db)
        .await
}
