//! A time shown in the visitor's own time zone. The server renders UTC (it cannot know the
//! zone), and after hydration the browser rewrites it with its zone and the page language.
use crate::i18n::{format_time, Lang};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

#[component]
pub fn LocalTime(time: DateTime<Utc>, lang: Lang, #[prop(optional)] time_only: bool) -> impl IntoView {
    let server_text = if time_only { time.format("%H:%M UTC").to_string() } else { format_time(lang, time) };
    let text = RwSignal::new(server_text);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(local) = browser_text(time, lang, time_only) {
            text.set(local);
        }
    });
    view! { <time datetime=time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)>{move || text.get()}</time> }
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
