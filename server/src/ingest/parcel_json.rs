//! A commit batch's parcels read back in one packed row (`db::json_rows`) on SQLite, and turned
//! into `parcel::Model`s. Real numbers are packed with `quote()`, whose text gives back the
//! exact same double (JSON numbers from SQLite keep only 15 digits, and the parcel update
//! writes every column back).
use crate::db::json_rows::{self, packed};
use crate::entity::parcel;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveEnum, DbBackend, DbErr, QuerySelect, Select};
use serde_json::Value;

/// The columns packed, in the order `model` reads them.
const COLUMNS: &str = "id, carrier, tracking_number, status, substatus, eta, eta_from, eta_until, eta_as_of, status_at, \
     courier_name, courier_vehicle, courier_as_of, quote(pickup_lat), quote(pickup_lng), quote(dropoff_lat), \
     quote(dropoff_lng), created_at, updated_at";

/// The name of the packed column, which tells this row apart from the others of the
/// batch's first hand-off.
pub const PACKED_PARCELS: &str = "packed_parcels";

/// `parcels` (a `parcel` select) as one row of packed parcels.
pub fn packed_parcels(parcels: Select<parcel::Entity>) -> Select<parcel::Entity> {
    parcels.select_only().column_as(Expr::cust(packed(DbBackend::Sqlite, COLUMNS)), PACKED_PARCELS)
}

/// One parcel from its packed columns.
pub fn model(columns: &[Value]) -> Result<parcel::Model, DbErr> {
    let at = |i: usize| -> Result<&Value, DbErr> { columns.get(i).ok_or_else(|| DbErr::Custom(format!("packed parcel: no column {i}"))) };
    let text = |i: usize| -> Result<Option<String>, DbErr> { Ok(at(i)?.as_str().map(str::to_string)) };
    let required = |i: usize| text(i)?.ok_or_else(|| DbErr::Custom(format!("packed parcel: column {i} is empty")));
    let time = |i: usize| json_rows::time(at(i)?.as_str());
    let required_time = |i: usize| time(i)?.ok_or_else(|| DbErr::Custom(format!("packed parcel: column {i} is empty")));
    let real = |i: usize| -> Result<Option<f64>, DbErr> {
        match at(i)?.as_str() {
            None | Some("NULL") => Ok(None),
            Some(quoted) => quoted.parse().map(Some).map_err(|e| DbErr::Custom(format!("packed parcel: real {quoted:?}: {e}"))),
        }
    };
    Ok(parcel::Model {
        id: at(0)?.as_i64().ok_or_else(|| DbErr::Custom("packed parcel: no id".into()))?,
        carrier: ActiveEnum::try_from_value(&required(1)?)?,
        tracking_number: required(2)?,
        status: ActiveEnum::try_from_value(&required(3)?)?,
        substatus: text(4)?,
        eta: time(5)?,
        eta_from: time(6)?,
        eta_until: time(7)?,
        eta_as_of: time(8)?,
        status_at: time(9)?,
        courier_name: text(10)?,
        courier_vehicle: text(11)?,
        courier_as_of: time(12)?,
        pickup_lat: real(13)?,
        pickup_lng: real(14)?,
        dropoff_lat: real(15)?,
        dropoff_lng: real(16)?,
        created_at: required_time(17)?,
        updated_at: required_time(18)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryTrait, Set};

    #[tokio::test]
    async fn a_parcel_read_packed_is_the_parcel_sea_orm_reads_to_the_last_digit() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&format!("sqlite://{}/p.db?mode=rwc", dir.path().display())).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2025-01-01T08:00:00.123456+00:00").unwrap().with_timezone(&chrono::Utc);
        let full = parcel::ActiveModel {
            carrier: Set(app::carrier::Carrier::Uber),
            tracking_number: Set("WB-1".into()),
            status: Set(app::model::TrackingStatus::InTransit),
            eta: Set(Some(at)),
            courier_name: Set(Some("Ana R.".into())),
            pickup_lat: Set(Some(0.1 + 0.2)),
            pickup_lng: Set(Some(4.899431234567891)),
            dropoff_lat: Set(Some(-1e-300)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        full.insert(&db).await.unwrap();
        let sparse = parcel::ActiveModel {
            carrier: Set(app::carrier::Carrier::Depot),
            tracking_number: Set("WB-2".into()),
            status: Set(app::model::TrackingStatus::Unknown),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        };
        sparse.insert(&db).await.unwrap();

        let expected = parcel::Entity::find().all(&db).await.unwrap();
        let row = db.query_one(packed_parcels(parcel::Entity::find()).build(DbBackend::Sqlite)).await.unwrap();
        let rows: Vec<Vec<Value>> = json_rows::unpack(row.as_ref()).unwrap();
        let read: Vec<parcel::Model> = rows.iter().map(|r| model(r)).collect::<Result<_, _>>().unwrap();
        assert_eq!(read, expected);
        assert_eq!(read[0].pickup_lat, Some(0.1 + 0.2), "not 0.3: every digit kept");
    }

    #[test]
    fn a_packed_parcel_with_a_missing_or_wrong_column_is_an_error() {
        assert!(model(&[]).is_err());
        let mut columns = vec![Value::from(1); 19];
        columns[13] = Value::from("not a number");
        assert!(model(&columns).is_err());
    }
}
