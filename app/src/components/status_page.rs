//! A full-page message for "not found" and "unavailable", with the right HTTP status.
use super::set_http_status;
use crate::i18n::{t, use_lang, Msg};
use leptos::prelude::*;

#[component]
pub fn StatusPage(code: u16, title: Msg, message: Msg) -> impl IntoView {
    set_http_status(code);
    let lang = use_lang();
    view! {
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-code">{code}</p>
            <h1 id="status-title">{t(lang, title)}</h1>
            <p>{t(lang, message)}</p>
            <p><a href="/">{t(lang, Msg::TrackAnother)}</a></p>
        </section>
    }
}
