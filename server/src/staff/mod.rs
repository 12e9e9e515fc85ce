//! The staff back office's domain: accounts and API keys, sessions, login throttling, what
//! staff read (search, detail, deliveries, webhooks, alerts) and what they change; what they
//! do is recorded in `crate::audit`.
pub mod accounts;
pub mod actions;
pub mod api_keys;
mod read;
pub mod read_alerts;
mod read_search;
pub mod read_webhooks;
pub mod sessions;
pub mod throttle;

pub use read::StaffReadModel;
pub use read_search::{matching as search_matching, references_of, row as parcel_row, PER_PAGE as SEARCH_PAGE_SIZE};
