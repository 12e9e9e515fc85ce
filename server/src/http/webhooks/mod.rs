//! Carrier webhooks: one handler per body format, `json` (every JSON carrier) and `depot`
//! (multipart with a POD file), mounted at each path of each carrier's profile by `router`.
//! Each authenticates as the profile says (`auth`; the JSON handler over the raw bytes, the
//! multipart one from its headers before reading the body), then hands the delivery to the
//! one ingest pipeline (a multipart body that cannot be read, or a refused file, to its
//! quarantine) and answers from the outcome (`reply`).
pub mod auth;
pub mod depot;
pub mod json;
mod reply;
mod secret_use;

pub use reply::{archived_headers, is_credential, reply, REDACTED};
pub use secret_use::SecretUse;
