//! A full-page message for "not found" and "unavailable", with the right HTTP status.
use super::{set_http_status, TrackForm};
use crate::i18n::{t, use_lang, Msg};
use leptos::prelude::*;

/// `typed`: the number the visitor looked up, repeated and offered again in the form.
#[component]
pub fn StatusPage(code: u16, title: Msg, message: Msg, #[prop(optional)] typed: Option<String>) -> impl IntoView {
    set_http_status(code);
    let lang = use_lang();
    view! {
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-code">{code}</p>
            <h1 id="status-title">{t(lang, title)}</h1>
            {typed.clone().map(|typed| view! { <p class="typed-number">{t(lang, Msg::YouLookedUp)} " " <strong>{typed}</strong></p> })}
            <p>{t(lang, message)}</p>
            {match typed {
                Some(typed) => view! { <TrackForm lang=lang value=typed/> }.into_any(),
                None => view! { <p><a href="/">{t(lang, Msg::TrackAnother)}</a></p> }.into_any(),
            }}
        </section>
    }
}
