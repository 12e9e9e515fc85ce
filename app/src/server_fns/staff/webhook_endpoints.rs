//! The merchant webhook endpoints, with their newest attempts (never a secret).
use crate::staff::WebhookEndpointRow;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_webhook_endpoints")]
pub async fn webhook_endpoints() -> Result<Vec<WebhookEndpointRow>, ServerFnError> {
    let (_, source) = super::require_staff()?;
    source.webhook_endpoints().await.map_err(super::unavailable)
}
