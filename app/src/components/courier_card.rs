//! The courier on the share link: first name and initial, vehicle, last known position.
use super::{CourierMap, LocalTime};
use crate::i18n::{t, use_lang, Msg};
use crate::model::CourierView;
use leptos::prelude::*;

#[component]
pub fn CourierCard(courier: CourierView) -> impl IntoView {
    let lang = use_lang();
    let map = (courier.position.is_some() || courier.pickup.is_some()).then(|| view! { <CourierMap courier=courier.clone()/> });
    view! {
        <section class="courier" aria-labelledby="courier-title">
            <h2 id="courier-title">{t(lang, Msg::YourCourier)}</h2>
            {courier.name.map(|n| view! { <p class="courier-name">{n}</p> })}
            {courier.vehicle.map(|v| view! { <p class="courier-vehicle">{v}</p> })}
            {map}
            // The map shows where; the text only when (coordinates mean nothing to a reader).
            {courier.position.and(courier.position_at).map(|at| view! {
                <p class="courier-position">{t(lang, Msg::LastSeenAt)} " " <LocalTime time=at lang=lang/></p>
            })}
        </section>
    }
}
