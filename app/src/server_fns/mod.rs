//! Server functions the pages load their data through; one per file.
mod get_shared_parcel;
mod get_tracking;
pub mod staff;

pub use get_shared_parcel::get_shared_parcel;
pub use get_tracking::get_tracking;

/// What the browser is told when the read model is unavailable; the cause is logged on the
/// server, never sent.
pub const UNAVAILABLE: &str = "tracking is temporarily unavailable";
