//! Customers' mail subscriptions (CONTRACT unchanged; docs/WEBHOOKS.md and the README):
//! - `POST /t/{token}/subscribe` with the form field `email` (and `lang`): `303` back to the
//!   share link with `?mail=` naming what happened (`check`, `already`, `invalid`, `full`,
//!   `off`), which the page shows as a notice; works without JavaScript;
//! - `GET /m/{token}/confirm`: the confirmation link, `303` to the share link (`?mail=confirmed`);
//! - `GET /m/{token}/unsubscribe` shows a one-button page, and `POST` to the same path (the
//!   button, or a mail client's one-click `List-Unsubscribe-Post`) deletes the address.
use crate::entity::mail_subscription;
use crate::http::ApiError;
use crate::mail::subscriptions::{self, SubscribeError, Subscribed};
use crate::state::AppState;
use app::i18n::Lang;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SubscribeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    lang: Option<String>,
}

pub async fn subscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: axum::http::HeaderMap,
    Form(form): Form<SubscribeForm>,
) -> Result<Response, ApiError> {
    // The brand of the page it was made on, kept for its mails (none: the default brand).
    let brands = &state.settings.brands;
    let host = brands.brand_host(headers.get(axum::http::header::HOST).and_then(|v| v.to_str().ok()));
    let lang = form.lang.as_deref().and_then(Lang::parse).unwrap_or(brands.for_host(host.as_deref()).language);
    let back = |notice: &str| Redirect::to(&format!("/t/{token}?lang={}&mail={notice}#updates", lang.code())).into_response();
    let Some(parcel_id) = state.read_model.shared_parcel_id(&token).await.map_err(ApiError::unavailable)? else {
        return Err(ApiError::NotFound("no such share link".into()));
    };
    if !state.settings.mail.enabled() {
        return Ok(back("off"));
    }
    Ok(match subscriptions::subscribe(&state.writer, parcel_id, &form.email, lang, host, state.settings.mail.per_parcel).await {
        Ok(Subscribed::ConfirmationSent) => back("check"),
        Ok(Subscribed::Already) => back("already"),
        Err(SubscribeError::InvalidAddress(_)) => back("invalid"),
        Err(SubscribeError::Full(_)) => back("full"),
        Err(SubscribeError::Database(e)) => return Err(ApiError::unavailable(e)),
    })
}

pub async fn confirm(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let confirmed = subscriptions::confirm(&state.writer, &token).await.map_err(ApiError::unavailable)?;
    let Some(subscription) = confirmed else { return Ok(gone_page(Lang::En)) };
    back_to_share_link(&state, &subscription, "confirmed").await
}

pub async fn unsubscribe_page(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let found = subscriptions::by_token(&state.db, &token).await.map_err(ApiError::unavailable)?;
    let Some(subscription) = found else { return Ok(gone_page(Lang::En)) };
    let lang = Lang::parse(&subscription.lang).unwrap_or(Lang::En);
    let (title, text, button) = match lang {
        Lang::Nl => ("Afmelden", "Geen mails meer over dit pakket? Je adres wordt dan gewist.", "Afmelden"),
        Lang::En => ("Unsubscribe", "No more mails about this parcel? Your address is then deleted.", "Unsubscribe"),
    };
    Ok(Html(format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><meta name=\"robots\" content=\"noindex\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1><p>{text}</p><form method=\"post\" action=\"/m/{token}/unsubscribe\"><button type=\"submit\">{button}</button></form></main></body></html>",
        lang.code()
    ))
    .into_response())
}

pub async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, ApiError> {
    let removed = subscriptions::unsubscribe(&state.writer, &token).await.map_err(ApiError::unavailable)?;
    let Some(subscription) = removed else { return Ok(gone_page(Lang::En)) };
    back_to_share_link(&state, &subscription, "unsubscribed").await
}

async fn back_to_share_link(state: &AppState, subscription: &mail_subscription::Model, notice: &str) -> Result<Response, ApiError> {
    let share = crate::queries::live_share_link_of(subscription.parcel_id).one(&state.db).await.map_err(ApiError::unavailable)?;
    let lang = Lang::parse(&subscription.lang).unwrap_or(Lang::En);
    Ok(match share {
        Some(share) => Redirect::to(&format!("/t/{}?lang={}&mail={notice}#updates", share.token, lang.code())).into_response(),
        None => gone_page(lang),
    })
}

/// A link that leads nowhere any more (unsubscribed already, or the address was deleted).
fn gone_page(lang: Lang) -> Response {
    let (title, text) = match lang {
        Lang::Nl => ("Niet (meer) gevonden", "Deze link werkt niet meer: het adres is al afgemeld of gewist."),
        Lang::En => ("Not found (any more)", "This link no longer works: the address was unsubscribed or deleted already."),
    };
    let body = format!("<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>", lang.code());
    (axum::http::StatusCode::NOT_FOUND, Html(body)).into_response()
}
