//! Waybill's domain vocabulary: parsed newtypes and the normalized form every carrier's
//! payload is turned into.
mod carrier;
mod normalized;
mod tracking_number;

pub use app::model::TrackingStatus;
pub use carrier::{Carrier, UnknownCarrier};
pub use normalized::{
    first_name_and_initial, CourierUpdate, EtaUpdate, LocalizedText, NormalizedDelivery, NormalizedEvent, Position, RemotePod, RoutePoints,
};
pub use tracking_number::{InvalidTrackingNumber, TrackingNumber};
