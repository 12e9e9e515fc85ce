//! The ingest pipeline as the rest of the server sees it: `Pipeline::ingest` hands a
//! delivery to the commit queue and returns once its batch is committed; `quarantine`
//! keeps one that cannot even be read.
use super::archive::quarantine;
use super::commit_queue::CommitQueue;
use super::dictionaries::Dictionaries;
use super::input::{IngestError, IngestOutcome, RawInput};
use crate::carriers::Adapters;
use crate::changes::ParcelChanges;
use crate::db::CommitStats;
use crate::db::{DbLimits, Writer};
use sea_orm::DatabaseConnection;

/// The ingest pipeline with what it needs: the database, the one door for writes (shared
/// with every other writer of this process, see [`Pipeline::writer`]) and the configured
/// carrier adapters.
#[derive(Clone, Debug)]
pub struct Pipeline {
    pub db: DatabaseConnection,
    writer: Writer,
    pub adapters: Adapters,
    dictionaries: Dictionaries,
    limits: DbLimits,
    queue: CommitQueue,
    changes: ParcelChanges,
}

impl Pipeline {
    /// Starts the commit queue's writers (needs a Tokio runtime); `limits` bound each commit.
    /// Bodies are compressed without dictionaries (see [`Self::with_dictionaries`]).
    pub fn new(db: DatabaseConnection, adapters: Adapters, limits: DbLimits) -> Self {
        Self::with_dictionaries(db, adapters, limits, Dictionaries::default())
    }

    /// The same, compressing each carrier's bodies with its dictionary.
    pub fn with_dictionaries(db: DatabaseConnection, adapters: Adapters, limits: DbLimits, dictionaries: Dictionaries) -> Self {
        Self::through(Writer::new(&db), adapters, limits, dictionaries)
    }

    /// The same, writing through `writer`, the door the rest of the process writes through.
    pub fn through(writer: Writer, adapters: Adapters, limits: DbLimits, dictionaries: Dictionaries) -> Self {
        let db = writer.db().clone();
        let writers = if crate::db::is_sqlite(&db) { 1 } else { 4 };
        let changes = ParcelChanges::new();
        let queue = CommitQueue::start(writer.clone(), adapters.clone(), dictionaries.clone(), writers, limits, changes.clone());
        Self { writer, db, adapters, dictionaries, limits, queue, changes }
    }

    /// This process's one door for database writes; every other writer takes it from here.
    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// Where the writers publish what each commit changed (pages and live streams listen).
    pub fn changes(&self) -> &ParcelChanges {
        &self.changes
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

    /// The same counters, to keep.
    pub fn shared_commit_stats(&self) -> std::sync::Arc<CommitStats> {
        self.queue.shared_stats()
    }

    /// Keeps an unreadable delivery; see [`quarantine`].
    pub async fn quarantine(&self, input: RawInput, reason: &str) -> Result<(), IngestError> {
        self.limits.within(quarantine(&self.writer, &self.adapters, &self.dictionaries, input, reason)).await
    }
}
