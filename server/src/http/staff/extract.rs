//! The back office's extractors, so that a handler names what it needs and does nothing
//! else: [`StaffForm`] is a form post by a signed-in staff member whose form token matched
//! the session's (the staff member and the session come from `context`, which ran first),
//! and [`StaffParcel`] is the parcel a `/staff/parcels/{carrier}/{n}/…` path names.
use super::check_csrf;
use crate::entity::parcel;
use crate::http::ApiError;
use crate::state::AppState;
use app::staff::{CsrfToken, StaffUser};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::Form;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

/// A form that carries the session's token in its `csrf` field.
pub trait WithCsrf {
    fn csrf(&self) -> Option<&str>;
}

/// A form with nothing but its token.
#[derive(serde::Deserialize)]
pub struct TokenOnly {
    pub csrf: Option<String>,
}

impl WithCsrf for TokenOnly {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// A checked form post: who sent it, their session (for the notice the next page shows)
/// and the form.
pub struct StaffForm<T> {
    pub staff: StaffUser,
    pub session: Session,
    pub form: T,
}

impl<T: DeserializeOwned + WithCsrf + Send> FromRequest<AppState> for StaffForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let token = parts.extensions.get::<CsrfToken>().cloned().unwrap_or(CsrfToken(String::new()));
        let staff = parts.extensions.get::<StaffUser>().cloned().ok_or_else(|| ApiError::Unauthorized("sign in first".into()))?;
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| ApiError::unavailable(std::io::Error::other("session layer missing")))?;
        let Form(form) = Form::<T>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| ApiError::BadRequest(format!("the form: {}", rejection.body_text())))?;
        check_csrf(form.csrf(), &token)?;
        Ok(Self { staff, session, form })
    }
}

/// The names of a parcel path's segments.
#[derive(serde::Deserialize)]
struct ParcelPath {
    carrier: String,
    n: String,
}

/// The parcel of a `/staff/parcels/{carrier}/{n}/…` path; `404` when there is none.
pub struct StaffParcel(pub parcel::Model);

impl FromRequestParts<AppState> for StaffParcel {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Path(path) = Path::<ParcelPath>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError::NotFound(format!("no such parcel: {}", rejection.body_text())))?;
        let carrier: crate::domain::Carrier =
            path.carrier.parse().map_err(|_| ApiError::NotFound(format!("no carrier {:?}", path.carrier)))?;
        crate::staff::actions::find_parcel(&state.db, carrier, &path.n)
            .await
            .map_err(ApiError::unavailable)?
            .map(Self)
            .ok_or_else(|| ApiError::NotFound("no such parcel".into()))
    }
}
