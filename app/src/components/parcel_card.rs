//! One parcel: its status, progress, ETA and timeline.
use super::{LocalTime, Progress, Timeline};
use crate::eta::Arrival;
use crate::i18n::{quiet_for, t, use_lang, Msg};
use crate::model::ParcelView;
use crate::next_step::situation;
use leptos::prelude::*;

#[component]
pub fn ParcelCard(parcel: ParcelView) -> impl IntoView {
    let lang = use_lang();
    let status = parcel.status;
    let carrier = parcel.carrier.as_str();
    let carrier_name = if parcel.carrier_name.is_empty() { parcel.carrier.to_string() } else { parcel.carrier_name.clone() };
    // "Late" is the server's judgement (`parcel.late`, from its clock), so that the page
    // hydrates to what it rendered; what else `arrival` says does not depend on the clock.
    let arrival = parcel.arrival(parcel.updated_at);
    let late = parcel.late;
    let situation = situation(status, parcel.substatus.as_deref());
    view! {
        <article class="parcel" data-carrier=carrier>
            <header class="parcel-header">
                <p class="parcel-number">
                    <span class="carrier">{carrier_name}</span>
                    " · "
                    <span class="tracking-number">{parcel.tracking_number}</span>
                </p>
                <h1 class=format!("parcel-status status-{}", status.as_str())>{situation.headline.text(lang)}</h1>
                {situation.next.map(|next| view! { <p class="next-step">{t(lang, next)}</p> })}
                {parcel.quiet_days.map(|days| view! { <p class="quiet-notice" role="status">{quiet_for(lang, days)}</p> })}
                {match arrival {
                    Arrival::Delivered { at } => view! {
                        <p class="eta delivered">{t(lang, Msg::DeliveredAt)} " " <LocalTime time=at lang=lang/></p>
                    }.into_any(),
                    Arrival::Expected { eta, window, .. } => view! {
                        <p class="eta" class:late=late>
                            {t(lang, Msg::Expected)} ": "
                            {match window {
                                Some((from, until)) => view! {
                                    {t(lang, Msg::Between)} " " <LocalTime time=from lang=lang/> " " {t(lang, Msg::And)} " " <LocalTime time=until lang=lang/>
                                }.into_any(),
                                None => view! { <LocalTime time=eta lang=lang/> }.into_any(),
                            }}
                            {late.then(|| view! { <strong class="late-badge">{t(lang, Msg::Late)}</strong> })}
                        </p>
                    }.into_any(),
                    Arrival::NoEstimate => view! { <p class="eta none">{t(lang, Msg::NoEstimate)}</p> }.into_any(),
                    Arrival::Ended => ().into_any(),
                }}
                <p class="updated">{t(lang, Msg::LastUpdate)} ": " <LocalTime time=parcel.updated_at lang=lang/></p>
            </header>
            <Progress step=situation.step detour=situation.detour/>
            <h2>{t(lang, Msg::History)}</h2>
            <Timeline events=parcel.events/>
            {(parcel.hidden_events > 0).then(|| {
                let href = match lang {
                    crate::i18n::Lang::En => "?all=1".to_string(),
                    other => format!("?all=1&lang={}", other.code()),
                };
                view! { <p class="more-events"><a href=href>{t(lang, Msg::ShowAll)} " (" {parcel.hidden_events} ")"</a></p> }
            })}
        </article>
    }
}
