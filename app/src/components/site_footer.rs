//! The foot of every page: the brand's own line and where customers get help.
use crate::brand::Brand;
use crate::i18n::{t, Lang, Msg};
use leptos::prelude::*;

#[component]
pub fn SiteFooter(brand: Brand, lang: Lang) -> impl IntoView {
    let support = brand.support_href().zip(brand.support_label());
    (brand.footer.is_some() || support.is_some()).then(|| {
        view! {
            <footer class="site-footer" lang=lang.code()>
                {support.map(|(href, label)| view! { <p class="support">{t(lang, Msg::NeedHelp)} " " <a href=href>{label}</a></p> })}
                {brand.footer.map(|text| view! { <p class="footer-text">{text}</p> })}
            </footer>
        }
    })
}
