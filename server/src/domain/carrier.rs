//! The carriers Waybill takes webhooks from.
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    Deliverect,
    Uber,
    Depot,
    Peddler,
    Keydelivery,
}

impl Carrier {
    pub const ALL: [Carrier; 5] = [Self::Deliverect, Self::Uber, Self::Depot, Self::Peddler, Self::Keydelivery];

    /// The spelling used in URLs, the database and the JSON API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deliverect => "deliverect",
            Self::Uber => "uber",
            Self::Depot => "depot",
            Self::Peddler => "peddler",
            Self::Keydelivery => "keydelivery",
        }
    }
}

impl fmt::Display for Carrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown carrier {0:?}; expected one of deliverect, uber, depot, peddler, keydelivery")]
pub struct UnknownCarrier(pub String);

impl FromStr for Carrier {
    type Err = UnknownCarrier;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| UnknownCarrier(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_carrier_parses_from_its_own_spelling() {
        for carrier in Carrier::ALL {
            assert_eq!(carrier.as_str().parse::<Carrier>(), Ok(carrier));
        }
        assert!("fedex".parse::<Carrier>().is_err());
    }
}
