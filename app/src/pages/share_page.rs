//! `/t/{token}`: the private share link. The public view plus the courier and the proof of
//! delivery.
use crate::components::{use_live_updates, CourierCard, LanguageSwitch, ParcelCard, PodGallery, StatusPage};
use crate::i18n::{Lang, Msg};
use crate::route::{query_param, route_param};
use crate::server_fns::get_shared_parcel;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn SharePage() -> impl IntoView {
    let token = route_param("token");
    let (chosen, all) = (query_param("lang"), query_param("all"));
    let data = Resource::new(
        {
            let token = token.clone();
            move || (token().unwrap_or_default(), chosen(), all().is_some_and(|v| v == "1"))
        },
        |(token, lang, all)| get_shared_parcel(token, lang, all),
    );
    use_live_updates(move || token().unwrap_or_default(), move || data.refetch());
    view! {
        <Title text=crate::brand::use_brand().name/>
        <Meta name="referrer" content="no-referrer"/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                let result = data.await;
                let lang = result.as_ref().map(|d| d.lang).unwrap_or(Lang::En);
                provide_context(lang);
                let content = match result {
                    Ok(data) => match data.shared {
                        Some(shared) => view! {
                            <ParcelCard parcel=shared.parcel/>
                            {shared.courier.map(|courier| view! { <CourierCard courier=courier/> })}
                            <PodGallery pods=shared.pods/>
                        }.into_any(),
                        None => view! {
                            <StatusPage code=404 title=Msg::LinkNotFound message=Msg::LinkNotFoundText/>
                        }.into_any(),
                    },
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
            })}
        </Transition>
    }
}
