//! `/track/{n}`: the public page. Status, progress, ETA and timeline; never personal data
//! or POD (CONTRACT §4).
use crate::components::{LanguageSwitch, ParcelCard, StatusPage};
use crate::i18n::{Lang, Msg};
use crate::route::{query_param, route_param};
use crate::server_fns::get_tracking;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TrackPage() -> impl IntoView {
    let number = route_param("n");
    let (chosen, all) = (query_param("lang"), query_param("all"));
    let title = {
        let (number, brand) = (number.clone(), crate::brand::use_brand().name);
        move || format!("{} · {brand}", number().unwrap_or_default())
    };
    let typed_number = number.clone();
    let data = Resource::new(
        move || (number().unwrap_or_default(), chosen(), all().is_some_and(|v| v == "1")),
        |(n, lang, all)| get_tracking(n, lang, all),
    );
    view! {
        <Title text=title/>
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || {
                let typed_number = typed_number.clone();
                Suspend::new(async move {
                let result = data.await;
                let typed = untrack(&typed_number).unwrap_or_default();
                let lang = result.as_ref().map(|d| d.lang).unwrap_or(Lang::En);
                provide_context(lang);
                let content = match result {
                    Ok(data) if data.parcels.is_empty() && data.unreadable_updates => view! {
                        <StatusPage code=404 title=Msg::UpdatesPending message=Msg::UpdatesPendingText/>
                    }.into_any(),
                    Ok(data) if data.parcels.is_empty() => view! {
                        <StatusPage code=404 title=Msg::ParcelNotFound message=Msg::ParcelNotFoundText typed=typed.clone()/>
                    }.into_any(),
                    Ok(data) => data.parcels
                        .into_iter()
                        .map(|parcel| view! { <ParcelCard parcel=parcel/> })
                        .collect_view()
                        .into_any(),
                    Err(_) => view! {
                        <StatusPage code=503 title=Msg::Unavailable message=Msg::UnavailableText/>
                    }.into_any(),
                };
                view! {
                    <div lang=lang.code()>
                        <LanguageSwitch/>
                        {content}
                    </div>
                }
            })}}
        </Suspense>
    }
}
