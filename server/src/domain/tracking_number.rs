//! A carrier's tracking number, checked once at the edge so that everything after can
//! trust it (safe in a URL path, bounded length).
use std::fmt;

/// Longest tracking number accepted; real ones are far shorter.
pub const MAX_LEN: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct TrackingNumber(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidTrackingNumber {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("contains {0:?}; only letters, digits, '-', '_' and '.' are allowed")]
    BadCharacter(char),
}

impl TrackingNumber {
    /// Trims surrounding white space, then checks length and characters.
    pub fn parse(raw: &str) -> Result<Self, InvalidTrackingNumber> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(InvalidTrackingNumber::Empty);
        }
        if trimmed.chars().count() > MAX_LEN {
            return Err(InvalidTrackingNumber::TooLong);
        }
        if let Some(bad) = trimmed.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
            return Err(InvalidTrackingNumber::BadCharacter(bad));
        }
        Ok(Self(trimmed.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_depot_article_id_is_accepted_and_trimmed() {
        assert_eq!(TrackingNumber::parse(" ARP1000052447 ").unwrap().as_str(), "ARP1000052447");
    }

    #[test]
    fn empty_long_and_path_like_numbers_are_rejected() {
        assert_eq!(TrackingNumber::parse("  "), Err(InvalidTrackingNumber::Empty));
        assert_eq!(TrackingNumber::parse(&"A".repeat(65)), Err(InvalidTrackingNumber::TooLong));
        assert_eq!(TrackingNumber::parse("../etc"), Err(InvalidTrackingNumber::BadCharacter('/')));
    }
}
