//! From the outbox to the mail queue, set-based: one round reads the window of outbox
//! events after the lowest cursor of the confirmed subscriptions (`relay::window`), joins it
//! with the subscriptions of those events' parcels in one query (each subscription's own
//! events after its own cursor), and in one write through the door queues the mails they
//! are worth (`compose::kind_of`; at most once per subscription and event: a unique key)
//! and moves every cursor below the window's end to it. So a round costs the same few
//! statements however many parcels are subscribed, and writes nothing when nothing is new.
use super::compose::kind_of;
use crate::db::Writer;
use crate::entity::mail_subscription::{self, SubscriptionState};
use crate::entity::{mail_message, outbound_event};
use crate::outbox::Payload;
use crate::relay::{window::window_end, DeliveryState};
use app::event_kind::EventKind;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};

/// Events read per round.
const EVENTS_PER_ROUND: u64 = 500;

/// Mails queued per insert: 9 bound values each.
const ROWS_PER_INSERT: usize = 2000;

/// Queues the mails new events are worth; returns how many.
pub async fn hand_out(writer: &Writer) -> Result<u64, DbErr> {
    let db = writer.db();
    let low: Option<Option<i64>> = mail_subscription::Entity::find()
        .select_only()
        .column_as(mail_subscription::Column::Cursor.min(), "low")
        .filter(mail_subscription::Column::State.eq(SubscriptionState::Confirmed))
        .into_tuple()
        .one(db)
        .await?;
    let Some(low) = low.flatten() else { return Ok(0) };
    let Some(high) = window_end(db, low, EVENTS_PER_ROUND).await? else { return Ok(0) };
    let now = Utc::now();
    let mut rows = Vec::new();
    for (subscription_id, event_id, kind, data) in worth_telling(db, low, high).await? {
        let payload = kind.parse::<EventKind>().ok().and_then(|kind| Payload::from_data(kind, &data).ok());
        let Some(payload) = payload else {
            tracing::error!(event = %event_id, "an outbox event's data does not read as its kind; no mail for it");
            continue;
        };
        let Some(mail) = kind_of(&payload) else { continue };
        rows.push(mail_message::ActiveModel {
            subscription_id: Set(subscription_id),
            event_id: Set(event_id),
            kind: Set(mail.as_str().to_string()),
            data: Set(serde_json::to_string(&payload).unwrap_or_default()),
            state: Set(DeliveryState::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            recipient: Set(None),
            ..Default::default()
        });
    }
    let made = rows.len() as u64;
    let txn = writer.begin().await?;
    while !rows.is_empty() {
        let chunk: Vec<_> = rows.drain(..rows.len().min(ROWS_PER_INSERT)).collect();
        let once = OnConflict::columns([mail_message::Column::SubscriptionId, mail_message::Column::EventId]).do_nothing().to_owned();
        mail_message::Entity::insert_many(chunk).on_conflict(once).exec_without_returning(&txn).await?;
    }
    // Every event up to `high` has been looked at for every confirmed subscription (one
    // confirmed since has its cursor at its parcel's newest event, committed before `high`
    // was read, so moving it on skips nothing).
    mail_subscription::Entity::update_many()
        .col_expr(mail_subscription::Column::Cursor, Expr::value(high))
        .filter(mail_subscription::Column::State.eq(SubscriptionState::Confirmed))
        .filter(mail_subscription::Column::Cursor.lt(high))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(made)
}

/// (subscription, event id, kind, data) of each confirmed subscription's events after its
/// cursor, in the window (`low`, `high`], of the kinds a mail may tell, in commit order: one
/// query.
async fn worth_telling(db: &impl ConnectionTrait, low: i64, high: i64) -> Result<Vec<(i64, String, String, String)>, DbErr> {
    use mail_subscription::Column as S;
    use outbound_event::Column as E;
    let (subscription, event) = (mail_subscription::Entity, outbound_event::Entity);
    let query = Query::select()
        .expr_as(Expr::col((subscription, S::Id)), sea_orm::sea_query::Alias::new("subscription_id"))
        .column((event, E::EventId))
        .column((event, E::Kind))
        .column((event, E::Data))
        .from(event)
        .inner_join(subscription, Expr::col((subscription, S::ParcelId)).equals((event, E::ParcelId)))
        .and_where(Expr::col((subscription, S::State)).eq(SubscriptionState::Confirmed))
        .and_where(Expr::col((event, E::Seq)).gt(Expr::col((subscription, S::Cursor))))
        .and_where(Expr::col((event, E::Seq)).gt(low))
        .and_where(Expr::col((event, E::Seq)).lte(high))
        .and_where(Expr::col((event, E::Kind)).is_in([EventKind::StatusChanged, EventKind::EtaChanged]))
        .order_by((event, E::Seq), sea_orm::Order::Asc)
        .to_owned();
    let rows = db.query_all(db.get_database_backend().build(&query)).await?;
    rows.iter()
        .map(|row| {
            Ok((row.try_get("", "subscription_id")?, row.try_get("", "event_id")?, row.try_get("", "kind")?, row.try_get("", "data")?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::payload::{ParcelFacts, StatusData};
    use app::carrier::Carrier;
    use app::model::TrackingStatus;
    use sea_orm::{DatabaseConnection, PaginatorTrait};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Parcels that get news in each case: what changes is only how many are subscribed.
    const WITH_NEWS: i64 = 10;

    /// A database with `parcels` confirmed subscriptions, the first [`WITH_NEWS`] parcels
    /// with one event worth a mail each, whose connection counts the statements it runs.
    async fn subscribed(parcels: i64) -> (tempfile::TempDir, DatabaseConnection, Arc<AtomicUsize>) {
        let dir = tempfile::tempdir().unwrap();
        let mut db = crate::db::connect(&format!("sqlite://{}/h.db?mode=rwc", dir.path().display())).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let now = Utc::now();
        let subscriptions = (1..=parcels).map(|parcel| mail_subscription::ActiveModel {
            parcel_id: Set(parcel),
            email: Set(format!("c{parcel}@example.com")),
            lang: Set("en".into()),
            token: Set(format!("token-{parcel}")),
            state: Set(SubscriptionState::Confirmed),
            cursor: Set(0),
            created_at: Set(now),
            ..Default::default()
        });
        mail_subscription::Entity::insert_many(subscriptions).exec_without_returning(&db).await.unwrap();
        let events = (1..=WITH_NEWS).map(|parcel| {
            let payload = Payload::StatusChanged(StatusData {
                parcel: ParcelFacts {
                    carrier: Carrier::Peddler,
                    tracking_number: format!("HO-{parcel}"),
                    status: TrackingStatus::OutForDelivery,
                    substatus: None,
                    occurred_at: now,
                    eta: None,
                    eta_window: None,
                },
                previous_status: TrackingStatus::InTransit,
                previous_substatus: None,
            });
            outbound_event::ActiveModel {
                event_id: Set(format!("evt_{parcel}")),
                kind: Set(payload.kind()),
                parcel_id: Set(Some(parcel)),
                carrier: Set(Some(Carrier::Peddler)),
                created_at: Set(now),
                data: Set(payload.data().to_string()),
                ..Default::default()
            }
        });
        for chunk in events.collect::<Vec<_>>().chunks(500) {
            outbound_event::Entity::insert_many(chunk.to_vec()).exec_without_returning(&db).await.unwrap();
        }
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        (dir, db, statements)
    }

    /// Statements one hand-out ran, and the mails it queued.
    async fn hand_out_counting(parcels: i64) -> (usize, u64, usize, u64) {
        let (_dir, db, statements) = subscribed(parcels).await;
        let writer = Writer::new(&db);
        let made = hand_out(&writer).await.unwrap();
        let first = statements.swap(0, Ordering::Relaxed);
        let again = hand_out(&writer).await.unwrap();
        let second = statements.load(Ordering::Relaxed);
        assert_eq!(mail_message::Entity::find().count(&db).await.unwrap(), WITH_NEWS as u64, "one mail per parcel with news");
        (first, made, second, again)
    }

    #[tokio::test]
    async fn a_hand_out_runs_as_many_statements_for_1000_subscribed_parcels_as_for_10() {
        let (few, made_few, few_again, _) = hand_out_counting(10).await;
        let (many, made_many, many_again, again) = hand_out_counting(1000).await;
        assert_eq!((made_few, made_many), (WITH_NEWS as u64, WITH_NEWS as u64));
        assert_eq!(few, many, "statements at 10 and at 1,000 subscribed parcels");
        assert!(many <= 8, "a handful of statements, not one per parcel: {many}");
        assert_eq!(again, 0, "nothing new the second time");
        assert_eq!(few_again, many_again);
        assert!(many_again <= 3, "with nothing new only reads, no write: {many_again}");
    }
}
