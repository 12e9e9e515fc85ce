//! The front page: a tracking-number form that works without JavaScript, in the visitor's
//! language (the `?lang=` switch, the kept choice, `Accept-Language`, the brand's; see
//! `i18n::request_language`).
use crate::brand::use_brand;
use crate::components::{LanguageSwitch, TrackForm};
use crate::i18n::{t, Msg, PageLanguage};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_context::<PageLanguage>().unwrap_or_default().0;
    provide_context(lang);
    view! {
        <Title text=format!("{} · {}", t(lang, Msg::TrackYourParcel), use_brand().name)/>
        <div lang=lang.code()>
            <LanguageSwitch/>
            <section class="home">
                <h1>{t(lang, Msg::TrackYourParcel)}</h1>
                <TrackForm lang=lang/>
            </section>
        </div>
    }
}
