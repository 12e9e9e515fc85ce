//! The parcels of a commit group, found or created with one statement each for the whole
//! group (see `apply_group`): on PostgreSQL locked in one global order, as the one-at-a-time
//! path locks them.
use super::apply_group::GroupDelivery;
use super::new_share_token;
use crate::domain::{NormalizedDelivery, TrackingStatus};
use crate::entity::{parcel, share_link};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set, Statement,
};
use std::collections::{BTreeMap, HashMap, HashSet};

type ParcelKey = (String, String);

fn key_of(delivery: &NormalizedDelivery) -> ParcelKey {
    (delivery.carrier.as_str().to_string(), delivery.tracking_number.as_str().to_string())
}

/// Each delivery's parcel, and whether this group created it; and the insert of the new
/// parcels' share links, for the caller to send with its next statements.
pub async fn find_or_create(txn: &DatabaseTransaction, items: &[GroupDelivery<'_>]) -> Result<(Vec<(parcel::Model, bool)>, Vec<Statement>), DbErr> {
    let keys: Vec<ParcelKey> = items.iter().map(|i| key_of(i.delivery)).collect();
    let mut found = find_parcels(txn, &keys).await?;
    let mut created = HashSet::new();
    let mut share_links = Vec::new();
    let missing: Vec<usize> = (0..items.len()).filter(|&i| !found.contains_key(&keys[i])).collect();
    if !missing.is_empty() {
        let new_rows = missing.iter().map(|&i| parcel::ActiveModel {
            carrier: Set(keys[i].0.clone()),
            tracking_number: Set(keys[i].1.clone()),
            status: Set(TrackingStatus::Unknown.as_str().to_string()),
            created_at: Set(items[i].received_at),
            updated_at: Set(items[i].received_at),
            ..Default::default()
        });
        let conflict = OnConflict::columns([parcel::Column::Carrier, parcel::Column::TrackingNumber]).do_nothing().to_owned();
        let mut insert = parcel::Entity::insert_many(new_rows).on_conflict(conflict).into_query();
        insert.returning_all();
        for row in txn.query_all(txn.get_database_backend().build(&insert)).await? {
            let parcel = parcel::Model::from_query_result(&row, "")?;
            created.insert(parcel.id);
            found.insert((parcel.carrier.clone(), parcel.tracking_number.clone()), parcel);
        }
        // PostgreSQL: another writer created some meanwhile; read them, locked.
        let raced: Vec<ParcelKey> = missing.iter().map(|&i| keys[i].clone()).filter(|k| !found.contains_key(k)).collect();
        if !raced.is_empty() {
            found.extend(find_parcels(txn, &raced).await?);
        }
        let links = items.iter().zip(&keys).filter_map(|(item, key)| {
            let parcel = found.get(key).filter(|p| created.contains(&p.id))?;
            Some(share_link::ActiveModel {
                parcel_id: Set(parcel.id),
                token: Set(new_share_token()),
                created_at: Set(item.received_at),
                ..Default::default()
            })
        });
        let links: Vec<_> = links.collect();
        if !links.is_empty() {
            share_links.push(txn.get_database_backend().build(&share_link::Entity::insert_many(links).into_query()));
        }
    }
    let parcels = keys
        .iter()
        .map(|key| {
            let parcel = found.get(key).cloned().ok_or_else(|| DbErr::RecordNotFound(format!("parcel {}/{}", key.0, key.1)))?;
            let created = created.contains(&parcel.id);
            Ok((parcel, created))
        })
        .collect::<Result<_, DbErr>>()?;
    Ok((parcels, share_links))
}

/// The parcels with these keys; on PostgreSQL locked, in one global order, so that the
/// status recompute sees every committed event and writers do not deadlock.
async fn find_parcels(txn: &DatabaseTransaction, keys: &[ParcelKey]) -> Result<HashMap<ParcelKey, parcel::Model>, DbErr> {
    let mut by_carrier: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (carrier, number) in keys {
        by_carrier.entry(carrier).or_default().push(number);
    }
    let mut condition = Condition::any();
    for (carrier, numbers) in by_carrier {
        condition = condition.add(parcel::Column::Carrier.eq(carrier).and(parcel::Column::TrackingNumber.is_in(numbers)));
    }
    let mut query = parcel::Entity::find().filter(condition);
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.order_by_asc(parcel::Column::Carrier).order_by_asc(parcel::Column::TrackingNumber).lock_exclusive();
    }
    let parcels = query.all(txn).await?;
    Ok(parcels.into_iter().map(|p| ((p.carrier.clone(), p.tracking_number.clone()), p)).collect())
}

