//! One parcel per (carrier, tracking number), with its current status derived from events.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "parcel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub carrier: app::carrier::Carrier,
    pub tracking_number: String,
    pub status: app::model::TrackingStatus,
    pub substatus: Option<String>,
    pub eta: Option<DateTimeUtc>,
    /// The delivery window, when the carrier gives one.
    pub eta_from: Option<DateTimeUtc>,
    pub eta_until: Option<DateTimeUtc>,
    /// Carrier time of the message the ETA came from; only a newer message moves it.
    pub eta_as_of: Option<DateTimeUtc>,
    /// Carrier time of the event the status was taken from.
    pub status_at: Option<DateTimeUtc>,
    /// First name and initial only: Waybill never stores a courier's full name or phone.
    pub courier_name: Option<String>,
    pub courier_vehicle: Option<String>,
    pub courier_as_of: Option<DateTimeUtc>,
    pub pickup_lat: Option<f64>,
    pub pickup_lng: Option<f64>,
    pub dropoff_lat: Option<f64>,
    pub dropoff_lng: Option<f64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

// A parcel's events and POD files point at it (their `belongs_to`); nothing reads them
// through the parcel, so the parcel names none of them back.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
