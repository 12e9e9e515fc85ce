//! The raw delivery list, filtered; the quarantine is this list with `outcome=quarantined`.
use crate::staff::{DeliveryPage, DeliveryQuery};
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_list_deliveries")]
pub async fn list_deliveries(query: DeliveryQuery) -> Result<DeliveryPage, ServerFnError> {
    let (_, source) = super::require_staff()?;
    source.deliveries(&query).await.map_err(super::unavailable)
}
