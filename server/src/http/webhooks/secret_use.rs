//! Which of each carrier's secrets (current or previous) the last authenticated webhook on
//! this instance matched, for the carriers page: during a rotation it tells staff when a
//! carrier has moved to the new value, so the previous one can be removed.
use crate::domain::Carrier;
use crate::settings::SecretSlot;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Default)]
pub struct SecretUse([AtomicU8; Carrier::ALL.len()]);

const CURRENT: u8 = 1;
const PREVIOUS: u8 = 2;

impl SecretUse {
    pub fn record(&self, carrier: Carrier, slot: SecretSlot) {
        let value = match slot {
            SecretSlot::Current => CURRENT,
            SecretSlot::Previous => PREVIOUS,
        };
        self.0[carrier.index()].store(value, Ordering::Relaxed);
    }

    /// `None` until a webhook of this carrier was authenticated here.
    pub fn last(&self, carrier: Carrier) -> Option<SecretSlot> {
        match self.0[carrier.index()].load(Ordering::Relaxed) {
            CURRENT => Some(SecretSlot::Current),
            PREVIOUS => Some(SecretSlot::Previous),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_match_per_carrier_is_kept() {
        let used = SecretUse::default();
        assert_eq!(used.last(Carrier::Uber), None);
        used.record(Carrier::Uber, SecretSlot::Previous);
        used.record(Carrier::Depot, SecretSlot::Current);
        assert_eq!(used.last(Carrier::Uber), Some(SecretSlot::Previous));
        used.record(Carrier::Uber, SecretSlot::Current);
        assert_eq!(used.last(Carrier::Uber), Some(SecretSlot::Current));
        assert_eq!(used.last(Carrier::Depot), Some(SecretSlot::Current));
        assert_eq!(used.last(Carrier::Peddler), None);
    }
}
