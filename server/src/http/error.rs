//! The one error type of the HTTP layer and its mapping to status codes. Each variant's
//! text is written for the client; internal causes are logged here, once, and never sent.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// What a `503` for a backend outage asks the client to wait before retrying.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `400`: the body is not what the format allows; the text says which field and why.
    #[error("{0}")]
    BadRequest(String),
    /// `401`: credentials missing or wrong. Nothing was applied.
    #[error("{0}")]
    Unauthorized(String),
    /// `403`: a cross-site request, or a form without the session's token.
    #[error("{0}")]
    Forbidden(String),
    /// `404`
    #[error("{0}")]
    NotFound(String),
    /// `409`: the thing is not in a state that allows this now (a disabled webhook endpoint
    /// is sent nothing); the text says what to do first.
    #[error("{0}")]
    Conflict(String),
    /// `413`: body or file over its configured limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// `415`: wrong content type, or a file whose bytes are not an accepted type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// `429`: too many attempts (staff login); retry after the given number of seconds.
    #[error("{0}")]
    TooManyRequests(String, u64),
    /// `503` with `Retry-After` (seconds): a cap is reached (open live streams); the client
    /// should come back later.
    #[error("{0}")]
    Busy(String, u64),
    /// `503` with a reason the operator can act on (e.g. a secret to configure).
    #[error("{0}")]
    NotConfigured(String),
    /// `503`: the database or object store failed; the carrier should retry.
    #[error("temporarily unavailable, please retry")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn unavailable(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unavailable(Box::new(cause))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Busy(..) | Self::NotConfigured(_) | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Logs the error once, at the level it deserves.
    pub fn log(&self) {
        match self {
            Self::Unavailable(cause) => tracing::error!(error = %cause, "request failed: backend unavailable"),
            Self::NotConfigured(reason) => tracing::warn!(%reason, "request refused: not configured"),
            other => tracing::info!(status = other.status().as_u16(), error = %other, "request refused"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let mut response = (self.status(), Json(serde_json::json!({ "error": self.to_string() }))).into_response();
        let retry_after = match &self {
            Self::TooManyRequests(_, seconds) | Self::Busy(_, seconds) => Some(*seconds),
            // A backend outage: carriers retry on their schedule, sooner is welcome.
            Self::Unavailable(_) => Some(UNAVAILABLE_RETRY_AFTER_SECS),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
