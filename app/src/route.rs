//! What a page reads from its URL: path parameters, the query string, the path.
//!
//! Why not `use_params_map()` / `use_query_map()`: those hand out arena-backed memos owned
//! by the page. Under concurrent server rendering we saw such a memo read after its owner
//! had been disposed (a panic before, a page rendered for an empty number or query since
//! `try_with` was used). The readers here hold the router's own reference-counted signals
//! (`ArcMemo<ParamsMap>` and `ArcRwSignal<Url>`, which every matched route provides), so a
//! read can never find them gone; in the browser they stay reactive, so client-side
//! navigation between two URLs of the same route still updates the page.
use leptos::prelude::*;
use leptos_router::{location::Url, params::ParamsMap};

/// The route's path parameters, including those of parent routes.
fn params() -> ArcMemo<ParamsMap> {
    use_context::<ArcMemo<ParamsMap>>().unwrap_or_else(|| ArcMemo::new(|_| ParamsMap::new()))
}

/// The URL as this route sees it.
fn url() -> ArcRwSignal<Url> {
    use_context::<ArcRwSignal<Url>>().unwrap_or_else(|| ArcRwSignal::new(Url::default()))
}

/// A path parameter (`:n` in `/track/:n`), or `None` when the route has none by that name.
pub fn route_param(name: &'static str) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    let params = params();
    move || params.with(|p| p.get(name))
}

/// One query-string value (`?lang=nl`).
pub fn query_param(name: &'static str) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    read_query(move |q| q.get(name))
}

/// Something read from the whole query string, e.g. a search form's filters.
pub fn read_query<T>(read: impl Fn(&ParamsMap) -> T + Clone + Send + Sync + 'static) -> impl Fn() -> T + Clone + Send + Sync + 'static {
    let url = url();
    move || url.with(|u| read(u.search_params()))
}

/// The current path, without the query string.
pub fn current_path() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let url = url();
    move || url.with(|u| u.path().to_string())
}
