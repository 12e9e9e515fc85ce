//! The ingest pipeline as the rest of the server sees it: `Pipeline::ingest` hands a
//! delivery to the commit queue and returns once its batch is committed; `quarantine`
//! keeps one that cannot even be read.
use super::archive::quarantine;
use super::commit_queue::{CommitQueue, CommitStats};
use super::input::{IngestError, IngestOutcome, RawInput};
use super::write_gate::WriteGate;
use crate::carriers::Adapters;
use sea_orm::DatabaseConnection;

/// The ingest pipeline with what it needs: the database, the SQLite write gate and the
/// configured carrier adapters.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub db: DatabaseConnection,
    pub gate: WriteGate,
    pub adapters: Adapters,
    queue: CommitQueue,
}

impl Pipeline {
    /// Starts the commit queue's writers (needs a Tokio runtime).
    pub fn new(db: DatabaseConnection, adapters: Adapters) -> Self {
        let gate = WriteGate::for_connection(&db);
        let writers = if crate::db::is_sqlite(&db) { 1 } else { 4 };
        let queue = CommitQueue::start(db.clone(), gate.clone(), adapters.clone(), writers);
        Self { gate, db, adapters, queue }
    }

    /// Runs the pipeline for one delivery, committed together with whatever else arrives at
    /// the same time (see `commit_queue`); returns after the commit.
    pub async fn ingest(&self, input: RawInput) -> Result<IngestOutcome, IngestError> {
        self.queue.ingest(input).await
    }

    /// How many commits the commit queue made for how many deliveries.
    pub fn commit_stats(&self) -> &CommitStats {
        self.queue.stats()
    }

    /// Keeps an unreadable delivery; see [`quarantine`].
    pub async fn quarantine(&self, input: RawInput, reason: &str) -> Result<(), IngestError> {
        quarantine(&self.db, &self.gate, &self.adapters, input, reason).await
    }
}
