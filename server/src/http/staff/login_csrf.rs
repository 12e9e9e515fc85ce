//! The form token of a visitor who is not signed in (the login form): kept in a cookie of
//! its own and repeated in the form (a double submit), so that an anonymous page stores no
//! session row. A page for a stranger costs no write, and strangers reloading the login
//! page cannot grow the sessions table or take the writer's turn. A forged cross-site post
//! carries neither the cookie's value (another site cannot read it) nor, from a browser,
//! this site's Origin (`context` refuses it first).
use axum::http::{header, HeaderMap, HeaderValue};
use tower_sessions::cookie::{Cookie, SameSite};

/// The cookie's name.
pub const LOGIN_CSRF_COOKIE: &str = "waybill_login_csrf";

/// The token a request's cookie carries, if it looks like one of ours.
pub fn from_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| (20..=100).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// The `Set-Cookie` value that hands a new token to the browser.
pub fn set_cookie(token: &str, secure: bool) -> Option<HeaderValue> {
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.to_string()))
        // Also sent to `/leptos/staff_login_token`, the page's token after a client-side
        // navigation.
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_token_is_taken_from_the_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b; waybill_login_csrf=AbCdEfGhIjKlMnOpQrStUv12; c=d"));
        assert_eq!(from_cookie(&headers).as_deref(), Some("AbCdEfGhIjKlMnOpQrStUv12"));
        headers.insert(header::COOKIE, HeaderValue::from_static("waybill_login_csrf=short"));
        assert_eq!(from_cookie(&headers), None);
        headers.insert(header::COOKIE, HeaderValue::from_static("waybill_login_csrf=\"<script>alert(1)</script>aaaaaaaaaa\""));
        assert_eq!(from_cookie(&headers), None);
        let set = set_cookie("AbCdEfGhIjKlMnOpQrStUv12", true).unwrap();
        let set = set.to_str().unwrap();
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(set.contains(part), "{set}");
        }
    }
}
