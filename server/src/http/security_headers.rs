//! Headers every response carries; the share link additionally never leaks its URL in a
//! `Referer`, every HTML response has a Content-Security-Policy, and nothing under
//! `/staff` is kept by a browser or a proxy (`no-store`: after "Log out", Back must not
//! show the parcel list).
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// What the headers depend on besides the request.
#[derive(Clone, Copy, Debug, Default)]
pub struct HeaderPolicy {
    /// Waybill is served over https (`WAYBILL_HSTS`), so browsers should never try plain
    /// http again.
    pub hsts: bool,
    /// The files under `/pkg/` have their content's hash in their names (cargo-leptos
    /// `hash-files`), so they never change and may be kept for a year.
    pub hashed_assets: bool,
}

/// The year a hashed asset may be kept.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub async fn security_headers(State(policy): State<HeaderPolicy>, request: Request, next: Next) -> Response {
    let share_link = request.uri().path().starts_with("/t/");
    let asset = request.uri().path().starts_with("/pkg/");
    // Staff see PDF proof inside the parcel page, so those files may be framed by this site.
    let framable = request.uri().path().starts_with("/staff/pod/");
    let staff = request.uri().path() == "/staff" || request.uri().path().starts_with("/staff/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    let frames = if framable { "SAMEORIGIN" } else { "DENY" };
    headers.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static(frames));
    let referrer = if share_link { "no-referrer" } else { "strict-origin-when-cross-origin" };
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    // Pages get their policy, with the nonce of their scripts, while they render (see
    // `app::security`). An HTML response that arrives here without one (a browser test saw
    // that once, unexplained) gets the strict policy without inline scripts: the page then
    // works as it does without JavaScript, instead of going out with no policy at all.
    let html = headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = HeaderValue::from_str(&app::security::content_security_policy_without_nonce()) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        // No path: a share link's path is its secret.
        tracing::warn!("an HTML response had no Content-Security-Policy; the strict one without inline scripts was sent");
    }
    if staff {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A share link's page and stream are for the one person who holds the link: no shared
    // cache may keep them (its POD files set their own, as private).
    if share_link {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("private, no-store"));
    }
    if asset && policy.hashed_assets && response.status() == axum::http::StatusCode::OK {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    let headers = response.headers_mut();
    // A page's language follows Accept-Language and the language cookie: a cache must keep
    // one copy per language (the page cache already said so on the pages it serves).
    let varies_by_language = headers.get_all(header::VARY).iter().any(|v| v.to_str().is_ok_and(|v| v.contains("Accept-Language")));
    if html && !varies_by_language {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    }
    if policy.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn headers_of(path: &str) -> axum::http::HeaderMap {
        let page_with_policy = || async {
            let mut response = Response::new(axum::body::Body::from("<p>page</p>"));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("script-src 'nonce-abc'"));
            response
        };
        let router = axum::Router::new()
            .route("/t/with-policy", get(page_with_policy))
            .route("/without-policy", get(|| async { axum::response::Html("<p>page</p>") }))
            .route("/json", get(|| async { axum::Json(serde_json::json!({"ok": true})) }))
            .layer(axum::middleware::from_fn_with_state(HeaderPolicy { hsts: false, hashed_assets: true }, security_headers));
        let request = axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap();
        router.oneshot(request).await.unwrap().headers().clone()
    }

    #[tokio::test]
    async fn a_page_keeps_the_policy_it_was_rendered_with() {
        let headers = headers_of("/t/with-policy").await;
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "script-src 'nonce-abc'");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "a share link never leaks its URL");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    }

    #[tokio::test]
    async fn an_html_response_without_a_policy_gets_the_strict_one() {
        let headers = headers_of("/without-policy").await;
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], app::security::content_security_policy_without_nonce().as_str());
        assert_eq!(headers[header::REFERRER_POLICY], "strict-origin-when-cross-origin");
    }

    #[tokio::test]
    async fn other_responses_get_no_policy() {
        let headers = headers_of("/json").await;
        assert!(!headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS over plain http");
    }
}
