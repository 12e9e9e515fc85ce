//! Every route Waybill serves, in one place.
use crate::http::{find, health, live, pod, security_headers, track_api, webhooks};
use crate::state::AppState;
use app::source::SharedTrackingSource;
use app::{shell, App};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    let source: SharedTrackingSource = Arc::new(state.read_model.clone());
    let context = move || provide_context(source.clone());
    let leptos_options = state.leptos_options.clone();
    let post_context = context.clone();
    let get_context = context.clone();

    Router::new()
        // Carrier webhooks (CONTRACT §2).
        .route("/webhooks/depot", post(webhooks::depot::depot_webhook))
        .route("/webhooks/deliverect", post(webhooks::json::deliverect_webhook))
        .route("/courierUpdateStatus", post(webhooks::json::deliverect_webhook))
        .route("/webhooks/uber", post(webhooks::json::uber_webhook))
        .route("/webhooks/peddler", post(webhooks::json::peddler_webhook))
        .route("/webhooks/keydelivery", post(webhooks::json::keydelivery_webhook))
        // Customers (CONTRACT §4).
        .route("/api/v1/track/{tracking_number}", get(track_api::track_api))
        .route("/t/{token}/pod/{id}", get(pod::shared_pod))
        .route("/t/{token}/live", get(live::live))
        .route("/find", get(find::find))
        // Operations (CONTRACT §6).
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        // Leptos server functions the pages load their data through.
        .route(
            "/leptos/{*fn_name}",
            post(move |req: Request| handle_server_fns_with_context(post_context.clone(), req))
                .get(move |req: Request| handle_server_fns_with_context(get_context.clone(), req)),
        )
        // Leptos pages: `/`, `/track/{n}`, `/t/{token}`.
        .leptos_routes_with_context(&state, generate_route_list(App), context, move || shell(leptos_options.clone()))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(middleware::from_fn(security_headers::security_headers))
        // Pages, JSON and the wasm bundle compress well; POD images are already compressed
        // and are left alone by the layer's default predicate.
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.settings.request_timeout))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Static files from the site root; anything else is the app's 404 page.
async fn fallback(State(state): State<AppState>, req: Request) -> impl IntoResponse {
    let source: SharedTrackingSource = Arc::new(state.read_model.clone());
    let handler = leptos_axum::file_and_error_handler_with_context::<AppState, _>(move || provide_context(source.clone()), shell);
    let uri = req.uri().clone();
    handler(uri, State(state), req).await
}
