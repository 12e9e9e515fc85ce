//! `/t/{token}`: the private share link. The public view plus the courier, the proof of
//! delivery, and (when the server can mail) a form to get updates by mail.
use crate::components::{use_live_updates, CourierCard, LanguageSwitch, ParcelCard, PodGallery, StatusPage, SubscribeForm};
use crate::i18n::{Lang, Msg};
use crate::route::{query_param, route_param};
use crate::server_fns::get_shared_parcel;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn SharePage() -> impl IntoView {
    let token = route_param("token");
    let (chosen, all, mail_notice) = (query_param("lang"), query_param("all"), query_param("mail"));
    let data = Resource::new(
        {
            let token = token.clone();
            move || (token().unwrap_or_default(), chosen(), all().is_some_and(|v| v == "1"))
        },
        |(token, lang, all)| get_shared_parcel(token, lang, all),
    );
    let form_token = token.clone();
    use_live_updates(move || token().unwrap_or_default(), move || data.refetch());
    view! {
        <Title text=crate::brand::use_brand().name/>
        <Meta name="referrer" content="no-referrer"/>
        <Meta name="robots" content="noindex"/>
        <Transition fallback=|| view! { <p class="loading">"…"</p> }>
            {move || {
            let (token, mail_notice) = (form_token.clone(), mail_notice.clone());
            Suspend::new(async move {
                let result = data.await;
                let lang = result.as_ref().map(|d| d.lang).unwrap_or(Lang::En);
                provide_context(lang);
                let content = match result {
                    Ok(data) => match data.shared {
                        Some(shared) => view! {
                            <ParcelCard parcel=shared.parcel/>
                            {shared.courier.map(|courier| view! { <CourierCard courier=courier/> })}
                            <PodGallery pods=shared.pods/>
                            {data.mail_updates.then(|| view! {
                                <SubscribeForm token=token().unwrap_or_default() notice=mail_notice()/>
                            })}
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
            })
            }}
        </Transition>
    }
}
