//! The outbound worker each instance runs. A round is one write transaction: for each
//! enabled endpoint with room it claims due deliveries (`claims`), a batch at a time, then
//! hands new outbox events out to the endpoints (`handout`); after the commit it reads the
//! claimed events in one query and sends each in a task of its own (`attempt`), at most
//! `WAYBILL_WEBHOOK_CONCURRENCY` to one endpoint at once, so a slow or dead endpoint delays
//! neither ingest (which only writes the outbox) nor any other endpoint. Finished attempts
//! go to one recorder task, which writes them many to a transaction (while ingest is busy,
//! gathered for a moment first). So a backlog being sent takes few turns of SQLite's one
//! writer, each one commit, from ingest. While there is work, rounds follow each other;
//! when there is none, the worker waits for `WAYBILL_OUTBOUND_POLL_MS` or for the recorder
//! to free room. While ingest is busy, rounds come once a poll and sends wait their turn
//! (`ingest_first`).
use super::attempt::send_event;
use super::claims::{claim, record, Finished};
use super::handout::hand_out;
use crate::entity::{outbound_event, webhook_endpoint};
use crate::ingest::WriteGate;
use crate::settings::outbound::OutboundSettings;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Notify, Semaphore};

/// A claim outlives the attempts of its batch by this much, so that it never lapses while
/// its instance still sends.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// Deliveries claimed for one endpoint at once, in sends it may run side by side.
const BATCH_PER_SLOT: usize = 8;

/// Events handed to each endpoint per round, and while ingest is busy.
const EVENTS_PER_ROUND: u64 = 500;
const EVENTS_PER_ROUND_WHILE_BUSY: u64 = 50;

/// Finished attempts written per transaction, at most.
const RECORDED_AT_ONCE: usize = 256;

/// How long the recorder gathers finished attempts before writing them, while ingest is
/// busy.
const RECORD_LINGER_WHILE_BUSY: Duration = Duration::from_millis(250);

/// The worker's shared parts; cheap to clone.
#[derive(Clone)]
pub struct Sender {
    db: DatabaseConnection,
    gate: WriteGate,
    settings: Arc<OutboundSettings>,
    client: reqwest::Client,
    /// This instance, as its claims name it.
    instance: String,
    /// Claimed and not yet recorded, per endpoint.
    claimed: Arc<Mutex<HashMap<String, usize>>>,
    /// Sends running side by side, per endpoint.
    slots: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    finished: mpsc::UnboundedSender<Finished>,
    /// Rung when recorded attempts freed room for more claims.
    room: Arc<Notify>,
    /// Steps back while ingest is busy.
    ingest_first: Arc<super::ingest_first::IngestFirst>,
}

