//! The outbound worker each instance runs: every `WAYBILL_OUTBOUND_POLL_MS` it hands new
//! outbox events out to the endpoints (`handout`), then, for each enabled endpoint with a
//! free slot, claims what is due (`claims`) and sends each in a task of its own
//! (`attempt`), recording the result. An endpoint holds at most
//! `WAYBILL_WEBHOOK_CONCURRENCY` sends, so a slow or dead one delays neither ingest (which
//! only writes the outbox) nor any other endpoint.
use super::attempt::{attempt, AttemptResult, Outgoing};
use super::claims::{claim, record};
use super::handout::hand_out;
use super::transitions::stamp;
use crate::entity::{outbound_event, webhook_delivery, webhook_endpoint};
use crate::ingest::WriteGate;
use crate::settings::outbound::OutboundSettings;
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A claim outlives the longest attempt by this much, so that it never lapses while its
/// instance still sends.
const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// The worker's shared parts; cheap to clone.
#[derive(Clone)]
pub struct Sender {
    db: DatabaseConnection,
    gate: WriteGate,
    settings: Arc<OutboundSettings>,
    client: reqwest::Client,
    /// This instance, as its claims name it.
    instance: String,
    /// Sends in flight per endpoint.
    in_flight: Arc<Mutex<HashMap<String, usize>>>,
}

impl Sender {
    pub fn new(db: DatabaseConnection, gate: WriteGate, settings: OutboundSettings, instance: String) -> Result<Self, reqwest::Error> {
        let client = super::attempt::client(&settings)?;
        Ok(Self { db, gate, settings: Arc::new(settings), client, instance, in_flight: Arc::default() })
    }

    /// Runs the worker until the process ends.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(self.settings.poll);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(error) = self.round().await {
                    tracing::warn!(%error, "outbound webhooks: this round failed; the next one tries again");
                }
            }
        })
    }

    /// One round: hand out, then start what is due.
    pub async fn round(&self) -> Result<(), DbErr> {
        let enabled = || webhook_endpoint::Entity::find().filter(webhook_endpoint::Column::DisabledAt.is_null()).all(&self.db);
        // No endpoint, no work: the write gate is left to ingest.
        if enabled().await?.is_empty() {
            return Ok(());
        }
        hand_out(&self.db, &self.gate).await?;
        let endpoints = enabled().await?;
        let lease = self.settings.timeout + LEASE_MARGIN;
        for endpoint in endpoints {
            let free = self.settings.per_endpoint.saturating_sub(self.busy(&endpoint.id));
            if free == 0 {
                continue;
            }
            let claimed = claim(&self.db, &self.gate, &endpoint.id, free, &self.instance, lease).await?;
            for delivery in claimed {
                self.start(endpoint.clone(), delivery);
            }
        }
        Ok(())
    }

    fn busy(&self, endpoint: &str) -> usize {
        self.in_flight.lock().map(|m| m.get(endpoint).copied().unwrap_or(0)).unwrap_or(usize::MAX)
    }

    fn count(&self, endpoint: &str, change: isize) {
        if let Ok(mut map) = self.in_flight.lock() {
            let n = map.entry(endpoint.to_string()).or_default();
            *n = n.saturating_add_signed(change);
        }
    }

    fn start(&self, endpoint: webhook_endpoint::Model, delivery: webhook_delivery::Model) {
        self.count(&endpoint.id, 1);
        let sender = self.clone();
        tokio::spawn(async move {
            if let Err(error) = sender.send(&endpoint, &delivery).await {
                tracing::warn!(%error, endpoint = %endpoint.id, event = %delivery.event_id, "outbound webhook: the attempt could not be recorded; it is sent again when its claim lapses");
            }
            sender.count(&endpoint.id, -1);
        });
    }

    #[tracing::instrument(skip_all, fields(endpoint = %endpoint.id, event = %delivery.event_id))]
    async fn send(&self, endpoint: &webhook_endpoint::Model, delivery: &webhook_delivery::Model) -> Result<(), DbErr> {
        let at = Utc::now();
        let result = match outbound_event::Entity::find_by_id(delivery.event_seq).one(&self.db).await? {
            Some(event) => {
                let body = body_of(&event);
                let mut secrets = vec![endpoint.secret.as_str()];
                if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_until) {
                    if until > at {
                        secrets.push(previous);
                    }
                }
                let outgoing = Outgoing { url: &endpoint.url, id: &delivery.event_id, body: body.as_bytes(), secrets: &secrets };
                attempt(&self.client, &self.settings, &outgoing).await
            }
            None => AttemptResult { status: None, latency: Duration::ZERO, answer: None, error: Some("the event is no longer in the outbox".into()) },
        };
        if !result.succeeded() {
            tracing::info!(status = ?result.status, error = ?result.error, attempt = delivery.attempts + 1, "outbound webhook not accepted; retried on schedule");
        }
        record(&self.db, &self.gate, &self.settings, endpoint, delivery, &result, at).await
    }
}

/// The Standard Webhooks body of an outbox event: `type`, `timestamp`, `data`.
pub fn body_of(event: &outbound_event::Model) -> String {
    let data: serde_json::Value = serde_json::from_str(&event.data).unwrap_or(serde_json::Value::Null);
    serde_json::json!({ "type": event.kind.as_str(), "timestamp": stamp(event.created_at), "data": data }).to_string()
}
