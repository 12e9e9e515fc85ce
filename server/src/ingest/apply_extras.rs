//! The parcel's fields besides its status: the ETA, the courier (name, vehicle) and the
//! route, merged by carrier time so that late, older messages never overwrite newer facts;
//! and the trim that keeps a courier's trail bounded.
use crate::domain::{CourierUpdate, EtaUpdate, RoutePoints};
use crate::entity::{courier_position, parcel};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set};

use crate::queries::TRAIL_LENGTH;

/// Deletes all but the newest `TRAIL_LENGTH` positions of a parcel, once there are twice
/// that many.
pub async fn trim_trail(txn: &DatabaseTransaction, parcel_id: i64) -> Result<(), DbErr> {
    // Trim to the newest TRAIL_LENGTH positions in one statement: everything older than
    // the last one kept (recorded_at is unique per parcel).
    let last_kept = courier_position::Entity::find()
        .select_only()
        .column(courier_position::Column::RecordedAt)
        .filter(courier_position::Column::ParcelId.eq(parcel_id))
        .order_by_desc(courier_position::Column::RecordedAt)
        .offset(TRAIL_LENGTH - 1)
        .limit(1)
        .into_query();
    courier_position::Entity::delete_many()
        .filter(courier_position::Column::ParcelId.eq(parcel_id))
        .filter(
            Expr::col(courier_position::Column::RecordedAt).lt(SimpleExpr::SubQuery(None, Box::new(last_kept.into_sub_query_statement()))),
        )
        .exec(txn)
        .await?;
    Ok(())
}

/// The ETA of the newest message wins (the later ETA on a tie, for a stable result).
pub fn merge_eta(update: &mut parcel::ActiveModel, parcel: &parcel::Model, eta: Option<&EtaUpdate>) -> bool {
    let Some(eta) = eta else { return false };
    let newer = match (parcel.eta_as_of, parcel.eta) {
        (Some(as_of), Some(current)) => eta.as_of > as_of || (eta.as_of == as_of && eta.eta > current),
        _ => true,
    };
    let window = (eta.window.map(|w| w.0), eta.window.map(|w| w.1));
    if newer && (parcel.eta != Some(eta.eta) || parcel.eta_as_of != Some(eta.as_of) || (parcel.eta_from, parcel.eta_until) != window) {
        update.eta = Set(Some(eta.eta));
        update.eta_from = Set(window.0);
        update.eta_until = Set(window.1);
        update.eta_as_of = Set(Some(eta.as_of));
        return true;
    }
    false
}

/// The courier's name and vehicle from the newest message that names them.
pub fn merge_courier(update: &mut parcel::ActiveModel, parcel: &parcel::Model, courier: Option<&CourierUpdate>) -> bool {
    let Some(courier) = courier.filter(|c| c.name.is_some() || c.vehicle.is_some()) else { return false };
    if parcel.courier_as_of.is_some_and(|as_of| courier.as_of < as_of) {
        return false;
    }
    let name = courier.name.clone().or(parcel.courier_name.clone());
    let vehicle = courier.vehicle.clone().or(parcel.courier_vehicle.clone());
    if name == parcel.courier_name && vehicle == parcel.courier_vehicle && parcel.courier_as_of == Some(courier.as_of) {
        return false;
    }
    update.courier_name = Set(name);
    update.courier_vehicle = Set(vehicle);
    update.courier_as_of = Set(Some(courier.as_of));
    true
}

/// Pickup and drop-off points; a point the carrier sends replaces the stored one.
pub fn merge_route(update: &mut parcel::ActiveModel, parcel: &parcel::Model, route: Option<&RoutePoints>) -> bool {
    let Some(route) = route else { return false };
    let mut changed = false;
    if let Some(p) = route.pickup {
        if parcel.pickup_lat != Some(p.lat) || parcel.pickup_lng != Some(p.lng) {
            update.pickup_lat = Set(Some(p.lat));
            update.pickup_lng = Set(Some(p.lng));
            changed = true;
        }
    }
    if let Some(p) = route.dropoff {
        if parcel.dropoff_lat != Some(p.lat) || parcel.dropoff_lng != Some(p.lng) {
            update.dropoff_lat = Set(Some(p.lat));
            update.dropoff_lng = Set(Some(p.lng));
            changed = true;
        }
    }
    changed
}
