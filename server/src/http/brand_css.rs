//! `/brand.css`: the request's brand colours as CSS custom properties, after Waybill's own
//! stylesheet (the pages link it only for a brand with colours). A stylesheet, not inline
//! style, so the Content-Security-Policy keeps `style-src 'self'`.
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;

pub async fn brand_css(State(state): State<AppState>, headers: HeaderMap) -> impl IntoResponse {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let css = state.settings.brands.for_host(host).stylesheet();
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300"), (header::VARY, "Host")], css)
}
