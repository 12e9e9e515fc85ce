//! Who wrote a raw delivery: a carrier through its webhook, or staff through the back
//! office. The route that takes a delivery decides it, and the parser follows it: a
//! carrier's sender chooses its headers, so no header may make its body parse as staff work.
use sea_orm::{sea_query::StringLen, DeriveActiveEnum, EnumIter};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A carrier's webhook: parsed by that carrier's adapter.
    #[sea_orm(string_value = "carrier")]
    Carrier,
    /// A staff action (manual event, POD upload, void): parsed as a staff entry.
    #[sea_orm(string_value = "staff")]
    Staff,
}
