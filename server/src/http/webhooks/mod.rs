//! Carrier webhooks: one handler per body format, `json` (every JSON carrier) and `depot`
//! (multipart with a POD file), mounted once per carrier from its profile by `router`. Each
//! authenticates the raw bytes as the profile says (`auth`), then hands them to the one ingest
//! pipeline and answers from its outcome (`reply`).
pub mod auth;
pub mod depot;
pub mod json;
mod reply;
mod secret_use;

pub use reply::{archived_headers, is_credential, reply, REDACTED};
pub use secret_use::SecretUse;
