//! Who is signed in, the form token, and whether the server runs in dev mode.
use crate::staff::StaffSession;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_session")]
pub async fn load_staff_session() -> Result<StaffSession, ServerFnError> {
    let (staff, source) = super::require_staff()?;
    let csrf = use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::staff::CsrfToken>().cloned())
        .map(|t| t.0)
        .unwrap_or_default();
    Ok(StaffSession { email: staff.email, csrf, dev_mode: source.dev_mode() })
}
