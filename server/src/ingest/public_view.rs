//! The read model as the write path writes it: after a batch changed parcels, the same
//! transaction rewrites each one's `parcel_view` row (its public view as JSON: status, ETA,
//! timeline) when that view changed, so that a customer's lookup reads one row per parcel
//! however long its timeline is (`read_model`). It returns what changed, for the caller to
//! publish once the transaction has committed (`changes::ParcelChanges`); on PostgreSQL
//! the same transaction also sends the change to other instances (`NOTIFY`, delivered at
//! commit).
//!
//! Live ingest (`write_batch`) and staff re-processing (`reapply`) refresh the parcels they
//! changed; `waybill replay` refreshes every parcel once at its end (`refresh_all`), and
//! start-up writes the views parcels lack (`refresh_missing`, through the door).
use super::hand_off::query_in_one_hand_off;
use crate::changes::{notify_statements, ParcelChange};
use crate::entity::{parcel, parcel_reference, parcel_view, tracking_event};
use app::model::{EventView, ParcelView, TrackingStatus};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};
use std::collections::HashMap;

/// Parcels per refresh statement: their ids are bound parameters.
const PARCELS_PER_REFRESH: usize = 500;

/// The column that tells the four reads of a refresh apart, and its values.
const READ: &str = "view_read";
const PARCELS: i32 = 1;
const EVENTS: i32 = 2;
const REFERENCES: i32 = 3;
const VIEWS: i32 = 4;

/// Rewrites the views of `parcel_ids` whose public view changed, and says for each parcel
/// what changed; other instances are told as `origin` (`ParcelChanges::instance`). The
/// caller publishes the changes to its own instance after its commit.
pub async fn refresh(txn: &DatabaseTransaction, parcel_ids: &[i64], origin: &str) -> Result<Vec<ParcelChange>, DbErr> {
    let mut changes = Vec::with_capacity(parcel_ids.len());
    for chunk in parcel_ids.chunks(PARCELS_PER_REFRESH) {
        changes.extend(refresh_chunk(txn, chunk).await?);
    }
    for statement in notify_statements(txn.get_database_backend(), origin, &changes) {
        txn.execute(statement).await?;
    }
    Ok(changes)
}

/// Refreshes every parcel's view (after `waybill replay`); returns how many parcels it
/// read.
pub async fn refresh_all(txn: &DatabaseTransaction) -> Result<u64, DbErr> {
    let (mut after, mut total) = (0i64, 0u64);
    loop {
        let ids = next_parcels(txn, parcel::Column::Id.gt(after)).await?;
        let Some(&last) = ids.last() else { return Ok(total) };
        refresh_chunk(txn, &ids).await?;
        total += ids.len() as u64;
        after = last;
    }
}

/// Writes the views of parcels that have none (a database from before the read model, or
/// parcels loaded by `waybill-tools generate`); run at start-up, before serving.
pub async fn refresh_missing(writer: &crate::db::Writer) -> Result<u64, DbErr> {
    let db = writer.db();
    let (mut after, mut total) = (0i64, 0u64);
    loop {
        let with_view = Query::select().column(parcel_view::Column::ParcelId).from(parcel_view::Entity).to_owned();
        let ids = next_parcels(db, parcel::Column::Id.gt(after).and(parcel::Column::Id.not_in_subquery(with_view))).await?;
        let Some(&last) = ids.last() else {
            if total > 0 {
                tracing::info!(parcels = total, "wrote the public views parcels did not have yet");
            }
            return Ok(total);
        };
        let txn = writer.begin().await?;
        refresh_chunk(&txn, &ids).await?;
        txn.commit().await?;
        total += ids.len() as u64;
        after = last;
    }
}

/// The ids of the first `PARCELS_PER_REFRESH` parcels that `which` selects, in id order.
async fn next_parcels(db: &impl ConnectionTrait, which: sea_orm::sea_query::SimpleExpr) -> Result<Vec<i64>, DbErr> {
    parcel::Entity::find()
        .select_only()
        .column(parcel::Column::Id)
        .filter(which)
        .order_by_asc(parcel::Column::Id)
        .limit(PARCELS_PER_REFRESH as u64)
        .into_tuple()
        .all(db)
        .await
}

