//! Carrier webhooks: one handler per carrier, all ending in the same ingest pipeline.
pub mod auth;
pub mod depot;
pub mod json;
mod reply;
mod secret_use;

pub use reply::{archived_headers, is_credential, reply, REDACTED};
pub use secret_use::SecretUse;
