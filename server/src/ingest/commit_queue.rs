//! Batch commit: deliveries that arrive while a commit is under way wait in a queue and
//! are then written together in one transaction (`write_batch`: multi-row statements
//! for the batch), with one durable commit (one fsync on SQLite with `synchronous=FULL`)
//! for the lot. Every caller still gets its answer only after that commit, so `200` keeps
//! meaning "committed".
//!
//! If any delivery's writes fail, the batch is written again with a savepoint per
//! delivery: the failing delivery rolls back to its savepoint and fails alone. When the
//! database refused its data (see `db::is_permanent`), a retry would fail the same way
//! forever, so it is archived as `quarantined` with the reason instead, for staff to
//! re-process; otherwise it gets the error (`503`, the carrier retries). If the commit
//! itself fails, every delivery in the batch gets the error (`503`); nothing was written,
//! unless the deadline ran out during the commit, which may then have committed: so this
//! instance's readers forget what they cached.
//!
//! Each attempt runs under the database's client-side deadline (`db::DbLimits`): a
//! database that stops answering fails the batch with a `503` within that bound. Such a
//! batch is not written again with savepoints, which would only wait as long once more.
use super::dictionaries::Dictionaries;
use super::input::{parse_input, IngestError, IngestOutcome, Parsed, RawInput};
use super::refused::keep_refused;
use super::write_batch::write_batch;
use crate::carriers::Adapters;
use crate::changes::ParcelChanges;
use crate::db::DbLimits;
use crate::db::{CommitStats, Writer};
use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// Most deliveries in one commit; more wait for the next.
const MAX_BATCH: usize = 256;
/// Deliveries waiting for a writer before callers wait to enqueue (backpressure).
const QUEUE: usize = 4096;

struct Job {
    input: RawInput,
    parsed: Parsed,
    reply: oneshot::Sender<Result<IngestOutcome, IngestError>>,
}

/// The queue in front of the writers.
#[derive(Clone, Debug)]
pub struct CommitQueue {
    sender: mpsc::Sender<Job>,
    adapters: Adapters,
    dictionaries: Dictionaries,
    stats: Arc<CommitStats>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("carrier", &self.input.carrier).finish()
    }
}

impl CommitQueue {
    /// Starts `writers` writer tasks: one on SQLite (a single writer is all it allows), a
    /// few on PostgreSQL, where batches for different parcels can commit in parallel.
    pub fn start(
        writer: Writer,
        adapters: Adapters,
        dictionaries: Dictionaries,
        writers: usize,
        limits: DbLimits,
        changes: ParcelChanges,
    ) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        let stats = Arc::new(CommitStats::default());
        let base = writer.db().clone();
        let db = crate::db::writer_connection(&base);
        for _ in 0..writers.max(1) {
            let (base, mut db, writer, receiver, stats) = (base.clone(), db.clone(), writer.clone(), receiver.clone(), stats.clone());
            let changes = changes.clone();
            let writer = async move {
                while let Some(batch) = next_batch(&receiver).await {
                    stats.commits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    stats.deliveries.fetch_add(batch.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    let failed = writer.exclusive(commit_batch(&db, &changes, limits, batch)).await;
                    // SQLite may roll a transaction back by itself when a statement fails
                    // (a full disk, an I/O error), and sqlx's count of open transactions
                    // on that connection then no longer matches SQLite's: the next "commit"
                    // could release a savepoint inside a transaction that never ends, and
                    // be answered 200 without being written. So after a failed attempt the
                    // SQLite writer starts again on a fresh connection.
                    if failed && crate::db::is_sqlite(&base) {
                        let old = std::mem::replace(&mut db, crate::db::writer_connection(&base));
                        let _ = old.close().await;
                    }
                }
            };
            if writers == 1 {
                super::writer_thread::spawn(writer);
            } else {
                tokio::spawn(writer);
            }
        }
        Self { sender, adapters, dictionaries, stats }
    }

    pub fn stats(&self) -> &CommitStats {
        &self.stats
    }

    /// The same counters, to keep (the outbound sender watches how busy ingest is).
    pub fn shared_stats(&self) -> Arc<CommitStats> {
        self.stats.clone()
    }

    /// Queues one delivery and waits until its batch is committed.
    pub async fn ingest(&self, input: RawInput) -> Result<IngestOutcome, IngestError> {
        // Parsing and packing the body are pure: done here, in the caller's task and in
        // parallel with other callers, so that the single writer only writes.
        let parsed = parse_input(&self.adapters, &self.dictionaries, &input);
        let (reply, answer) = oneshot::channel();
        self.sender.send(Job { input, parsed, reply }).await.map_err(|_| IngestError::WriterStopped)?;
        answer.await.map_err(|_| IngestError::WriterStopped)?
    }
}

