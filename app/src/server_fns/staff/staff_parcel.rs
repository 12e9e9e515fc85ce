//! One parcel as staff see it: timeline, POD, share link, raw deliveries.
use crate::staff::StaffParcelDetail;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_parcel")]
pub async fn staff_parcel(carrier: String, tracking_number: String) -> Result<Option<StaffParcelDetail>, ServerFnError> {
    let (_, source) = super::require_staff()?;
    let detail = source.parcel_detail(&carrier, &tracking_number).await.map_err(super::unavailable)?;
    if detail.is_none() {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    Ok(detail)
}
