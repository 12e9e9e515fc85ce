//! Who is signed in, the form token, whether the server runs in dev mode, and how many
//! webhook endpoints are disabled and how many alerts were raised lately (every staff page
//! says so).
use crate::staff::StaffSession;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_session")]
pub async fn load_staff_session() -> Result<StaffSession, ServerFnError> {
    let (staff, source) = super::require_staff()?;
    let csrf = use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::staff::CsrfToken>().cloned())
        .map(|t| t.0)
        .unwrap_or_default();
    // A count the banner can do without: a failure to read it leaves the page as it is.
    let disabled_webhooks = source.disabled_webhooks().await.unwrap_or(0);
    let recent_alerts = source.recent_alerts().await.unwrap_or(0);
    Ok(StaffSession { email: staff.email, csrf, dev_mode: source.dev_mode(), disabled_webhooks, recent_alerts })
}