/// Waits for one delivery, then takes whatever else is already waiting, up to the cap.
async fn next_batch(receiver: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
    let mut receiver = receiver.lock().await;
    let first = receiver.recv().await?;
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Commits one batch and answers its callers; `true` when an attempt failed (the
/// connection may be out of step, see `CommitQueue::start`).
async fn commit_batch(db: &DatabaseConnection, changes: &ParcelChanges, limits: DbLimits, batch: Vec<Job>) -> bool {
    let mut inputs = Vec::with_capacity(batch.len());
    let mut parsed = Vec::with_capacity(batch.len());
    let mut replies = Vec::with_capacity(batch.len());
    for job in batch {
        inputs.push(job.input);
        parsed.push(job.parsed);
        replies.push(job.reply);
    }
    // Parcels are locked in one global order, so two batches on PostgreSQL never deadlock.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|a, b| (inputs[*a].carrier.as_str(), &parsed[*a].1).cmp(&(inputs[*b].carrier.as_str(), &parsed[*b].1)));

    let started = std::time::Instant::now();
    // Optimistic first: the whole batch in one transaction without savepoints, with
    // multi-row statements (see `write_batch`). Deliveries rarely fail on their own;
    // when one does, the batch is rolled back and written again with a savepoint per
    // delivery, so that only the failing one gets the error.
    let first = limits.within(attempt_batch(db, changes, &inputs, &parsed, &order, false)).await;
    let attempt_failed = first.is_err();
    // A failed attempt may still have committed (the deadline passed during the commit):
    // what it changed cannot be named, so the readers of this instance forget everything.
    if attempt_failed {
        changes.forget_all();
    }
    let result = match first {
        Ok(outcomes) => Ok(outcomes),
        Err(error) if crate::db::is_no_answer(&error) => Err(error),
        Err(error) => {
            tracing::warn!(%error, deliveries = inputs.len(), "batch written again with a savepoint per delivery");
            limits.within(attempt_batch(db, changes, &inputs, &parsed, &order, true)).await
        }
    };
    tracing::debug!(deliveries = inputs.len(), micros = started.elapsed().as_micros() as u64, "batch committed");
    let (mut outcomes, failed) = match result {
        Ok(outcomes) => (outcomes, None),
        Err(error) => (Vec::new(), Some(Arc::new(error))),
    };
    if let Some(error) = &failed {
        tracing::error!(%error, deliveries = inputs.len(), "batch commit failed; every delivery in it is answered 503");
    }
    for (i, reply) in replies.into_iter().enumerate() {
        let outcome = match &failed {
            Some(error) => Err(IngestError::GroupFailed(error.clone())),
            None => outcomes.get_mut(i).and_then(Option::take).unwrap_or(Err(IngestError::WriterStopped)),
        };
        // The caller may have gone away (client disconnected); its delivery is committed anyway.
        let _ = reply.send(outcome);
    }
    attempt_failed
}

type Outcomes = Vec<Option<Result<IngestOutcome, IngestError>>>;

/// Writes the batch in `order` in one transaction and commits it. Without savepoints the
/// first failing delivery fails the whole attempt; with them it fails alone.
async fn attempt_batch(
    db: &DatabaseConnection,
    changes: &ParcelChanges,
    inputs: &[RawInput],
    parsed: &[Parsed],
    order: &[usize],
    savepoints: bool,
) -> Result<Outcomes, DbErr> {
    let mut outcomes: Outcomes = inputs.iter().map(|_| None).collect();
    let origin = changes.instance();
    let txn = db.begin().await?;
    // Another process on the same SQLite file (a second instance, the command line) then
    // makes this batch wait its turn instead of failing it at its first write.
    if crate::db::is_sqlite(db) {
        crate::db::hold_write_lock(&txn).await?;
    }
    if !savepoints {
        let written = write_batch(&txn, inputs.iter(), parsed, order, origin).await;
        match written {
            Ok(written) => {
                txn.commit().await?;
                // Published before anyone is answered: a page asked for after a `200`
                // shows what that delivery changed.
                changes.publish(&written.changes);
                return Ok(written.outcomes.into_iter().map(|outcome| Some(Ok(outcome))).collect());
            }
            Err(error) => {
                txn.rollback().await?;
                return Err(error);
            }
        }
    }
    let mut committed = Vec::new();
    for &i in order {
        let (input, number, body) = (&inputs[i], &parsed[i].1, &parsed[i].2);
        let savepoint = txn.begin().await?;
        // The same write as the whole batch's, for a batch of this one delivery.
        let alone = write_batch(&savepoint, std::iter::once(input), std::slice::from_ref(&parsed[i]), &[0], origin).await;
        let alone = alone.and_then(|mut written| match written.outcomes.pop() {
            Some(outcome) => Ok((outcome, written.changes)),
            None => Err(DbErr::Custom("no outcome for a batch of one".into())),
        });
        match alone {
            Ok((outcome, changed)) => {
                savepoint.commit().await?;
                committed.extend(changed);
                outcomes[i] = Some(Ok(outcome));
            }
            Err(error) => {
                savepoint.rollback().await?;
                outcomes[i] = Some(if crate::db::is_permanent(&error) {
                    keep_refused(&txn, input, body, number.clone(), &error).await
                } else {
                    Err(IngestError::Database(error))
                });
            }
        }
    }
    txn.commit().await?;
    changes.publish(&committed);
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::super::{IngestOutcome, Pipeline, RawInput};
    use crate::carriers::Adapters;
    use crate::domain::Carrier;
    use std::sync::atomic::Ordering;

    fn peddler(i: usize) -> RawInput {
        let body =
            format!(r#"{{"id":"g{i}","carrierTrackingNumber":"GROUP{i:04}","status":"DELIVERED","ts":"2025-10-08T10:00:00Z","code":410}}"#);
        RawInput {
            carrier: Carrier::Peddler,
            origin: crate::domain::Origin::Carrier,
            received_at: chrono::Utc::now(),
            headers: serde_json::json!({}),
            content_type: Some("application/json".into()),
            body: body.into(),
            pod: None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_deliveries_share_commits_and_each_is_answered_after_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&format!("sqlite://{}/g.db?mode=rwc", dir.path().display())).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let pipeline = Pipeline::new(db.clone(), Adapters::new(chrono::FixedOffset::east_opt(0).unwrap()), Default::default());
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let pipeline = pipeline.clone();
                tokio::spawn(async move { pipeline.ingest(peddler(i % 250)).await })
            })
            .collect();
        let mut duplicates = 0;
        for task in tasks {
            match task.await.unwrap().unwrap() {
                IngestOutcome::Stored { duplicate, .. } => duplicates += usize::from(duplicate),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(duplicates, 50, "the 50 repeats are duplicates, within a batch or across batches");
        use sea_orm::{EntityTrait, PaginatorTrait};
        assert_eq!(crate::entity::tracking_event::Entity::find().count(&db).await.unwrap(), 250);
        let stats = pipeline.commit_stats();
        let commits = stats.commits.load(Ordering::Relaxed);
        assert_eq!(stats.deliveries.load(Ordering::Relaxed), 300);
        assert!(commits < 300, "deliveries arriving together share commits: {commits} commits for 300");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_delivery_the_database_refuses_is_quarantined_alone_and_the_rest_of_its_group_commits() {
        use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&format!("sqlite://{}/g.db?mode=rwc", dir.path().display())).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        // A real refusal by the database for one parcel only.
        db.execute_unprepared(
            "CREATE TRIGGER refuse BEFORE INSERT ON tracking_event \
             WHEN (SELECT tracking_number FROM parcel WHERE id = NEW.parcel_id) = 'GROUP0007' \
             BEGIN SELECT RAISE(ABORT, 'refused for the test'); END",
        )
        .await
        .unwrap();
        let pipeline = Pipeline::new(db.clone(), Adapters::new(chrono::FixedOffset::east_opt(0).unwrap()), Default::default());
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let pipeline = pipeline.clone();
                tokio::spawn(async move { (i, pipeline.ingest(peddler(i)).await) })
            })
            .collect();
        for task in tasks {
            let (i, outcome) = task.await.unwrap();
            match (i, outcome) {
                (7, Ok(IngestOutcome::Quarantined { error })) => assert_eq!(error.reason, super::super::refused::REFUSED_BY_DATABASE),
                (7, other) => panic!("the refused delivery: {other:?}"),
                (_, Ok(IngestOutcome::Stored { duplicate: false, .. })) => {}
                (i, other) => panic!("delivery {i}: {other:?}"),
            }
        }
        assert_eq!(crate::entity::tracking_event::Entity::find().count(&db).await.unwrap(), 39);
        let raws = crate::entity::raw_delivery::Entity::find().all(&db).await.unwrap();
        assert_eq!(raws.len(), 40, "the refused one is archived too");
        let refused: Vec<_> = raws.iter().filter(|r| r.outcome == app::outcome::Outcome::Quarantined).collect();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].tracking_number.as_deref(), Some("GROUP0007"));
        assert!(refused[0].error.as_deref().unwrap_or("").contains("refused for the test"), "{:?}", refused[0].error);
    }
}
