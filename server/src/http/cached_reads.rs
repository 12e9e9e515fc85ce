//! The public read path in front of the renderer: `GET /track/{n}` and
//! `GET /api/v1/track/{n}` are answered from the page cache (`page_cache`) when it holds a
//! current body, with `ETag`, `304` for a matching `If-None-Match`, and
//! `Cache-Control: public, …` so that browsers, proxies and CDNs can keep them too (they
//! hold no personal data, CONTRACT §4). Otherwise the request goes on to the page or the
//! JSON handler, and a `200` is made shareable (`page_cache::prepare`), compressed once for
//! the client's coding, stored and served.
//!
//! Not cached, and passed on untouched: other methods and paths, a `?lang=` choice (it
//! sets a cookie), any other query; not stored: answers other than `200` (sent with
//! `no-store`) and any answer that sets a cookie.
use crate::http::ApiError;
use crate::page_cache::{compress, prepare, CacheKey, CachedBody, Encoding, Surface};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_ENCODING, ETAG, IF_NONE_MATCH, SET_COOKIE, VARY};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::sync::Arc;

/// Says whether the page cache answered (`hit`) or the renderer (`miss`), as CDNs do.
const CACHE_STATUS: &str = "x-waybill-cache";

/// Largest rendered body the cache takes in (a timeline of thousands of events in JSON).
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub async fn cached_reads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request, &state) else {
        return next.run(request).await;
    };
    let cache = &state.page_cache;
    let if_none_match = request.headers().get(IF_NONE_MATCH).cloned();
    if let Some(hit) = cache.get(&key) {
        let mut response = respond(&key, &hit.headers, &hit.etag, hit.body.clone(), if_none_match.as_ref(), cache.cache_control());
        response.headers_mut().insert(CACHE_STATUS, HeaderValue::from_static("hit"));
        return response;
    }
    // Taken before rendering: a commit during the render moves it, and the body stored
    // with it is then never served.
    let stamp = cache.stamp(&key.lookup_key);
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(SET_COOKIE) {
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(error) => return ApiError::unavailable(error).into_response(),
    };
    let (surface, encoding) = (key.surface, key.encoding);
    // Hashing and compressing a page is a millisecond of CPU: kept off the runtime's threads.
    let prepared = tokio::task::spawn_blocking(move || {
        let prepared = prepare(surface, &parts.headers, body);
        let compressed = compress(encoding, &prepared.identity);
        (prepared, compressed)
    })
    .await;
    let (prepared, compressed) = match prepared {
        Ok((prepared, Ok(compressed))) => (prepared, compressed),
        Ok((_, Err(error))) => return ApiError::unavailable(error).into_response(),
        Err(error) => return ApiError::unavailable(error).into_response(),
    };
    // A body that cannot be shared is for this request only.
    let private = HeaderValue::from_static("private, no-store");
    let cache_control = if prepared.shareable { cache.cache_control() } else { &private };
    let mut response = respond(&key, &prepared.headers, &prepared.etag, compressed.clone(), if_none_match.as_ref(), cache_control);
    response.headers_mut().insert(CACHE_STATUS, HeaderValue::from_static("miss"));
    if let Some(stamp) = stamp.filter(|_| prepared.shareable) {
        cache.insert(key, Arc::new(CachedBody { stamp, headers: prepared.headers, etag: prepared.etag, body: compressed }));
    }
    response
}

/// The cache key of a public read, or `None` for anything the cache leaves alone.
fn key_of(request: &Request, state: &AppState) -> Option<CacheKey> {
    if request.method() != Method::GET {
        return None;
    }
    let path = request.uri().path();
    let (surface, number) = match (path.strip_prefix("/track/"), path.strip_prefix("/api/v1/track/")) {
        (Some(number), _) => (Surface::Page, number),
        (_, Some(number)) => (Surface::Json, number),
        _ => return None,
    };
    let all = match (surface, request.uri().query()) {
        (_, None | Some("")) => false,
        (Surface::Page, Some("all=1")) => true,
        _ => return None,
    };
    let number = percent_encoding::percent_decode_str(number).decode_utf8().ok()?;
    let number = number.trim();
    if number.is_empty() || number.contains('/') {
        return None;
    }
    let headers = request.headers();
    let variant = match surface {
        // The JSON is the same for every visitor.
        Surface::Json => String::new(),
        Surface::Page => {
            // The brand's host, not the visitor's `Host`: any other host gets the default
            // brand, and must not make entries of its own.
            let brands = &state.settings.brands;
            let brand_host = brands.brand_host(headers.get(axum::http::header::HOST).and_then(|v| v.to_str().ok())).unwrap_or_default();
            let lang = app::i18n::negotiate(None, Some(headers), brands.for_host(Some(&brand_host)).language);
            // The number as typed: the page's title repeats it.
            format!("{}|{brand_host}|{all}|{number}", lang.code())
        }
    };
    Some(CacheKey { surface, lookup_key: app::lookup::lookup_key(number), variant, encoding: Encoding::negotiate(headers) })
}

/// A public body, or `304` when the client already has it.
fn respond(
    key: &CacheKey,
    headers: &HeaderMap,
    etag: &str,
    body: Bytes,
    if_none_match: Option<&HeaderValue>,
    cache_control: &HeaderValue,
) -> Response {
    let fresh = if_none_match.and_then(|v| v.to_str().ok()).is_some_and(|tags| matches(tags, etag));
    let mut response = if fresh {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let mut response = Response::new(Body::from(body));
        response.headers_mut().extend(headers.clone());
        if let Some(coding) = key.encoding.header() {
            response.headers_mut().insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    };
    let out = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(etag) {
        out.insert(ETAG, etag);
    }
    out.insert(CACHE_CONTROL, cache_control.clone());
    let vary = match key.surface {
        Surface::Page => "Accept-Encoding, Accept-Language, Cookie",
        Surface::Json => "Accept-Encoding",
    };
    out.insert(VARY, HeaderValue::from_static(vary));
    response
}

/// Whether an `If-None-Match` list names `etag` (weak comparison, RFC 9110 §13.1.2).
fn matches(tags: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    tags.trim() == "*" || tags.split(',').any(|tag| opaque(tag) == opaque(etag))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_a_star() {
        assert!(matches(r#"W/"abc""#, r#"W/"abc""#));
        assert!(matches(r#""abc""#, r#"W/"abc""#));
        assert!(matches(r#""x", W/"abc""#, r#"W/"abc""#));
        assert!(matches("*", r#"W/"abc""#));
        assert!(!matches(r#"W/"abd""#, r#"W/"abc""#));
    }
}
