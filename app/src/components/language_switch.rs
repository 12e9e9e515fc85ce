//! The visible language switch: plain links (`?lang=en`, `?lang=nl`) that work without
//! JavaScript and keep the current page. They load the page whole (`rel="external"`, past
//! the client router), so that the server keeps the choice in its cookie and the document's
//! `lang`, footer and times follow it.
use crate::i18n::{t, use_lang, Lang, Msg};
use crate::route::current_path;
use leptos::prelude::*;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let path = current_path();
    let lang = use_lang();
    let link = move |target: Lang, name: &'static str| {
        let href = format!("{}?lang={}", path(), target.code());
        let current = (target == lang).then_some("true");
        view! { <a href=href rel="external" hreflang=target.code() lang=target.code() aria-current=current>{name}</a> }
    };
    view! {
        <nav class="language-switch" aria-label=t(lang, Msg::Language)>
            {link(Lang::En, "English")}
            " · "
            {link(Lang::Nl, "Nederlands")}
        </nav>
    }
}
