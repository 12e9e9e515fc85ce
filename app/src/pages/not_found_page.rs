//! The fallback for every path no route matches.
use crate::components::StatusPage;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Title text=crate::brand::use_brand().name/>
        <StatusPage code=404 title=Msg::PageNotFound message=Msg::PageNotFoundText/>
    }
}
