//! The staff pages' server functions, one per file. Each first checks that a staff member
//! is signed in: the server's session middleware leaves a `StaffUser` in the request.
mod alerts;
mod api_keys;
mod audit_log;
mod carrier_health;
mod list_deliveries;
mod login_token;
mod raw_delivery;
mod search_parcels;
mod staff_parcel;
mod staff_session;
mod webhook_endpoints;

pub use alerts::alerts;
pub use api_keys::api_keys;
pub use audit_log::audit_log;
pub use carrier_health::load_carrier_health;
pub use list_deliveries::list_deliveries;
pub use login_token::login_token;
pub use raw_delivery::raw_delivery;
pub use search_parcels::search_parcels;
pub use staff_parcel::staff_parcel;
pub use staff_session::load_staff_session;
pub use webhook_endpoints::webhook_endpoints;

/// Shown when a staff function runs without a session (it answers `401`).
pub const SIGN_IN: &str = "sign in to use the back office";

/// The signed-in staff member and the staff source, or `401`.
#[cfg(feature = "ssr")]
pub(crate) fn require_staff() -> Result<(crate::staff::StaffUser, crate::source::SharedStaffSource), leptos::prelude::ServerFnError> {
    use leptos::prelude::*;
    let parts = use_context::<http::request::Parts>();
    let staff = parts.as_ref().and_then(|p| p.extensions.get::<crate::staff::StaffUser>().cloned());
    let source = use_context::<crate::source::SharedStaffSource>();
    match (staff, source) {
        (Some(staff), Some(source)) => Ok((staff, source)),
        _ => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::UNAUTHORIZED);
            }
            Err(ServerFnError::new(SIGN_IN))
        }
    }
}

/// The read model failed: the cause is logged on the server, never sent.
#[cfg(feature = "ssr")]
pub(crate) fn unavailable(_: crate::source::SourceUnavailable) -> leptos::prelude::ServerFnError {
    leptos::prelude::ServerFnError::new(super::UNAVAILABLE)
}
