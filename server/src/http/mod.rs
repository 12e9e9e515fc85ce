//! The HTTP layer: thin handlers that parse requests, call the domain and map results.
pub mod brand_css;
pub mod cached_reads;
pub mod client_ip;
pub mod error;
pub mod events_api;
pub mod find;
pub mod health;
pub mod live;
pub mod live_streams;
pub mod multipart;
pub mod pod;
pub mod security_headers;
pub mod staff;
pub mod subscriptions;
pub mod track_api;
pub mod webhooks;

pub use error::ApiError;
