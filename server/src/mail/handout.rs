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
    for (subscription_id, event_id, kind, data) in worth_telling(db, high).await? {
        let Ok(kind) = kind.parse::<EventKind>() else { continue };
        let Ok(payload) = Payload::from_data(kind, &data) else { continue };
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
/// cursor, up to `high`, of the kinds a mail may tell, in commit order: one query.
async fn worth_telling(db: &impl ConnectionTrait, high: i64) -> Result<Vec<(i64, String, String, String)>, DbErr> {
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
