//! The carriers Waybill takes webhooks from, as the server and the pages share them.
//! Everything else about a carrier (its name, path, secret, authentication, reply and
//! mapping) is in its adapter file on the server (`server::carriers`).
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

/// A carrier name Waybill does not know.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownCarrier(pub String);

impl fmt::Display for UnknownCarrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Carrier::ALL.iter().map(|c| c.as_str()).collect();
        write!(f, "unknown carrier {:?}; expected one of {}", self.0, known.join(", "))
    }
}

impl std::error::Error for UnknownCarrier {}

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
        let unknown = "fedex".parse::<Carrier>().unwrap_err();
        assert_eq!(unknown.to_string(), "unknown carrier \"fedex\"; expected one of deliverect, uber, depot, peddler, keydelivery");
    }
}
