//! The tracking-number form (home page, and the not-found page with what was typed in it).
//! A plain GET to `/find`, so it works without JavaScript. Phone keyboards are told not to
//! capitalize one letter, correct or spell-check a number; the lookup ignores case, spaces
//! and dashes anyway (`crate::lookup`).
use crate::i18n::{t, Lang, Msg};
use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;

#[component]
pub fn TrackForm(lang: Lang, #[prop(optional)] value: Option<String>) -> impl IntoView {
    let number = view! {
        <input
            id="tracking-number"
            name="n"
            required
            maxlength="64"
            autocomplete="off"
            autocapitalize="characters"
            spellcheck="false"
            value=value
        />
    }
    // Safari's attribute, which the element's typed builder does not know.
    .attr("autocorrect", "off");
    view! {
        <form method="get" action="/find" class="track-form">
            <label for="tracking-number">{t(lang, Msg::TrackingNumber)}</label>
            {number}
            <input type="hidden" name="lang" value=lang.code()/>
            <button type="submit">{t(lang, Msg::Track)}</button>
        </form>
    }
}
