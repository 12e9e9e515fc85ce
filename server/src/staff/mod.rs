//! The staff back office's domain: accounts and API keys, sessions, login throttling, the
//! audit log, what staff read (search, detail, deliveries) and what they change.
pub mod accounts;
pub mod actions;
pub mod api_keys;
pub mod audit;
mod read;
pub mod read_alerts;
mod read_search;
pub mod read_webhooks;
pub mod sessions;
pub mod throttle;

pub use read::StaffReadModel;
pub use read_search::{matching as search_matching, references_of, row as parcel_row, PER_PAGE as SEARCH_PAGE_SIZE};
