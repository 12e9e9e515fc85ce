//! Waybill's user interface: Leptos components rendered on the server and hydrated in the
//! browser, plus the types both sides share.
pub mod carrier_name;
pub mod components;
pub mod eta;
pub mod i18n;
pub mod lookup;
pub mod model;
pub mod next_step;
pub mod pages;
pub mod route;
#[cfg(feature = "ssr")]
pub mod security;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod source;
pub mod staff;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};
use pages::staff::{
    StaffAuditPage, StaffCarriersPage, StaffDeliveriesPage, StaffDeliveryPage, StaffLayout, StaffLoginPage, StaffParcelPage,
    StaffQuarantinePage, StaffSearchPage,
};
use pages::{HomePage, NotFoundPage, SharePage, TrackPage};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    security::provide_content_security_policy();
    // Staff pages are server-rendered only (see `pages::staff`): no hydration scripts there.
    #[cfg(feature = "ssr")]
    let hydrate = !use_context::<http::request::Parts>().is_some_and(|p| p.uri.path().starts_with("/staff"));
    #[cfg(not(feature = "ssr"))]
    let hydrate = true;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {hydrate.then(move || view! { <HydrationScripts options=options.clone()/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/waybill.css"/>
        <Title text="Waybill"/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <a class="brand" href="/">"Waybill"</a>
            </header>
            <main id="main">
                // Async rendering so that a page can still choose 404 or 500 as its status.
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/track/:n") view=TrackPage ssr=SsrMode::Async/>
                    <Route path=path!("/t/:token") view=SharePage ssr=SsrMode::Async/>
                    // The staff back office (CONTRACT §5); the server lets only staff reach it.
                    <Route path=path!("/staff/login") view=StaffLoginPage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/staff") view=StaffLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=StaffSearchPage/>
                        <Route path=path!("parcels/:carrier/:n") view=StaffParcelPage/>
                        <Route path=path!("deliveries") view=StaffDeliveriesPage/>
                        <Route path=path!("deliveries/:id") view=StaffDeliveryPage/>
                        <Route path=path!("quarantine") view=StaffQuarantinePage/>
                        <Route path=path!("audit") view=StaffAuditPage/>
                        <Route path=path!("carriers") view=StaffCarriersPage/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// Entry point of the WebAssembly bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
