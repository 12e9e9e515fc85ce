//! Ingest: every delivery, a carrier's or staff's, live, replayed or re-processed, takes
//! one write path. Live:
//! 1. handler: the webhook authenticates the raw bytes and calls `Pipeline::ingest`;
//! 2. queue: `CommitQueue::ingest` parses them in the caller's task (`input::parse_input`,
//!    pure) and queues the delivery;
//! 3. batch: a writer takes what is waiting (`commit_queue::next_batch`) and writes it in
//!    one transaction (`write_batch::write_batch`): applied in order (`apply_batch`, in
//!    rounds of distinct parcels, `apply_distinct`), then archived with each outcome
//!    (`archive::raw_row`), then the changed parcels' public views (`public_view::refresh`);
//! 4. commit: one commit for the batch; a batch that fails is written again one delivery
//!    at a time, each through `write_batch` in a savepoint of its own (`commit_queue`);
//! 5. answer: each caller gets its outcome after the commit.
//!
//! Replay (`replay`) and staff re-processing apply an archived delivery as a batch of one
//! (`reapply::apply_refusable` → `apply_batch`).
//!
//! Each delivery that changes a parcel also writes its transitions (`transitions`, pure;
//! gathered by `told`) to the outbox (`crate::outbox`) in the same transaction; `outbound`
//! and `mail` tell them from there.
mod apply_batch;
mod apply_distinct;
mod apply_extras;
mod archive;
mod batch_parcels;
#[cfg(test)]
mod batch_properties;
mod commit_queue;
#[cfg(test)]
mod crossing_locks;
mod current_status;
mod dictionaries;
mod hand_off;
mod input;
mod parcel_json;
mod parse;
mod pipeline;
pub mod public_view;
mod raw_body;
mod raw_segments;
mod reapply;
mod refused;
mod replay;
mod rows;
mod staff_entry;
mod told;
mod train_dictionary;
mod transitions;
mod void;
mod write_batch;
mod writer_thread;

pub use archive::{quarantine, storable_error, HELD_FOR_STAFF};
pub use dictionaries::Dictionaries;
pub use input::{IngestError, IngestOutcome, RawInput};
pub use parse::parse_delivery;
pub use pipeline::Pipeline;
pub use raw_body::BodyReader;
pub use raw_segments::{move_old_deliveries, read_segment, spawn_retention, SegmentError, SEGMENT_ROWS};
pub use reapply::reapply;
pub use replay::{replay_all, ReplaySummary};
pub use staff_entry::{ManualEvent, StaffEntry, VoidedEvent, STAFF_CONTENT_TYPE};
pub use train_dictionary::{train_dictionary, Training, MIN_SAVING_PERCENT};
pub use writer_thread::WRITER_THREAD_NAME;
