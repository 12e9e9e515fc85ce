//! What is wrong right now, as alerts with stable ids (one per episode), read from the
//! database: parcels under way without news for too long, carriers that usually send and
//! went silent, and a quarantine that grew fast. Each id is derived from what the episode
//! is (the parcel and its last news, the carrier and its last delivery, the hour), so every
//! instance checking at the same time finds the same alerts and the outbox keeps one.
use crate::entity::{parcel, raw_delivery};
use crate::outbox::payload::{QuarantineData, SilentData, StuckData};
use crate::outbox::{event_id, stable_id, stamp, NewEvent, ParcelIdentity, Payload};
use crate::settings::alerts::AlertSettings;
use app::carrier::Carrier;
use app::event_kind::EventKind;
use app::model::TrackingStatus;
use app::outcome::Outcome;
use chrono::{DateTime, DurationRound, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

/// Statuses after which nothing more is expected: such a parcel is never stuck.
const FINISHED: [TrackingStatus; 5] =
    [TrackingStatus::Delivered, TrackingStatus::Returned, TrackingStatus::Canceled, TrackingStatus::Expired, TrackingStatus::Unknown];

/// Parcels stuck longer than this are abandoned, not news: they raise no alert.
const STUCK_AT_MOST: chrono::Duration = chrono::Duration::days(30);

/// Most stuck parcels one check raises.
const STUCK_PER_CHECK: u64 = 100;

/// One alert, as the outbox stores it (its payload has the line for the staff mail and
/// page).
pub type Alert = NewEvent;

/// Every alert that holds at `now`.
pub async fn current_alerts(db: &impl ConnectionTrait, settings: &AlertSettings, now: DateTime<Utc>) -> Result<Vec<Alert>, DbErr> {
    let mut alerts = Vec::new();
    if let Some(after) = settings.stuck_after {
        alerts.extend(stuck_parcels(db, chrono::Duration::from_std(after).unwrap_or(chrono::Duration::MAX), now).await?);
    }
    if let Some(after) = settings.feed_silent_after {
        alerts.extend(
            silent_feeds(db, chrono::Duration::from_std(after).unwrap_or(chrono::Duration::MAX), settings.feed_usual_per_day, now).await?,
        );
    }
    if let Some(per_hour) = settings.quarantine_per_hour {
        alerts.extend(growing_quarantine(db, per_hour, now).await?);
    }
    Ok(alerts)
}

async fn stuck_parcels(db: &impl ConnectionTrait, after: chrono::Duration, now: DateTime<Utc>) -> Result<Vec<Alert>, DbErr> {
    let stuck = parcel::Entity::find()
        .filter(parcel::Column::Status.is_not_in(FINISHED))
        .filter(parcel::Column::UpdatedAt.lt(now - after))
        .filter(parcel::Column::UpdatedAt.gt(now - after - STUCK_AT_MOST))
        .order_by_desc(parcel::Column::UpdatedAt)
        .limit(STUCK_PER_CHECK)
        .all(db)
        .await?;
    Ok(stuck
        .into_iter()
        .map(|p| {
            let identity = ParcelIdentity { carrier: p.carrier, tracking_number: &p.tracking_number };
            let hours = (now - p.updated_at).num_hours();
            Alert {
                event_id: event_id(identity, EventKind::AlertParcelStuck, &[stamp(p.updated_at)]),
                carrier: Some(p.carrier),
                parcel_id: Some(p.id),
                payload: Payload::ParcelStuck(StuckData {
                    summary: format!("{} parcel {} has had no news for {hours} h ({})", p.carrier, p.tracking_number, p.status),
                    carrier: p.carrier,
                    tracking_number: p.tracking_number.clone(),
                    status: p.status,
                    substatus: p.substatus.clone(),
                    occurred_at: p.updated_at,
                    hours_without_news: hours,
                }),
            }
        })
        .collect())
}

async fn silent_feeds(db: &impl ConnectionTrait, after: chrono::Duration, usual: u64, now: DateTime<Utc>) -> Result<Vec<Alert>, DbErr> {
    let carrier_sent = || raw_delivery::Entity::find().filter(raw_delivery::Column::Origin.eq(crate::domain::Origin::Carrier));
    let last: Vec<(Carrier, Option<DateTime<Utc>>)> = carrier_sent()
        .select_only()
        .column(raw_delivery::Column::Carrier)
        .column_as(raw_delivery::Column::ReceivedAt.max(), "last")
        .group_by(raw_delivery::Column::Carrier)
        .into_tuple()
        .all(db)
        .await?;
    let mut alerts = Vec::new();
    for (carrier, last) in last {
        let Some(last) = last.filter(|l| *l < now - after) else { continue };
        let day_before = carrier_sent()
            .filter(raw_delivery::Column::Carrier.eq(carrier))
            .filter(raw_delivery::Column::ReceivedAt.gt(last - chrono::Duration::days(1)))
            .count(db)
            .await?;
        if day_before < usual {
            continue;
        }
        let minutes = (now - last).num_minutes();
        alerts.push(Alert {
            event_id: stable_id(&[EventKind::AlertFeedSilent.as_str(), carrier.as_str(), &stamp(last)]),
            carrier: Some(carrier),
            parcel_id: None,
            payload: Payload::FeedSilent(SilentData {
                summary: format!("{carrier} has sent nothing for {minutes} min, after {day_before} deliveries in the day before"),
                carrier,
                last_delivery_at: last,
                minutes_silent: minutes,
                deliveries_the_day_before: day_before,
            }),
        });
    }
    Ok(alerts)
}

async fn growing_quarantine(db: &impl ConnectionTrait, per_hour: u64, now: DateTime<Utc>) -> Result<Vec<Alert>, DbErr> {
    let quarantined = || raw_delivery::Entity::find().filter(raw_delivery::Column::Outcome.eq(Outcome::Quarantined));
    let last_hour = quarantined().filter(raw_delivery::Column::ReceivedAt.gt(now - chrono::Duration::hours(1))).count(db).await?;
    if last_hour < per_hour {
        return Ok(Vec::new());
    }
    let total = quarantined().count(db).await?;
    // At most one an hour of the clock.
    let hour = now.duration_trunc(chrono::Duration::hours(1)).unwrap_or(now);
    Ok(vec![Alert {
        event_id: stable_id(&[EventKind::AlertQuarantineGrowing.as_str(), &stamp(hour)]),
        carrier: None,
        parcel_id: None,
        payload: Payload::QuarantineGrowing(QuarantineData {
            summary: format!("{last_hour} deliveries went to the quarantine in the last hour ({total} wait there)"),
            quarantined_last_hour: last_hour,
            quarantined: total,
            occurred_at: now,
        }),
    }])
}
