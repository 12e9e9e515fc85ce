//! The newest staff alerts (stuck parcels, silent feeds, a growing quarantine).
use crate::staff::AlertRow;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_alerts")]
pub async fn alerts() -> Result<Vec<AlertRow>, ServerFnError> {
    let (_, source) = super::require_staff()?;
    source.alerts().await.map_err(super::unavailable)
}