impl Sender {
    /// Starts the recorder; [`Self::spawn`] starts the rounds.
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        settings: OutboundSettings,
        instance: String,
        commits: Arc<crate::ingest::CommitStats>,
    ) -> Result<Self, reqwest::Error> {
        let client = super::attempt::client(&settings)?;
        let ingest_first =
            Arc::new(super::ingest_first::IngestFirst::new(commits, settings.yield_above_per_sec, settings.while_busy_per_sec));
        let (finished, attempts) = mpsc::unbounded_channel();
        let sender = Self {
            db,
            gate,
            settings: Arc::new(settings),
            client,
            instance,
            claimed: Arc::default(),
            slots: Arc::default(),
            finished,
            room: Arc::new(Notify::new()),
            ingest_first,
        };
        tokio::spawn(sender.clone().recorder(attempts));
        Ok(sender)
    }

    /// Runs the rounds until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(self.settings.poll);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                let busy = match self.round().await {
                    Ok(busy) => busy,
                    Err(error) => {
                        tracing::warn!(%error, "outbound webhooks: this round failed; the next one tries again");
                        false
                    }
                };
                if busy {
                    tokio::task::yield_now().await;
                } else if self.ingest_first.sample() {
                    // Ingest is busy: one round a tick, however often sends finish.
                    every.tick().await;
                } else {
                    tokio::select! {
                        _ = every.tick() => {}
                        _ = self.room.notified() => {}
                    }
                }
            }
        })
    }

    /// One round, one write transaction: claim what is due for each endpoint with room,
    /// then hand out new events (claimed in a later round), then, once committed, start the
    /// sends. Says whether another round should follow at once (it found work, and ingest
    /// is calm).
    pub async fn round(&self) -> Result<bool, DbErr> {
        let endpoints = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DisabledAt.is_null()).all(&self.db).await?;
        // No endpoint, no work: the write gate is left to ingest.
        if endpoints.is_empty() {
            return Ok(false);
        }
        // While ingest is busy, a small hand-out a round and no round right after another:
        // the backlog waits in the outbox (`ingest_first`).
        let calm = !self.ingest_first.sample();
        let events = if calm { EVENTS_PER_ROUND } else { EVENTS_PER_ROUND_WHILE_BUSY };
        let per_endpoint = self.settings.per_endpoint;
        let batch = per_endpoint * BATCH_PER_SLOT;
        let lease = self.settings.timeout * BATCH_PER_SLOT as u32 + LEASE_MARGIN;
        let mut claimed = Vec::new();
        let made = {
            let _turn = self.gate.enter().await;
            let txn = self.db.begin().await?;
            for (i, endpoint) in endpoints.iter().enumerate() {
                let room = batch.saturating_sub(self.count(&endpoint.id, 0));
                // Claim when half the batch is free, not for every single free place; the
                // first endpoint's claim is made even of none, so the transaction begins
                // with a write (`handout`).
                let room = if room < batch / 2 { 0 } else { room };
                if room > 0 || i == 0 {
                    claimed.push((endpoint, claim(&txn, &endpoint.id, room, &self.instance, lease).await?));
                }
            }
            let made = hand_out(&txn, events).await?;
            txn.commit().await?;
            made
        };
        // The claimed events in one read, not one per send.
        let seqs: Vec<i64> = claimed.iter().flat_map(|(_, deliveries)| deliveries.iter().map(|d| d.event_seq)).collect();
        let busy = made > 0 || !seqs.is_empty();
        let events: HashMap<i64, Arc<outbound_event::Model>> = match seqs.is_empty() {
            true => HashMap::new(),
            false => outbound_event::Entity::find()
                .filter(outbound_event::Column::Seq.is_in(seqs))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|event| (event.seq, Arc::new(event)))
                .collect(),
        };
        for (endpoint, deliveries) in claimed {
            let slots = self.slots_of(&endpoint.id, per_endpoint);
            for delivery in deliveries {
                self.count(&endpoint.id, 1);
                let event = events.get(&delivery.event_seq).cloned();
                let (sender, endpoint, slots) = (self.clone(), endpoint.clone(), slots.clone());
                tokio::spawn(async move {
                    let Ok(_slot) = slots.acquire_owned().await else { return };
                    sender.ingest_first.turn().await;
                    let at = Utc::now();
                    let result = send_event(&sender.client, &sender.settings, &endpoint, &delivery.event_id, event.as_deref()).await;
                    // The recorder lives as long as the process.
                    let _ = sender.finished.send(Finished { endpoint, delivery, result, at });
                });
            }
        }
        Ok(busy && calm)
    }

    /// Changes the count of `endpoint`'s claimed deliveries by `change`; returns it.
    fn count(&self, endpoint: &str, change: isize) -> usize {
        match self.claimed.lock() {
            Ok(mut map) => {
                let n = map.entry(endpoint.to_string()).or_default();
                *n = n.saturating_add_signed(change);
                *n
            }
            Err(_) => usize::MAX,
        }
    }

    fn slots_of(&self, endpoint: &str, n: usize) -> Arc<Semaphore> {
        match self.slots.lock() {
            Ok(mut map) => map.entry(endpoint.to_string()).or_insert_with(|| Arc::new(Semaphore::new(n))).clone(),
            Err(_) => Arc::new(Semaphore::new(n)),
        }
    }

    /// Writes finished attempts as they come, many at a time.
    async fn recorder(self, mut attempts: mpsc::UnboundedReceiver<Finished>) {
        while let Some(first) = attempts.recv().await {
            let mut batch = vec![first];
            // While ingest is busy, sends trickle in at the limiter's rate: gathering them
            // for a while makes a few write transactions a second instead of one a send.
            let linger = if self.ingest_first.sample() { RECORD_LINGER_WHILE_BUSY } else { Duration::ZERO };
            let until = tokio::time::Instant::now() + linger;
            while batch.len() < RECORDED_AT_ONCE {
                match attempts.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) if linger.is_zero() => break,
                    Err(_) => match tokio::time::timeout_at(until, attempts.recv()).await {
                        Ok(Some(next)) => batch.push(next),
                        Ok(None) | Err(_) => break,
                    },
                }
            }
            if let Err(error) = record(&self.db, &self.gate, &self.settings, &batch).await {
                tracing::warn!(%error, attempts = batch.len(), "outbound webhooks: attempts could not be recorded; they are sent again when their claims lapse");
            }
            for finished in &batch {
                if !finished.result.succeeded() {
                    tracing::info!(endpoint = %finished.endpoint.id, event = %finished.delivery.event_id, status = ?finished.result.status, error = ?finished.result.error, attempt = finished.delivery.attempts + 1, "outbound webhook not accepted; retried on schedule");
                }
                self.count(&finished.endpoint.id, -1);
            }
            self.room.notify_one();
        }
    }
}
