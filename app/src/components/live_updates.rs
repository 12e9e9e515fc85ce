//! Live updates on the share link: after hydration the page listens to
//! `/t/{token}/live` (server-sent events) and reloads its data when the parcel changes.
//! Without JavaScript nothing of this runs and the page is simply static.
#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// Calls `on_change` whenever the server says the parcel behind `token` changed.
#[allow(unused_variables)]
pub fn use_live_updates(token: impl Fn() -> String + 'static, on_change: impl Fn() + Clone + 'static) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        let Ok(source) = web_sys::EventSource::new(&format!("/t/{}/live", token())) else {
            return;
        };
        let on_change = on_change.clone();
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| on_change());
        let _ = source.add_event_listener_with_callback("update", listener.as_ref().unchecked_ref());
        // Changes between the page's render and the stream's (re)connection are caught by
        // one reload when the stream opens.
        let _ = source.add_event_listener_with_callback("open", listener.as_ref().unchecked_ref());
        // The listener lives as long as the page; the connection closes when it unmounts.
        listener.forget();
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    });
}
