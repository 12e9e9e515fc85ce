//! The staff back office's HTTP side (CONTRACT §5): the session middleware (who is signed
//! in, CSRF), the extractors handlers take (`extract`), login and logout, the form actions,
//! POD upload and download, CSV export, API-key revoke, and the webhook endpoints' JSON API
//! and forms.
pub mod actions;
pub mod api_keys;
pub mod context;
pub mod export;
pub mod extract;
pub mod login;
pub mod login_csrf;
pub mod pod;
pub mod upload;
pub mod webhook_endpoints;
pub mod webhook_forms;

use crate::http::ApiError;
use crate::staff::actions::ActionError;

/// Session keys.
pub const STAFF_KEY: &str = "staff";
pub const CSRF_KEY: &str = "csrf";
/// When the session signed in: a password set after it ends the session.
pub const SIGNED_IN_KEY: &str = "signed_in_at";
/// The notice a staff action leaves for the next page view (`app::staff::StaffNotice`).
pub const NOTICE_KEY: &str = "notice";

/// Left in a request's extensions once its `x-csrf-token` header matched the session's.
#[derive(Clone, Copy, Debug)]
pub struct CsrfChecked;

/// A new random token for forms.
pub fn new_csrf_token() -> String {
    crate::domain::new_share_token()
}

/// Checks a form's `csrf` field against the session's token, in constant time.
pub fn check_csrf(presented: Option<&str>, expected: &app::staff::CsrfToken) -> Result<(), ApiError> {
    match presented {
        Some(p) if !expected.0.is_empty() && crate::http::webhooks::auth::constant_time_eq(p.as_bytes(), expected.0.as_bytes()) => Ok(()),
        _ => Err(ApiError::Forbidden("the form has expired or did not come from this site: reload the page and try again".into())),
    }
}

impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::NoSuchParcel => ApiError::NotFound("no such parcel".into()),
            ActionError::NoSuchDelivery => ApiError::NotFound("no such delivery".into()),
            ActionError::NotQuarantined(_) | ActionError::Invalid(_) => ApiError::BadRequest(e.to_string()),
            ActionError::Database(cause) => ApiError::unavailable(cause),
            ActionError::Ingest(cause) => ApiError::unavailable(cause),
        }
    }
}
