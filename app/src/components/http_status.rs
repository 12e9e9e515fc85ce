//! Lets a page choose the HTTP status of its server-rendered response (404, 503). A `503`
//! (the database is unreachable) also says when to try again, as the webhooks' `503` does.
#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// What a page's `503` asks a client or cache to wait before trying again, in seconds.
#[cfg(feature = "ssr")]
const RETRY_AFTER_SECS: u64 = 5;

/// Sets the response status while rendering on the server; does nothing in the browser.
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code)) {
        response.set_status(status);
        if status == http::StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(RETRY_AFTER_SECS));
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
