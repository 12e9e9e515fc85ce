//! Headers every response carries; the share link additionally never leaks its URL in a
//! `Referer`.
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub async fn security_headers(request: Request, next: Next) -> Response {
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
    response
}
