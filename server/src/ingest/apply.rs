//! Applies one normalized delivery to the database inside the caller's transaction:
//! find or create the parcel, insert events and POD that are new (dedupe by key), void the
//! events staff voided, then recompute the current status from the standing event with the
//! latest carrier time.
//!
//! It takes a transaction rather than opening one so that many deliveries can later share
//! one commit (group commit) without changing this code.
use super::current_status::{of_first_events, CurrentStatus};
use super::new_share_token;
use super::rows;
use crate::domain::{EventVoid, NormalizedDelivery, TrackingStatus};
use crate::entity::{parcel, share_link, tracking_event};
use crate::storage::StoredPod;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, Set,
};

/// What applying changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub parcel_id: i64,
    /// Nothing new: every event, the POD and the ETA were already known.
    pub duplicate: bool,
}

/// Inserts `row`, or does nothing if a unique key says it exists; `true` when inserted.
pub(super) async fn insert_if_new<A>(txn: &DatabaseTransaction, row: A, on_conflict: OnConflict) -> Result<bool, DbErr>
where
    A: ActiveModelTrait,
    <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    match <A::Entity as EntityTrait>::insert(row).on_conflict(on_conflict).exec_without_returning(txn).await {
        Ok(rows) => Ok(rows > 0),
        Err(DbErr::RecordNotInserted) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `received_at` is when the raw delivery arrived; it stamps new rows so that a replay of
/// the same deliveries writes the same values.
pub async fn apply_delivery(
    txn: &DatabaseTransaction,
    raw_delivery_id: Option<i64>,
    delivery: &NormalizedDelivery,
    pod: Option<&StoredPod>,
    received_at: DateTime<Utc>,
) -> Result<Applied, DbErr> {
    let (parcel, created) = find_or_create_parcel(txn, delivery, received_at).await?;
    // Events decide the status and `updated_at`; only when they change is the status
    // recomputed (two fewer queries for a courier ping that repeats the status).
    let mut events_changed = false;

    for event in &delivery.events {
        let row = rows::event_row(parcel.id, raw_delivery_id, delivery, event, received_at);
        events_changed |= insert_if_new(txn, row, rows::keep_earliest()).await?;
    }

    for void in &delivery.voids {
        events_changed |= void_event(txn, parcel.id, void, delivery.recorded_by.as_deref(), received_at).await?;
    }

    let mut changed = events_changed;
    changed |= super::apply_extras::apply_references(txn, parcel.id, &delivery.references).await?;
    changed |= super::apply_extras::apply_remote_pods(txn, parcel.id, raw_delivery_id, delivery, received_at).await?;
    changed |= super::apply_extras::apply_courier(txn, &parcel, delivery.courier.as_ref()).await?;

    if let Some(pod) = pod {
        let row = rows::uploaded_pod_row(parcel.id, raw_delivery_id, delivery, pod, received_at);
        changed |= insert_if_new(txn, row, rows::pod_conflict()).await?;
    }

    let mut update: parcel::ActiveModel = parcel.clone().into();
    let parcel_changed = super::apply_extras::merge_eta(&mut update, &parcel, delivery.eta.as_ref())
        | super::apply_extras::merge_courier(&mut update, &parcel, delivery.courier.as_ref())
        | super::apply_extras::merge_route(&mut update, &parcel, delivery.route.as_ref());
    if events_changed {
        // A parcel this delivery created has no other events: no need to ask the database.
        let current = match created.then(|| of_first_events(&delivery.events)).flatten() {
            Some(current) => current,
            None => stored_status(txn, parcel.id).await?,
        };
        set_status(&mut update, current);
    }
    if events_changed || parcel_changed {
        update.update(txn).await?;
    }
    Ok(Applied { parcel_id: parcel.id, duplicate: !(changed || parcel_changed) })
}

/// Marks the parcel's event with this dedupe key voided; `true` when it stood until now.
async fn void_event(
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

async fn find_or_create_parcel(
    txn: &DatabaseTransaction,
    delivery: &NormalizedDelivery,
    received_at: DateTime<Utc>,
) -> Result<(parcel::Model, bool), DbErr> {
    let carrier = delivery.carrier.as_str();
    let number = delivery.tracking_number.as_str();
    let row = parcel::ActiveModel {
        carrier: Set(carrier.to_string()),
        tracking_number: Set(number.to_string()),
        status: Set(TrackingStatus::Unknown.as_str().to_string()),
        created_at: Set(received_at),
        updated_at: Set(received_at),
        ..Default::default()
    };
    // PostgreSQL: serialize concurrent applies to one parcel so the status recompute sees
    // every committed event. SQLite writers are already serialized by the write gate.
    let find = || {
        let query = parcel::Entity::find().filter(parcel::Column::Carrier.eq(carrier)).filter(parcel::Column::TrackingNumber.eq(number));
        if txn.get_database_backend() == DbBackend::Postgres {
            query.lock_exclusive()
        } else {
            query
        }
    };
    // Most deliveries are about a parcel already known: one query.
    if let Some(parcel) = find().one(txn).await? {
        return Ok((parcel, false));
    }
    let conflict = OnConflict::columns([parcel::Column::Carrier, parcel::Column::TrackingNumber]).do_nothing().to_owned();
    let (parcel, created) = match parcel::Entity::insert(row).on_conflict(conflict).exec_with_returning(txn).await {
        Ok(parcel) => (parcel, true),
        // Created meanwhile by another writer (PostgreSQL): read it, locked.
        Err(DbErr::RecordNotInserted | DbErr::RecordNotFound(_)) => {
            let parcel = find().one(txn).await?.ok_or_else(|| DbErr::RecordNotFound(format!("parcel {carrier}/{number}")))?;
            (parcel, false)
        }
        Err(e) => return Err(e),
    };
    if created {
        share_link::ActiveModel {
            parcel_id: Set(parcel.id),
            token: Set(new_share_token()),
            created_at: Set(received_at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok((parcel, created))
}

/// The current status as the database's events give it: the known-status event with the
/// latest carrier time, ties going to the later journey step; `unknown` events never set it.
async fn stored_status(txn: &DatabaseTransaction, parcel_id: i64) -> Result<CurrentStatus, DbErr> {
    let latest_known = crate::queries::latest_known_event(parcel_id).one(txn).await?;
    let latest: Option<DateTime<Utc>> = tracking_event::Entity::find()
        .select_only()
        .column_as(tracking_event::Column::OccurredAt.max(), "latest")
        .filter(tracking_event::Column::ParcelId.eq(parcel_id))
        .filter(tracking_event::Column::VoidedAt.is_null())
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(txn)
        .await?
        .flatten();
    let status = latest_known.map(|e| (TrackingStatus::parse(&e.status).unwrap_or(TrackingStatus::Unknown), e.substatus, e.occurred_at));
    Ok(CurrentStatus { status, latest })
}

/// Writes the recomputed status; a parcel left without a standing known event (its only
/// one voided) is `unknown` again, and one without any standing event is as updated as when
/// it was created.
pub(super) fn set_status(update: &mut parcel::ActiveModel, current: CurrentStatus) {
    match current.status {
        Some((status, substatus, at)) => {
            update.status = Set(status.as_str().to_string());
            update.substatus = Set(Some(substatus));
            update.status_at = Set(Some(at));
        }
        None => {
            update.status = Set(TrackingStatus::Unknown.as_str().to_string());
            update.substatus = Set(None);
            update.status_at = Set(None);
        }
    }
    match current.latest {
        Some(latest) => update.updated_at = Set(latest),
        None => {
            if let Some(created) = update.created_at.try_as_ref() {
                update.updated_at = Set(*created);
            }
        }
    }
}
