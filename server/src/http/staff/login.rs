//! `POST /staff/login` and `POST /staff/logout`. Every failed login gets the same answer,
//! whatever was wrong; too many attempts (per account and client, per client, per account
//! an hour: `staff::throttle`) get `429`. The client is the real one behind trusted proxies.
use super::{check_csrf, new_csrf_token, CSRF_KEY, SIGNED_IN_KEY, STAFF_KEY};
use crate::audit::{record_alone, AuditAction};
use crate::http::client_ip::client_ip;
use crate::http::ApiError;
use crate::state::AppState;
use app::staff::{CsrfToken, StaffUser};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use std::net::SocketAddr;
use tower_sessions::Session;

#[derive(serde::Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf: Option<String>,
    next: Option<String>,
}

/// Only pages of the back office are followed after login, never another site.
fn next_page(next: Option<&str>) -> &str {
    match next {
        Some(n) if (n == "/staff" || n.starts_with("/staff/") || n.starts_with("/staff?")) && !n.starts_with("//") => n,
        _ => "/staff",
    }
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<LoginForm>,
) -> Result<Response, ApiError> {
    check_csrf(form.csrf.as_deref(), &csrf)?;
    let client = client_ip(peer.ip(), &headers, &state.settings.trusted_proxies);
    if let Err(throttled) = state.login_throttle.check(&form.email, client) {
        let seconds = throttled.retry_after.as_secs().max(1);
        tracing::warn!(ip = %client, "staff login throttled");
        return Err(ApiError::TooManyRequests(format!("too many sign-in attempts: try again in {seconds} s"), seconds));
    }
    let staff = crate::staff::accounts::authenticate(&state.db, &state.password_hasher, &form.email, form.password)
        .await
        .map_err(ApiError::unavailable)?;
    let next = next_page(form.next.as_deref()).to_string();
    let Some(staff) = staff else {
        tracing::info!(ip = %client, "staff login failed");
        return Ok(Redirect::to(&format!("/staff/login?error=1&next={}", app::staff::encode(&next))).into_response());
    };
    // A new session id at login, so an id planted before login is worth nothing after it.
    session.cycle_id().await.map_err(ApiError::unavailable)?;
    session.insert(STAFF_KEY, &staff).await.map_err(ApiError::unavailable)?;
    session.insert(SIGNED_IN_KEY, chrono::Utc::now()).await.map_err(ApiError::unavailable)?;
    session.insert(CSRF_KEY, new_csrf_token()).await.map_err(ApiError::unavailable)?;
    record_alone(&state.writer, &staff.email, AuditAction::Login, &staff.email, Some(format!("from {client}")))
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Redirect::to(&next).into_response())
}

#[derive(serde::Deserialize)]
pub struct LogoutForm {
    csrf: Option<String>,
}

pub async fn logout(
    State(state): State<AppState>,
    session: Session,
    Extension(csrf): Extension<CsrfToken>,
    staff: Option<Extension<StaffUser>>,
    Form(form): Form<LogoutForm>,
) -> Result<Response, ApiError> {
    check_csrf(form.csrf.as_deref(), &csrf)?;
    if let Some(Extension(staff)) = staff {
        record_alone(&state.writer, &staff.email, AuditAction::Logout, &staff.email, None).await.map_err(ApiError::unavailable)?;
    }
    // Deletes the session from the store and clears the cookie.
    session.flush().await.map_err(ApiError::unavailable)?;
    Ok(Redirect::to("/staff/login").into_response())
}

#[cfg(test)]
mod tests {
    use super::next_page;

    #[test]
    fn only_back_office_pages_are_followed_after_login() {
        assert_eq!(next_page(Some("/staff/quarantine")), "/staff/quarantine");
        assert_eq!(next_page(Some("/staff?q=1")), "/staff?q=1");
        for elsewhere in ["https://evil.example/staff", "//evil.example", "/track/1", "/staffing"] {
            assert_eq!(next_page(Some(elsewhere)), "/staff", "{elsewhere}");
        }
    }
}
