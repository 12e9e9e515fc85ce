//! What changed, told to whoever shows it: after a commit, the writer publishes the parcels
//! it changed here (`ParcelChanges::publish`), before it answers the deliveries. Two kinds
//! of readers listen:
//! - the page cache (`page_cache`), through [`Stamp`]s: a cached public body is served only
//!   while the stamp of its lookup key is unchanged. Keys are hashed into a fixed table of
//!   counters, so memory does not grow with the number of parcels; two keys that share a
//!   counter only cost each other a re-render.
//! - live-update streams of share links (`http::live`), through a watch channel per parcel
//!   that has an open stream; an idle stream waits on it and costs nothing else.
//!
//! Other instances hear of a commit through PostgreSQL `NOTIFY`, sent by the same
//! transaction (`notify_statements`) and received by [`postgres::listen`]. While that
//! listening connection is down an instance "does not hear": it serves nothing from its
//! cache, and every stream is woken once when it hears again, because it may have missed
//! changes meanwhile. SQLite has one instance, which always hears.
mod postgres;

pub use postgres::{listen, notify_statements};

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// What one commit changed about one parcel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParcelChange {
    pub parcel_id: i64,
    /// The lookup keys the parcel is found by: its tracking number's, then its references'.
    pub keys: Vec<String>,
    /// Whether its public view changed (not only what the share link adds, like the courier).
    pub public: bool,
}

/// Counters the lookup keys are hashed into.
const SLOTS: usize = 1 << 16;

/// The hub; cloning shares it.
#[derive(Clone)]
pub struct ParcelChanges(Arc<Inner>);

struct Inner {
    /// Tells this hub's own notifications apart from other instances'.
    instance: String,
    hasher: std::collections::hash_map::RandomState,
    slots: Box<[AtomicU64]>,
    /// Raised whenever this instance may have missed changes: every stamp before it is void.
    epoch: AtomicU64,
    hearing: AtomicBool,
    streams: Mutex<HashMap<i64, watch::Sender<u64>>>,
}

impl std::fmt::Debug for ParcelChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParcelChanges").field("instance", &self.0.instance).finish_non_exhaustive()
    }
}

/// Where a lookup key stood when a body was rendered for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    epoch: u64,
    slot: u64,
}

impl Default for ParcelChanges {
    fn default() -> Self {
        Self::new()
    }
}

impl ParcelChanges {
    /// A hub that hears every change (one instance, or until told otherwise).
    pub fn new() -> Self {
        Self(Arc::new(Inner {
            instance: uuid::Uuid::new_v4().simple().to_string(),
            hasher: Default::default(),
            slots: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
            epoch: AtomicU64::new(0),
            hearing: AtomicBool::new(true),
            streams: Mutex::default(),
        }))
    }

    /// This instance's name in the notifications it sends.
    pub fn instance(&self) -> &str {
        &self.0.instance
    }

    fn slot(&self, key: &str) -> &AtomicU64 {
        &self.0.slots[self.0.hasher.hash_one(key) as usize % SLOTS]
    }

    /// Where `key` stands now; `None` while this instance may be missing changes.
    pub fn stamp(&self, key: &str) -> Option<Stamp> {
        if !self.0.hearing.load(Ordering::Acquire) {
            return None;
        }
        Some(Stamp { epoch: self.0.epoch.load(Ordering::Acquire), slot: self.slot(key).load(Ordering::Acquire) })
    }

    /// Whether nothing about `key` changed since `stamp` was taken.
    pub fn is_current(&self, key: &str, stamp: Stamp) -> bool {
        self.stamp(key) == Some(stamp)
    }

    /// Tells the readers of this instance about committed changes.
    pub fn publish(&self, changes: &[ParcelChange]) {
        for change in changes.iter().filter(|c| c.public) {
            for key in &change.keys {
                self.slot(key).fetch_add(1, Ordering::AcqRel);
            }
        }
        let mut streams = lock(&self.0.streams);
        for change in changes {
            if let Some(sender) = streams.get(&change.parcel_id) {
                if sender.receiver_count() == 0 {
                    streams.remove(&change.parcel_id);
                } else {
                    sender.send_modify(|n| *n += 1);
                }
            }
        }
    }

    /// A receiver that changes whenever `parcel_id` does.
    pub fn subscribe(&self, parcel_id: i64) -> watch::Receiver<u64> {
        let mut streams = lock(&self.0.streams);
        // Parcels whose streams all ended are dropped now and then, so the map stays the
        // size of what is open.
        if streams.len() >= 64 && streams.len().is_power_of_two() {
            streams.retain(|_, sender| sender.receiver_count() > 0);
        }
        match streams.get(&parcel_id) {
            Some(sender) => sender.subscribe(),
            None => {
                let (sender, receiver) = watch::channel(0);
                streams.insert(parcel_id, sender);
                receiver
            }
        }
    }

    /// Whether this instance hears every change. Hearing again after a gap voids every
    /// stamp and wakes every stream, since changes may have been missed meanwhile.
    pub fn set_hearing(&self, hearing: bool) {
        let was = self.0.hearing.swap(hearing, Ordering::AcqRel);
        if hearing && !was {
            self.forget_all();
        }
    }

    /// Voids every stamp and wakes every stream: something may have changed that cannot be
    /// named (a commit whose outcome is unknown, a notification that does not read).
    pub fn forget_all(&self) {
        self.0.epoch.fetch_add(1, Ordering::AcqRel);
        for sender in lock(&self.0.streams).values() {
            sender.send_modify(|n| *n += 1);
        }
    }

    /// How many parcels have an open live stream: the map holds no more.
    #[cfg(test)]
    fn watched_parcels(&self) -> usize {
        lock(&self.0.streams).values().filter(|s| s.receiver_count() > 0).count()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every change under the lock is one step, so the map is whole even after a panic.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(id: i64, key: &str, public: bool) -> ParcelChange {
        ParcelChange { parcel_id: id, keys: vec![key.into()], public }
    }

    #[test]
    fn a_public_change_voids_the_stamps_of_its_keys_and_only_theirs() {
        let changes = ParcelChanges::new();
        let (a, b) = (changes.stamp("A1").unwrap(), changes.stamp("B1").unwrap());
        changes.publish(&[change(1, "A1", false)]);
        assert!(changes.is_current("A1", a), "a change the public view does not show");
        changes.publish(&[change(1, "A1", true)]);
        assert!(!changes.is_current("A1", a));
        assert!(changes.is_current("B1", b) || changes.slot("A1") as *const _ == changes.slot("B1") as *const _);
    }

    #[test]
    fn an_instance_that_stopped_hearing_has_no_stamps_and_hearing_again_voids_the_old_ones() {
        let changes = ParcelChanges::new();
        let before = changes.stamp("A1").unwrap();
        changes.set_hearing(false);
        assert_eq!(changes.stamp("A1"), None);
        changes.set_hearing(true);
        assert!(!changes.is_current("A1", before));
    }

    #[tokio::test]
    async fn a_stream_wakes_for_its_parcel_and_when_hearing_resumes() {
        let changes = ParcelChanges::new();
        let mut one = changes.subscribe(1);
        changes.publish(&[change(2, "B", true)]);
        assert!(!one.has_changed().unwrap());
        changes.publish(&[change(1, "A", false)]);
        assert!(one.has_changed().unwrap());
        one.borrow_and_update();
        changes.set_hearing(false);
        changes.set_hearing(true);
        assert!(one.has_changed().unwrap());
        drop(one);
        changes.publish(&[change(1, "A", false)]);
        assert_eq!(changes.watched_parcels(), 0);
    }
}
