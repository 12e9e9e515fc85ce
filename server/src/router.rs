//! Every route Waybill serves, in one place.
use crate::carriers::{self, BodyFormat};
use crate::http::security_headers::HeaderPolicy;
use crate::http::{
    brand_css, cached_reads, events_api, find, health, live, pod, security_headers, staff, subscriptions, track_api, webhooks,
};
use crate::state::AppState;
use app::brand::SharedBrands;
use app::source::{SharedStaffSource, SharedTrackingSource};
use app::{shell, App};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, RawQuery, Request, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes};
use std::sync::{Arc, OnceLock};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The Leptos page routes, generated once per process.
///
/// Why once: generating them runs the app with a process-wide flag set that makes any
/// resource first polled meanwhile wait forever (leptos-rs/leptos#4773). A second server in
/// the same process (the tests start many) generating its list while another one
/// renders a page would hang that page until the request timeout.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let context = page_context(&state);
    let leptos_options = state.leptos_options.clone();
    let post_context = context.clone();
    let get_context = context.clone();

    carrier_webhooks(Router::new())
        // Customers (CONTRACT §4).
        .route("/api/v1/track/{tracking_number}", get(track_api::track_api))
        .route("/t/{token}/pod/{id}", get(pod::shared_pod))
        .route("/t/{token}/live", get(live::live))
        // Customers' mail updates, opted in from the share link.
        .route("/t/{token}/subscribe", post(subscriptions::subscribe))
        .route("/m/{token}/confirm", get(subscriptions::confirm))
        .route("/m/{token}/unsubscribe", get(subscriptions::unsubscribe_page).post(subscriptions::unsubscribe))
        .route("/find", get(find::find))
        .route("/brand.css", get(brand_css::brand_css))
        // Merchant systems: the outbox in commit order (a staff API key).
        .route("/api/v1/events", get(events_api::events))
        // Staff (CONTRACT §5); `staff_context` below admits only staff, and the pages
        // themselves are Leptos routes.
        .route("/staff/login", post(staff::login::login))
        .route("/staff/logout", post(staff::login::logout))
        .route("/staff/api/parcels/{carrier}/{n}/pod", post(staff::upload::upload_pod_api))
        .route("/staff/parcels/{carrier}/{n}/pod", post(staff::upload::upload_pod_form))
        .route("/staff/parcels/{carrier}/{n}/events", post(staff::actions::manual_event))
        .route("/staff/parcels/{carrier}/{n}/events/{id}/void", post(staff::actions::void_event))
        .route("/staff/parcels/{carrier}/{n}/share-link/rotate", post(staff::actions::rotate_share_link))
        .route("/staff/quarantine/{id}/reprocess", post(staff::actions::reprocess))
        .route("/staff/quarantine/{id}/discard", post(staff::actions::discard))
        .route("/staff/api/webhook-endpoints", post(staff::webhook_endpoints::add_endpoint).get(staff::webhook_endpoints::list_endpoints))
        .route("/staff/api/webhook-endpoints/{id}", axum::routing::delete(staff::webhook_endpoints::remove_endpoint))
        .route("/staff/api/webhook-endpoints/{id}/rotate-secret", post(staff::webhook_endpoints::rotate_secret))
        .route("/staff/api/webhook-endpoints/{id}/attempts", get(staff::webhook_endpoints::attempts))
        .route("/staff/api/webhook-endpoints/{id}/resend", post(staff::webhook_endpoints::resend))
        .route("/staff/api/webhook-endpoints/{id}/test", post(staff::webhook_endpoints::send_test))
        .route("/staff/api/webhook-endpoints/{id}/enable", post(staff::webhook_endpoints::enable_endpoint))
        .route("/staff/webhooks/add", post(staff::webhook_forms::add_endpoint_form))
        .route("/staff/webhooks/{id}/{action}", post(staff::webhook_forms::webhook_form))
        .route("/staff/api-keys/{id}/revoke", post(staff::api_keys::revoke_api_key))
        .route("/staff/pod/{id}", get(staff::pod::staff_pod))
        .route("/staff/parcels.csv", get(staff::export::export_parcels))
        // Operations (CONTRACT §6).
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/readyz/database", get(health::readyz_database))
        // Leptos server functions the pages load their data through.
        .route(
            "/leptos/{*fn_name}",
            post(move |req: Request| handle_server_fns_with_context(post_context.clone(), req))
                .get(move |req: Request| handle_server_fns_with_context(get_context.clone(), req)),
        )
        // Leptos pages: `/`, `/track/{n}`, `/t/{token}`.
        .leptos_routes_with_context(&state, page_routes(), context, move || shell(leptos_options.clone()))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), staff::context::staff_context))
        .layer(state.sessions.clone().layer(&state.settings.staff))
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        // The public page and JSON, from the page cache when it holds them (it compresses
        // what it keeps once, so the layer below leaves those alone).
        .layer(middleware::from_fn_with_state(state.clone(), cached_reads::cached_reads))
        .layer(middleware::from_fn_with_state(
            HeaderPolicy { hsts: state.settings.hsts, hashed_assets: state.settings.hash_files },
            security_headers::security_headers,
        ))
        // Whatever else is compressible and not compressed yet (share links, staff pages),
        // at the fastest level: it is compressed again for every request. The assets come
        // precompressed from the build (`cargo leptos build --precompress`), and POD images
        // are left alone by the layer's default predicate.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.settings.request_timeout))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Carrier webhooks (CONTRACT §2): each path of each carrier's profile, to the handler of
/// its body format.
fn carrier_webhooks(mut router: Router<AppState>) -> Router<AppState> {
    for profile in carriers::profiles() {
        for path in profile.paths {
            router = match profile.body {
                BodyFormat::Json => router.route(
                    path,
                    post(move |State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap, body: Body| {
                        webhooks::json::json_webhook(state, profile, query, headers, body)
                    }),
                ),
                BodyFormat::Multipart => router.route(
                    path,
                    post(move |State(state): State<AppState>, headers: HeaderMap, body: Body| {
                        webhooks::depot::multipart_webhook(state, profile, headers, body)
                    }),
                ),
            };
        }
    }
    router
}

/// What the pages and server functions read through: the tracking and staff sources, and
/// the brands.
fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let tracking: SharedTrackingSource = Arc::new(state.read_model.clone());
    let staff: SharedStaffSource = Arc::new(state.staff_read.clone());
    let brands: SharedBrands = Arc::new(state.settings.brands.clone());
    move || {
        provide_context(tracking.clone());
        provide_context(staff.clone());
        provide_context(brands.clone());
    }
}

/// Static files from the site root; anything else is the app's 404 page.
async fn fallback(State(state): State<AppState>, req: Request) -> impl IntoResponse {
    let handler = leptos_axum::file_and_error_handler_with_context::<AppState, _>(page_context(&state), shell);
    let uri = req.uri().clone();
    handler(uri, State(state), req).await
}
