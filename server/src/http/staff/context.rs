//! The middleware in front of everything under `/staff` and the staff server functions:
//! finds the staff member (session cookie, or an API key for `/staff/api`), gives every
//! signed-in session a CSRF token (a stranger's, for the login form, lives in a cookie of its
//! own: `login_csrf`, so an anonymous page writes no session), refuses cross-site writes, and
//! keeps strangers out (pages are redirected to the login page, API and server function
//! calls get `401`).
use super::{new_csrf_token, CSRF_KEY, SIGNED_IN_KEY, STAFF_KEY};
use crate::http::ApiError;
use crate::state::AppState;
use app::staff::{CsrfToken, StaffUser};
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// Paths reachable without being signed in.
const PUBLIC: [&str; 2] = ["/staff/login", "/leptos/staff_login_token"];

pub async fn staff_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let is_page = path == "/staff" || path.starts_with("/staff/");
    let is_function = path.starts_with("/leptos/staff_");
    if !(is_page || is_function) {
        return next.run(req).await;
    }
    let is_api = path.starts_with("/staff/api/");
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);

    // Scripts: `Authorization: Bearer <API key>`. No cookie is involved, so no CSRF either.
    if is_api {
        if let Some(key) = bearer(&req) {
            return match state.settings.db_limits.within(crate::staff::api_keys::staff_by_api_key(&state.writer, &key)).await {
                Ok(Some(staff)) => {
                    req.extensions_mut().insert(staff);
                    next.run(req).await
                }
                Ok(None) => ApiError::Unauthorized("invalid API key".into()).into_response(),
                Err(e) => ApiError::unavailable(e).into_response(),
            };
        }
    }

    // Only a request that carries the session cookie can be forged across sites; one without
    // it is simply not signed in (and is answered as such below).
    let has_session_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.contains(crate::staff::sessions::SESSION_COOKIE) || c.contains(super::login_csrf::LOGIN_CSRF_COOKIE));
    if writes && has_session_cookie && from_another_site(&req, &state.settings.public_url) {
        return ApiError::Forbidden("cross-site request refused: the Origin is not this site".into()).into_response();
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return ApiError::unavailable(std::io::Error::other("session layer missing")).into_response();
    };
    let staff = match session.get::<StaffUser>(STAFF_KEY).await {
        // The account may have been removed, or its password set again, since the session
        // began; either ends it.
        Ok(Some(staff)) => {
            let signed_in_at = session.get::<chrono::DateTime<chrono::Utc>>(SIGNED_IN_KEY).await.ok().flatten();
            match state.settings.db_limits.within(crate::staff::accounts::staff_by_session(&state.db, staff.id, signed_in_at)).await {
                Ok(Some(found)) => Some(found),
                Ok(None) => {
                    if let Err(e) = session.flush().await {
                        return ApiError::unavailable(e).into_response();
                    }
                    None
                }
                Err(e) => return ApiError::unavailable(e).into_response(),
            }
        }
        Ok(None) => None,
        Err(e) => return ApiError::unavailable(e).into_response(),
    };
    // A signed-in session keeps its token; a stranger's is the login cookie's (or a new one,
    // handed out with this answer), and nothing is written for a stranger.
    let mut new_login_token = None;
    let csrf = match session.get::<String>(CSRF_KEY).await {
        Ok(Some(token)) => token,
        Ok(None) if staff.is_some() => {
            let token = new_csrf_token();
            if let Err(e) = session.insert(CSRF_KEY, &token).await {
                return ApiError::unavailable(e).into_response();
            }
            token
        }
        Ok(None) => match super::login_csrf::from_cookie(req.headers()) {
            Some(token) => token,
            None if is_page || is_function => {
                let token = new_csrf_token();
                new_login_token = Some(token.clone());
                token
            }
            None => String::new(),
        },
        Err(e) => return ApiError::unavailable(e).into_response(),
    };
    // An API write with the session cookie carries the form token: in `x-csrf-token`, or,
    // for a plain form post without that header, in its `csrf` field (checked by the handler,
    // which sees no `CsrfChecked` marker).
    if is_api && writes && staff.is_some() {
        match req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string) {
            Some(presented) => {
                if let Err(e) = super::check_csrf(Some(&presented), &CsrfToken(csrf.clone())) {
                    return e.into_response();
                }
                req.extensions_mut().insert(super::CsrfChecked);
            }
            None if is_form_post(&req) => {}
            None => return super::check_csrf(None, &CsrfToken(String::new())).unwrap_err().into_response(),
        }
    }
    req.extensions_mut().insert(CsrfToken(csrf));
    // The notice of the last action is shown once, by the next page a browser renders (not
    // by a POD file, the CSV export, an API call or another post).
    let renders_page = is_page && !writes && !is_api && !path.starts_with("/staff/pod/") && !path.ends_with(".csv");
    if renders_page && staff.is_some() {
        match session.remove::<app::staff::StaffNotice>(super::NOTICE_KEY).await {
            Ok(Some(notice)) => {
                req.extensions_mut().insert(notice);
            }
            Ok(None) => {}
            Err(e) => return ApiError::unavailable(e).into_response(),
        }
    }
    match staff {
        Some(staff) => {
            req.extensions_mut().insert(staff);
            next.run(req).await
        }
        None if PUBLIC.contains(&path.as_str()) => {
            let mut response = next.run(req).await;
            if let Some(cookie) = new_login_token.and_then(|t| super::login_csrf::set_cookie(&t, state.settings.staff.secure_cookies)) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        None if is_api || is_function => {
            ApiError::Unauthorized("sign in, or send a staff API key as Authorization: Bearer".into()).into_response()
        }
        None => {
            let wanted = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/staff");
            let next_page = if writes { "/staff" } else { wanted };
            Redirect::to(&format!("/staff/login?next={}", app::staff::encode(next_page))).into_response()
        }
    }
}

