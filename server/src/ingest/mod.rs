//! The one ingest pipeline every carrier goes through:
//! authenticate (in the webhook, on the raw bytes) → archive raw → parse → normalize →
//! apply (dedupe, order by carrier time) in one transaction → respond.
mod apply_batch;
mod apply_distinct;
mod apply_extras;
#[cfg(test)]
mod batch_properties;
mod current_status;
mod group_commit;
mod group_parcels;
pub(crate) mod packed;
mod packed_parcel;
mod parse;
mod pipeline;
mod refused;
mod replay;
mod rows;
mod share_token;
mod staff_entry;
mod together;
mod void;
mod write_together;
mod writer_thread;

pub use parse::parse_delivery;
pub use pipeline::{quarantine, storable_error, IngestError, IngestOutcome, Pipeline, RawInput, WriteGate, HELD_FOR_STAFF};
pub use refused::apply_refusable;
pub use replay::{replay_all, ReplaySummary};
pub use share_token::new_share_token;
pub use staff_entry::{ManualEvent, StaffEntry, VoidedEvent, STAFF_CONTENT_TYPE};
pub use writer_thread::WRITER_THREAD_NAME;
