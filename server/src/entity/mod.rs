//! sea-orm entities, one per table; the schema itself lives in the `migration` crate.
pub mod courier_position;
pub mod parcel;
pub mod parcel_reference;
pub mod pod_file;
pub mod raw_delivery;
pub mod share_link;
pub mod tracking_event;
