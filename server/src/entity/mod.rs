//! sea-orm entities, one per table; the schema itself lives in the `migration` crate.
pub mod audit_log;
pub mod courier_position;
pub mod parcel;
pub mod parcel_reference;
pub mod parcel_view;
pub mod pod_file;
pub mod raw_body;
pub mod raw_delivery;
pub mod raw_dictionary;
pub mod raw_segment;
pub mod server_instance;
pub mod share_link;
pub mod staff_api_key;
pub mod staff_user;
pub mod tracking_event;
