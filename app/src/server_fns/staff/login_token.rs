//! The form token for the login page; the only staff function that needs no session yet.
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_login_token")]
pub async fn login_token() -> Result<String, ServerFnError> {
    Ok(use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::staff::CsrfToken>().cloned())
        .map(|t| t.0)
        .unwrap_or_default())
}
