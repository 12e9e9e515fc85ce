//! The share link's "updates by mail" form: a plain POST to `/t/{token}/subscribe`, so it
//! works without JavaScript; the server answers with a redirect back here and `?mail=`,
//! which this shows as a notice (a problem as an alert). The address goes to the server
//! only, for this parcel only.
use crate::i18n::{t, use_lang, Msg};
use leptos::prelude::*;

#[component]
pub fn SubscribeForm(token: String, notice: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let said = notice.as_deref().and_then(|n| match n {
        "check" => Some((Msg::MailCheck, false)),
        "already" => Some((Msg::MailAlready, false)),
        "confirmed" => Some((Msg::MailConfirmed, false)),
        "unsubscribed" => Some((Msg::MailUnsubscribed, false)),
        "invalid" => Some((Msg::MailInvalid, true)),
        "full" => Some((Msg::MailFull, true)),
        "off" => Some((Msg::MailOff, true)),
        _ => None,
    });
    view! {
        <section id="updates" class="card subscribe">
            <h2>{t(lang, Msg::MailUpdates)}</h2>
            {said.map(|(msg, problem)| view! {
                <p class=if problem { "form-error" } else { "notice" } role=if problem { "alert" } else { "status" }>{t(lang, msg)}</p>
            })}
            <p>{t(lang, Msg::MailUpdatesText)}</p>
            <form method="post" action=format!("/t/{token}/subscribe") class="subscribe-form">
                <label for="subscribe-email">{t(lang, Msg::EmailAddress)}</label>
                <input id="subscribe-email" type="email" name="email" required maxlength="254" autocomplete="email"/>
                <input type="hidden" name="lang" value=lang.code()/>
                <button type="submit">{t(lang, Msg::Subscribe)}</button>
            </form>
        </section>
    }
}
