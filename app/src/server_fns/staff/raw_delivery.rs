//! One raw delivery: headers (credentials redacted) and the pretty-printed body.
use crate::staff::DeliveryDetail;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_raw_delivery")]
pub async fn raw_delivery(id: i64) -> Result<Option<DeliveryDetail>, ServerFnError> {
    let (_, source) = super::require_staff()?;
    let detail = source.delivery(id).await.map_err(super::unavailable)?;
    if detail.is_none() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    Ok(detail)
}
