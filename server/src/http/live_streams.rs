//! Admission of live-update streams: each open stream holds one of the instance's places and
//! one of its share link's, both from `LiveLimits`. A stream past either cap is refused with
//! `503` and `Retry-After`; the browser's EventSource tries again by itself.
use crate::settings::LiveLimits;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone, Debug)]
pub struct LiveStreams {
    instance: Arc<Semaphore>,
    per_link: usize,
    /// Open streams per share token, only for tokens with at least one.
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One admitted stream; dropping it (the stream ended) frees both places.
#[derive(Debug)]
pub struct LiveStreamPlace {
    _instance: OwnedSemaphorePermit,
    token: String,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl LiveStreams {
    pub fn new(limits: LiveLimits) -> Self {
        Self { instance: Arc::new(Semaphore::new(limits.per_instance)), per_link: limits.per_link, open: Arc::default() }
    }

    /// A place for one more stream of `token`, or `None` when a cap is reached.
    pub fn admit(&self, token: &str) -> Option<LiveStreamPlace> {
        let instance = self.instance.clone().try_acquire_owned().ok()?;
        let mut open = lock(&self.open);
        let count = open.entry(token.to_string()).or_insert(0);
        if *count >= self.per_link {
            if *count == 0 {
                open.remove(token);
            }
            return None;
        }
        *count += 1;
        Some(LiveStreamPlace { _instance: instance, token: token.to_string(), open: self.open.clone() })
    }
}

impl Drop for LiveStreamPlace {
    fn drop(&mut self) {
        let mut open = lock(&self.open);
        if let Some(count) = open.get_mut(&self.token) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.token);
            }
        }
    }
}

fn lock(open: &Mutex<HashMap<String, usize>>) -> MutexGuard<'_, HashMap<String, usize>> {
    // Each change is one step, so the map is whole even after a panic elsewhere.
    open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn streams_are_capped_per_link_and_per_instance_and_freed_when_they_end() {
        let streams = LiveStreams::new(LiveLimits { per_instance: 3, per_link: 2, max_duration: Duration::from_secs(1) });
        let a1 = streams.admit("a").unwrap();
        let _a2 = streams.admit("a").unwrap();
        assert!(streams.admit("a").is_none(), "a third on one link");
        let _b1 = streams.admit("b").unwrap();
        assert!(streams.admit("c").is_none(), "the instance is full");
        drop(a1);
        assert!(streams.admit("a").is_some(), "a place of a's came back");
    }
}
