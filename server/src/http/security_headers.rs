//! Headers every response carries; the share link additionally never leaks its URL in a
//! `Referer`.
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// `hsts`: whether Waybill is served over https (`WAYBILL_HSTS`), so browsers should
/// never try plain http again.
pub async fn security_headers(State(hsts): State<bool>, request: Request, next: Next) -> Response {
    let share_link = request.uri().path().starts_with("/t/");
    // Staff see PDF proof inside the parcel page, so those files may be framed by this site.
    let framable = request.uri().path().starts_with("/staff/pod/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    let frames = if framable { "SAMEORIGIN" } else { "DENY" };
    headers.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static(frames));
    let referrer = if share_link { "no-referrer" } else { "strict-origin-when-cross-origin" };
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    if hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}
