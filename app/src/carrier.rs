//! The carriers Waybill takes webhooks from, as the server and the pages share them. A
//! carrier here is one line (its variant); everything else about it (its name, path, secret,
//! authentication, reply and mapping) is in its adapter file on the server
//! (`server::carriers`), and stored in `parcel.carrier` and `raw_delivery.carrier` in the
//! spelling `as_str` gives (the server derives sea-orm's `ActiveEnum` here, behind `ssr`).
#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, strum::VariantArray, strum::IntoStaticStr)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::None)", rename_all = "snake_case"))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Carrier {
    Deliverect,
    Uber,
    Depot,
    Peddler,
    Keydelivery,
}

impl Carrier {
    /// Every carrier, in the order of the variants.
    pub const ALL: &'static [Carrier] = <Self as strum::VariantArray>::VARIANTS;

    /// The spelling used in URLs, the database and the JSON API.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Where this carrier stands in [`Self::ALL`], for tables with one slot per carrier.
    pub const fn index(self) -> usize {
        self as usize
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
        Self::ALL.iter().copied().find(|c| c.as_str() == s).ok_or_else(|| UnknownCarrier(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_carrier_parses_from_its_own_spelling_and_knows_its_place() {
        for (i, carrier) in Carrier::ALL.iter().copied().enumerate() {
            assert_eq!(carrier.as_str().parse::<Carrier>(), Ok(carrier));
            assert_eq!(carrier.index(), i);
        }
        assert_eq!(Carrier::Keydelivery.as_str(), "keydelivery");
        let unknown = "fedex".parse::<Carrier>().unwrap_err();
        assert_eq!(unknown.to_string(), "unknown carrier \"fedex\"; expected one of deliverect, uber, depot, peddler, keydelivery");
    }
}
