//! The outbound worker each instance runs: the webhooks' scheduling on the relay's protocol
//! (`crate::relay`). A round is one write transaction through the door: for each enabled
//! endpoint with room it claims due deliveries (`claims`), a batch at a time, for a lease
//! that outlives the batch's slowest sends, then hands new outbox events out to the
//! endpoints (`handout`); after the commit it reads the claimed events in one query and
//! sends each in a task of its own (`attempt`; a test send carries its own payload), at most
//! `WAYBILL_WEBHOOK_CONCURRENCY` to one endpoint at once, so a slow or dead endpoint delays
//! neither ingest (which only writes the outbox) nor any other endpoint. Finished attempts
//! go to one recorder task, which writes them many to a transaction (while ingest is busy,
//! gathered for a moment first). So a backlog being sent takes few turns of SQLite's one
//! writer, each one commit, from ingest. While there is work, rounds follow each other;
//! when there is none, the worker waits for `WAYBILL_OUTBOUND_POLL_MS` or for the recorder
//! to free room. While ingest is busy, rounds come once a poll and sends wait their turn
//! (`ingest_first`).
use super::attempt::send_event;
use super::attempt::Sent;
use super::claims::{claim, record, Finished};
use super::handout::hand_out;
use crate::db::Writer;
use crate::entity::{outbound_event, webhook_endpoint};
use crate::outbox::Payload;
use crate::settings::outbound::OutboundSettings;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Notify, Semaphore};

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
    writer: Writer,
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
        writer: Writer,
        settings: OutboundSettings,
        instance: String,
        commits: Arc<crate::db::CommitStats>,
    ) -> Result<Self, reqwest::Error> {
        let client = super::attempt::client(&settings)?;
        let ingest_first =
            Arc::new(super::ingest_first::IngestFirst::new(commits, settings.yield_above_per_sec, settings.while_busy_per_sec));
        let (finished, attempts) = mpsc::unbounded_channel();
        let sender = Self {
            writer,
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
        let db = self.writer.db();
        let endpoints = webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DisabledAt.is_null()).all(db).await?;
        // No endpoint, no work: the writer's turn is left to ingest.
        if endpoints.is_empty() {
            return Ok(false);
        }
        // While ingest is busy, a small hand-out a round and no round right after another:
        // the backlog waits in the outbox (`ingest_first`).
        let calm = !self.ingest_first.sample();
        let events = if calm { EVENTS_PER_ROUND } else { EVENTS_PER_ROUND_WHILE_BUSY };
        let per_endpoint = self.settings.per_endpoint;
        let batch = per_endpoint * BATCH_PER_SLOT;
        // A batch's sends run `per_endpoint` side by side, each up to the timeout.
        let lease = crate::relay::lease_for(self.settings.timeout, batch, per_endpoint);
        let mut claimed = Vec::new();
        let made = {
            let txn = self.writer.begin().await?;
            for endpoint in &endpoints {
                let room = batch.saturating_sub(self.count(&endpoint.id, 0));
                // Claim when half the batch is free, not for every single free place.
                let room = if room < batch / 2 { 0 } else { room };
                if room > 0 {
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
        let events: HashMap<i64, Arc<(Payload, DateTime<Utc>)>> = match seqs.is_empty() {
            true => HashMap::new(),
            false => outbound_event::Entity::find()
                .filter(outbound_event::Column::Seq.is_in(seqs))
                .all(db)
                .await?
                .into_iter()
                .filter_map(|event| Some((event.seq, Arc::new((crate::outbox::payload_of(&event)?, event.created_at)))))
                .collect(),
        };
        for (endpoint, deliveries) in claimed {
            let slots = self.slots_of(&endpoint.id, per_endpoint);
            for delivery in deliveries {
                self.count(&endpoint.id, 1);
                // A test send carries its own payload; every other delivery is an outbox event's.
                let event = match &delivery.payload {
                    Some(own) => serde_json::from_str::<Payload>(own).ok().map(|p| Arc::new((p, delivery.created_at))),
                    None => events.get(&delivery.event_seq).cloned(),
                };
                let (sender, endpoint, slots) = (self.clone(), endpoint.clone(), slots.clone());
                tokio::spawn(async move {
                    let Ok(_slot) = slots.acquire_owned().await else { return };
                    sender.ingest_first.turn().await;
                    let at = Utc::now();
                    let sent = event.as_deref().map(|(payload, at)| Sent { payload, at: *at });
                    let result = send_event(&sender.client, &sender.settings, &endpoint, &delivery.event_id, sent).await;
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
            if let Err(error) = record(&self.writer, &self.settings, &batch).await {
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