fn bearer(req: &Request) -> Option<String> {
    bearer_key(req.headers())
}

/// The key of `Authorization: Bearer <key>` (the staff API and `/api/v1/events`).
pub fn bearer_key(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let key = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?;
    Some(key.trim().to_string())
}

/// A multipart form post carries its token in the `csrf` field, checked by the handler.
fn is_form_post(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data") || ct.starts_with("application/x-www-form-urlencoded"))
}

/// The origin (`scheme://host[:port]`) of a URL.
fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    Some(parsed.origin().ascii_serialization()).filter(|o| o != "null")
}

/// Whether a write names another site as its origin: its `Origin` (or, failing that, its
/// `Referer`) is neither the public URL's origin nor that of the Host it was sent to.
/// Browsers always send an `Origin` with a cross-site POST (`null` from sandboxed frames,
/// which counts as another site); a request with neither header is not from a browser
/// page, so it cannot be a forged cross-site request, and still needs the form token.
fn from_another_site(req: &Request, public_url: &str) -> bool {
    let headers = req.headers();
    let claimed = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => Some(origin.to_string()),
        None => headers.get(header::REFERER).and_then(|v| v.to_str().ok()).map(|r| origin_of(r).unwrap_or_default()),
    };
    let Some(claimed) = claimed else { return false };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let served = [format!("http://{host}"), format!("https://{host}")];
    let ours = origin_of(public_url).is_some_and(|o| o == claimed) || (!host.is_empty() && served.contains(&claimed));
    !ours
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = axum::http::Request::builder().method("POST").uri("/staff/logout");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn only_a_post_that_names_another_site_is_cross_site() {
        let public = "https://track.example.com";
        assert!(!from_another_site(&post(&[("origin", "https://track.example.com")]), public));
        assert!(!from_another_site(&post(&[("origin", "http://127.0.0.1:3107"), ("host", "127.0.0.1:3107")]), public));
        assert!(!from_another_site(&post(&[("referer", "https://track.example.com/staff/x")]), public));
        assert!(from_another_site(&post(&[("origin", "https://evil.example"), ("host", "track.example.com")]), public));
        assert!(from_another_site(&post(&[("origin", "null"), ("host", "track.example.com")]), public));
        assert!(from_another_site(&post(&[("referer", "https://evil.example/x"), ("host", "track.example.com")]), public));
        // No Origin and no Referer: not a browser page; the form token still decides.
        assert!(!from_another_site(&post(&[("host", "track.example.com")]), public));
    }
}
