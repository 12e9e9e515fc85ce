//! A time shown in the visitor's own time zone. The server renders it in the brand's zone
//! with the zone named (it cannot know the visitor's), and once hydrated the browser
//! rewrites it with its own zone and the page language.
use crate::brand::Brand;
use crate::i18n::Lang;
use crate::zone::format_in_zone;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

#[component]
pub fn LocalTime(time: DateTime<Utc>, lang: Lang, #[prop(optional)] time_only: bool) -> impl IntoView {
    // Read in place: a page renders a time per event, and the brand need not be copied each time.
    let server_text = with_context(|brand: &Brand| format_in_zone(lang, time, &brand.time_zone, time_only))
        .unwrap_or_else(|| format_in_zone(lang, time, "UTC", time_only));
    let element = NodeRef::<leptos::html::Time>::new();
    // Written straight into the element: the browser's text may equal what the WebAssembly
    // would compute (UTC) yet differ from what the server sent (the brand's zone).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let (Some(node), Some(local)) = (element.get(), browser_text(time, lang, time_only)) {
            node.set_text_content(Some(&local));
        }
    });
    view! { <time node_ref=element datetime=time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)>{server_text}</time> }
}

/// `Intl` formatting in the browser's zone, e.g. "8 Oct 2025, 12:15 CEST".
#[cfg(feature = "hydrate")]
fn browser_text(time: DateTime<Utc>, lang: Lang, time_only: bool) -> Option<String> {
    use js_sys::{Object, Reflect};
    use wasm_bindgen::JsValue;
    let date = js_sys::Date::new(&JsValue::from_f64(time.timestamp_millis() as f64));
    let options = Object::new();
    let set = |key: &str, value: &str| Reflect::set(&options, &key.into(), &value.into()).ok();
    if !time_only {
        set("day", "numeric")?;
        set("month", "short")?;
        set("year", "numeric")?;
    }
    set("hour", "2-digit")?;
    set("minute", "2-digit")?;
    set("timeZoneName", "short")?;
    date.to_locale_string(lang.code(), &options).as_string()
}
