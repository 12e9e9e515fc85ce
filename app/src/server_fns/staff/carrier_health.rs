//! Per carrier: secret configured or not, last delivery, errors over 24 h.
use crate::staff::CarrierHealth;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_carrier_health")]
pub async fn load_carrier_health() -> Result<Vec<CarrierHealth>, ServerFnError> {
    let (_, source) = super::require_staff()?;
    source.carrier_health().await.map_err(super::unavailable)
}
