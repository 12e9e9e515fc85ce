//! What became of a raw delivery: applied, a duplicate of what was known, kept in the
//! quarantine, or taken out of it by staff. Stored in `raw_delivery.outcome` (the server
//! derives sea-orm's `ActiveEnum` here, behind `ssr`) and shown on the staff pages.
#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It changed the parcel.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "applied"))]
    Applied,
    /// It told nothing new.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "duplicate"))]
    Duplicate,
    /// It could not be applied (a body that does not parse, a refused file, a refusal by the
    /// database), and waits for staff.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "quarantined"))]
    Quarantined,
    /// Staff took it out of the quarantine; it stays in the archive.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "discarded"))]
    Discarded,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Self::Applied, Self::Duplicate, Self::Quarantined, Self::Discarded];

    /// The stored and shown spelling, e.g. `quarantined`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Duplicate => "duplicate",
            Self::Quarantined => "quarantined",
            Self::Discarded => "discarded",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_parses_back_from_its_spelling() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(Outcome::parse("Applied"), None);
    }
}
