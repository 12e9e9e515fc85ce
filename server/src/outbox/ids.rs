//! Stable event ids: `evt_` and 32 hex digits of SHA-256 over what an event is (the parcel
//! and the state reached, an alert's episode), never over when it was noticed, so the same
//! event gets the same id however often it is worked out, and the outbox keeps it once.
use app::carrier::Carrier;
use app::event_kind::EventKind;
use sha2::{Digest, Sha256};

/// The parcel an event is about.
#[derive(Clone, Copy, Debug)]
pub struct ParcelIdentity<'a> {
    pub carrier: Carrier,
    pub tracking_number: &'a str,
}

/// The stable id of `kind` reaching `reached` on `parcel`.
pub fn event_id(parcel: ParcelIdentity<'_>, kind: EventKind, reached: &[String]) -> String {
    let parts: Vec<&str> =
        [kind.as_str(), parcel.carrier.as_str(), parcel.tracking_number].into_iter().chain(reached.iter().map(String::as_str)).collect();
    stable_id(&parts)
}

/// `evt_` and 32 hex digits of SHA-256 over `parts`: the same parts, the same id.
pub fn stable_id(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        // A separator no part contains, so that ("ab", "c") and ("a", "bc") differ.
        hash.update([0x1f]);
    }
    format!("evt_{}", &hex::encode(hash.finalize())[..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_parts_give_the_same_id_and_parts_never_run_together() {
        assert_eq!(stable_id(&["a", "b"]), stable_id(&["a", "b"]));
        assert_ne!(stable_id(&["ab", "c"]), stable_id(&["a", "bc"]));
        assert_eq!(stable_id(&["x"]).len(), 4 + 32);
    }
}
