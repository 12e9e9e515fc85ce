//! A served connection's place among `WAYBILL_MAX_CONNECTIONS`, handed to each of its
//! requests (a request extension) so that a request that will stay open for long, a
//! live-update stream, can give the place back and count against its own cap instead.
use std::sync::{Arc, Mutex};
use tokio::sync::OwnedSemaphorePermit;

#[derive(Clone, Debug)]
pub struct ConnectionSlot(Arc<Mutex<Option<OwnedSemaphorePermit>>>);

impl ConnectionSlot {
    pub fn new(permit: OwnedSemaphorePermit) -> Self {
        Self(Arc::new(Mutex::new(Some(permit))))
    }

    /// Frees the place for another connection; the connection itself stays open.
    pub fn release(&self) {
        let permit = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        drop(permit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::Semaphore;

    #[test]
    fn releasing_gives_the_place_back_once() {
        let places = Arc::new(Semaphore::new(1));
        let slot = ConnectionSlot::new(places.clone().try_acquire_owned().unwrap());
        assert_eq!(places.available_permits(), 0);
        slot.clone().release();
        slot.release();
        assert_eq!(places.available_permits(), 1);
    }
}
