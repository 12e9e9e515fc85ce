//! The front page: a tracking-number form that works without JavaScript.
use crate::components::{LanguageSwitch, TrackForm};
use crate::i18n::{t, Lang, Msg};
use crate::route::query_param;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = untrack(query_param("lang")).and_then(|l| Lang::parse(&l)).unwrap_or_default();
    provide_context(lang);
    view! {
        <Title text="Waybill"/>
        <div lang=lang.code()>
            <LanguageSwitch/>
            <section class="home">
                <h1>{t(lang, Msg::TrackYourParcel)}</h1>
                <TrackForm lang=lang/>
            </section>
        </div>
    }
}
