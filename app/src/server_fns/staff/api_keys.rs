//! The staff API keys, newest first: first characters, owner, created, last used.
use crate::staff::ApiKeyRow;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_api_keys")]
pub async fn api_keys() -> Result<Vec<ApiKeyRow>, ServerFnError> {
    let (_, source) = super::require_staff()?;
    source.api_keys().await.map_err(super::unavailable)
}