async fn refresh_chunk(txn: &DatabaseTransaction, ids: &[i64]) -> Result<Vec<ParcelChange>, DbErr> {
    // Four reads in one hand-off to the database (on SQLite one round trip of the single
    // writer, see `hand_off`); each row says which read it answers.
    let backend = txn.get_database_backend();
    let tagged = |select: sea_orm::sea_query::SelectStatement, read: i32| {
        let mut select = select;
        // A literal, not a bound value: PostgreSQL would read an untyped parameter as text.
        backend.build(select.expr_as(Expr::cust(read.to_string()), sea_orm::sea_query::Alias::new(READ)))
    };
    let reads = vec![
        tagged(parcel::Entity::find().filter(parcel::Column::Id.is_in(ids.to_vec())).into_query(), PARCELS),
        tagged(crate::queries::standing_events_of(ids.to_vec()).into_query(), EVENTS),
        tagged(parcel_reference::Entity::find().filter(parcel_reference::Column::ParcelId.is_in(ids.to_vec())).into_query(), REFERENCES),
        tagged(parcel_view::Entity::find().filter(parcel_view::Column::ParcelId.is_in(ids.to_vec())).into_query(), VIEWS),
    ];
    let mut parcels = Vec::new();
    let mut events: HashMap<i64, Vec<tracking_event::Model>> = HashMap::new();
    let mut keys: HashMap<i64, Vec<String>> = HashMap::new();
    let mut written: HashMap<i64, (String, String)> = HashMap::new();
    for row in query_in_one_hand_off(txn, reads).await? {
        match row.try_get::<i32>("", READ)? {
            PARCELS => parcels.push(parcel::Model::from_query_result(&row, "")?),
            EVENTS => {
                let event = tracking_event::Model::from_query_result(&row, "")?;
                events.entry(event.parcel_id).or_default().push(event);
            }
            REFERENCES => {
                let reference = parcel_reference::Model::from_query_result(&row, "")?;
                keys.entry(reference.parcel_id).or_default().push(app::lookup::lookup_key(&reference.reference));
            }
            _ => {
                let view = parcel_view::Model::from_query_result(&row, "")?;
                written.insert(view.parcel_id, (view.document, view.lookup_keys));
            }
        }
    }

    let mut changes = Vec::with_capacity(parcels.len());
    let mut rows = Vec::new();
    for parcel in parcels {
        let id = parcel.id;
        let number_key = app::lookup::lookup_key(&parcel.tracking_number);
        let carrier = parcel.carrier;
        let view = view_of(parcel, events.remove(&id).unwrap_or_default());
        let document = serde_json::to_string(&view).map_err(|e| DbErr::Custom(format!("the view of parcel {id}: {e}")))?;
        let mut parcel_keys = vec![number_key.clone()];
        let mut references = keys.remove(&id).unwrap_or_default();
        references.sort();
        parcel_keys.extend(references);
        let lookup_keys = parcel_keys.join("\n");
        // A new reference finds the parcel under a key whose cached answer does not list it
        // yet: told like a change of the view.
        let public = written.get(&id) != Some(&(document.clone(), lookup_keys.clone()));
        changes.push(ParcelChange { parcel_id: id, keys: parcel_keys, public });
        if public {
            rows.push(parcel_view::ActiveModel {
                parcel_id: Set(id),
                carrier: Set(carrier),
                number_key: Set(number_key),
                version: Set(1),
                document: Set(document),
                lookup_keys: Set(lookup_keys),
            });
        }
    }
    if !rows.is_empty() {
        let conflict = OnConflict::column(parcel_view::Column::ParcelId)
            .update_columns([
                parcel_view::Column::Carrier,
                parcel_view::Column::NumberKey,
                parcel_view::Column::Document,
                parcel_view::Column::LookupKeys,
            ])
            .value(parcel_view::Column::Version, Expr::col((parcel_view::Entity, parcel_view::Column::Version)).add(1))
            .to_owned();
        parcel_view::Entity::insert_many(rows).on_conflict(conflict).exec_without_returning(txn).await?;
    }
    Ok(changes)
}

/// A parcel's public view from its row and its standing events (newest first), without
/// what depends on the time it is read (`late`, `quiet_days`: the read model adds them).
fn view_of(parcel: parcel::Model, events: Vec<tracking_event::Model>) -> ParcelView {
    let status = parcel.status;
    ParcelView {
        carrier_name: crate::carriers::profile(parcel.carrier).name.to_string(),
        late: false,
        quiet_days: None,
        delivered_at: (status == TrackingStatus::Delivered).then_some(parcel.status_at).flatten(),
        hidden_events: 0,
        eta_window: parcel.eta_from.zip(parcel.eta_until),
        carrier: parcel.carrier,
        tracking_number: parcel.tracking_number,
        status,
        substatus: parcel.substatus,
        eta: parcel.eta,
        updated_at: parcel.updated_at,
        events: events
            .into_iter()
            .map(|e| EventView {
                occurred_at: e.occurred_at,
                day: None,
                status: e.status,
                substatus: e.substatus,
                raw_status: e.raw_status,
                description: e.description,
                location: e.location,
                texts: e.texts.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default(),
            })
            .collect(),
    }
}
