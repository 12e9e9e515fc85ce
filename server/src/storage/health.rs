//! Whether the object store answers, as `/readyz` reports it: checked in the background every
//! `WAYBILL_STORAGE_CHECK_SECS` (5 unless set) by asking for the metadata of one fixed key,
//! which writes nothing (a missing key is an answer). A probe reads the last result, so
//! probes cost nothing and a hung store cannot hang them; a result older than three
//! intervals (the check itself hangs) counts as unavailable.
use super::PodStore;
use object_store::path::Path;
use object_store::ObjectStoreExt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct StorageHealth {
    every: Duration,
    /// When the last check ended and whether the store answered; `None` before the first.
    last: Arc<Mutex<Option<(Instant, bool)>>>,
}

impl StorageHealth {
    /// Checks `store` once (so the first probe has an answer), then every `every` in the
    /// background, for as long as the server runs.
    pub async fn start(store: PodStore, every: Duration) -> Self {
        let health = Self { every: every.max(Duration::from_millis(100)), last: Arc::default() };
        health.check(&store).await;
        let checker = health.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(checker.every).await;
                checker.check(&store).await;
            }
        });
        health
    }

    async fn check(&self, store: &PodStore) {
        let answered = matches!(tokio::time::timeout(self.every, answers(store)).await, Ok(true));
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), answered));
    }

    /// Whether the store answered at its last check, and that check is recent.
    pub fn is_available(&self) -> bool {
        match *self.last.lock().unwrap_or_else(|p| p.into_inner()) {
            Some((at, answered)) => answered && at.elapsed() < self.every * 3,
            None => false,
        }
    }
}

async fn answers(store: &PodStore) -> bool {
    match store.inner().head(&Path::from("readyz/probe")).await {
        Ok(_) | Err(object_store::Error::NotFound { .. }) => true,
        Err(error) => {
            tracing::warn!(%error, "object store check failed");
            false
        }
    }
}
