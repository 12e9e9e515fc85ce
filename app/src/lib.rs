//! Waybill's user interface: Leptos components rendered on the server and hydrated in the
//! browser, plus the types both sides share.
pub mod brand;
pub mod carrier;
pub mod components;
pub mod eta;
pub mod event_kind;
pub mod i18n;
pub mod lang;
pub mod localize;
pub mod lookup;
pub mod model;
pub mod next_step;
pub mod outcome;
pub mod pages;
pub mod route;
#[cfg(feature = "ssr")]
pub mod security;
pub mod server_fns;
#[cfg(feature = "ssr")]
pub mod source;
pub mod staff;
pub mod zone;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};
use pages::staff::{
    StaffAlertsPage, StaffApiKeysPage, StaffAuditPage, StaffCarriersPage, StaffDeliveriesPage, StaffDeliveryPage, StaffLayout,
    StaffLoginPage, StaffParcelPage, StaffQuarantinePage, StaffSearchPage, StaffWebhooksPage,
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
    #[cfg(feature = "ssr")]
    let (brand, lang) = (brand::request_brand(), if hydrate { i18n::page_language() } else { i18n::Lang::En });
    #[cfg(not(feature = "ssr"))]
    let (brand, lang) = (brand::Brand::default(), i18n::Lang::En);
    let favicon = brand.favicon_url.clone().or_else(|| brand.logo_url.clone()).unwrap_or_else(|| "/favicon.svg".into());
    let stylesheet = brand.has_stylesheet().then(|| view! { <link rel="stylesheet" href="/brand.css"/> });
    // Open Graph: what a chat app shows for a shared link. The brand only, never the parcel.
    let og_title = format!("{} · {}", i18n::t(lang, i18n::Msg::TrackYourParcel), brand.name);
    let og_image = brand.logo_url.clone().filter(|url| url.starts_with("https://"));
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href=favicon/>
                {open_graph("og:type", "website".into())}
                {open_graph("og:site_name", brand.name.clone())}
                {open_graph("og:title", og_title)}
                {og_image.map(|url| open_graph("og:image", url))}
                // `pkg/waybill.<hash>.css` once cargo-leptos hashes the assets' names.
                <HashedStylesheet options=options.clone() id="leptos"/>
                {stylesheet}
                {hydrate.then(move || view! { <HydrationScripts options=options.clone()/> })}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// `<meta property=… content=…>`: `property` is RDFa's, which the typed element lacks.
fn open_graph(property: &'static str, content: String) -> impl IntoView {
    use leptos::tachys::html::attribute::custom::CustomAttribute;
    view! { <meta content=content/> }.attr("property", property)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The request's brand and language travel with the page, so that hydration renders
    // what the server rendered (their order here must not change: values are matched by it).
    #[cfg(feature = "ssr")]
    let brand = SharedValue::new(brand::request_brand).into_inner();
    #[cfg(not(feature = "ssr"))]
    let brand = SharedValue::new(brand::Brand::default).into_inner();
    #[cfg(feature = "ssr")]
    let lang = SharedValue::new(i18n::page_language).into_inner();
    #[cfg(not(feature = "ssr"))]
    let lang = SharedValue::new(i18n::Lang::default).into_inner();
    provide_context(brand.clone());
    provide_context(i18n::PageLanguage(lang));
    view! {
        <Title text=brand.name.clone()/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <a class="brand" href="/">
                    {brand.logo_url.clone().map(|src| view! { <img class="brand-logo" src=src alt=""/> })}
                    <span class="brand-name">{brand.name.clone()}</span>
                </a>
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
                        <Route path=path!("api-keys") view=StaffApiKeysPage/>
                        <Route path=path!("webhooks") view=StaffWebhooksPage/>
                        <Route path=path!("alerts") view=StaffAlertsPage/>
                        <Route path=path!("carriers") view=StaffCarriersPage/>
                    </ParentRoute>
                </Routes>
            </main>
            <components::SiteFooter brand=brand lang=lang/>
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
