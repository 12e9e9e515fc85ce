//! Waybill's domain vocabulary: parsed newtypes and the normalized form every carrier's
//! payload is turned into.
mod normalized;
mod origin;
mod storable;
mod token;
mod tracking_number;

pub use app::carrier::{Carrier, UnknownCarrier};
pub use app::model::TrackingStatus;
pub use normalized::{
    first_name_and_initial, CourierUpdate, EtaUpdate, EventVoid, LocalizedText, NormalizedDelivery, NormalizedEvent, Position, RemotePod,
    RoutePoints,
};
pub use origin::Origin;
pub use storable::{public_place, storable_text, MAX_SHORT_CHARS, MAX_TEXT_CHARS};
pub use token::new_share_token;
pub use tracking_number::{InvalidTrackingNumber, TrackingNumber};
