//! The back office's webhook forms on `/staff/webhooks`, each answered with a redirect back
//! to the page and a notice: add an endpoint (`POST /staff/webhooks/add`; the notice shows
//! its secret this once), and per endpoint send a test event, send events again, rotate the
//! secret (the new one shown once, the old one still signing for 24 h), enable it again
//! after it was disabled, or remove it (`POST /staff/webhooks/{id}/test|resend|rotate|
//! enable|remove`). The JSON API beside it is `webhook_endpoints`.
use super::extract::{StaffForm, WithCsrf};
use super::webhook_endpoints::to_api;
use crate::http::ApiError;
use crate::outbound::endpoints::{self, EndpointError, NewEndpoint};
use crate::outbound::resend;
use crate::outbound::resend::ResendError;
use crate::state::AppState;
use app::carrier::Carrier;
use app::event_kind::EventKind;
use app::staff::{CsrfToken, StaffUser};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::Extension;
use sea_orm::EntityTrait;
use serde::Deserialize;
use tower_sessions::Session;

const PAGE: &str = "/staff/webhooks";

/// `POST /staff/webhooks/add`: `url`, any number of `events` (none: every parcel kind) and
/// `carrier` (empty: every carrier). A form field repeats for each event kind ticked, so the
/// body is read as pairs rather than into a struct.
pub async fn add_endpoint_form(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(staff): Extension<StaffUser>,
    session: Session,
    body: Bytes,
) -> Result<Redirect, ApiError> {
    let (mut presented, mut url, mut events, mut carrier) = (None, String::new(), Vec::new(), None);
    for (name, value) in url::form_urlencoded::parse(&body) {
        match name.as_ref() {
            "csrf" => presented = Some(value.into_owned()),
            "url" => url = value.trim().to_string(),
            "events" => events.push(value.into_owned()),
            "carrier" if !value.is_empty() => carrier = Some(value.into_owned()),
            _ => {}
        }
    }
    super::check_csrf(presented.as_deref(), &csrf)?;
    let kinds = match events.iter().map(|k| k.parse::<EventKind>()).collect::<Result<Vec<_>, _>>() {
        Ok(kinds) => kinds,
        Err(e) => return super::actions::back(&session, PAGE, Err(format!("Events: {e}"))).await,
    };
    let carrier = match carrier.map(|c| c.parse::<Carrier>()).transpose() {
        Ok(carrier) => carrier,
        Err(e) => return super::actions::back(&session, PAGE, Err(format!("Carrier: {e}"))).await,
    };
    let new = NewEndpoint { url, events: kinds, carrier };
    let added = endpoints::add_endpoint(&state.writer, new, state.settings.outbound.allow_private, &staff.email).await;
    let notice = match added {
        Ok(added) => {
            Ok(format!("Webhook endpoint {} added for {}. Its signing secret, shown only now: {}", added.id, added.url, added.secret))
        }
        Err(EndpointError::Database(e)) => return Err(ApiError::unavailable(e)),
        Err(refused) => Err(format!("The endpoint was not added: {refused}.")),
    };
    super::actions::back(&session, PAGE, notice).await
}

/// The per-endpoint forms: the form token, and for sending again an event or a time.
#[derive(Deserialize)]
pub struct WebhookForm {
    csrf: Option<String>,
    event_id: Option<String>,
    /// `datetime-local`, read as UTC.
    since: Option<String>,
}

impl WithCsrf for WebhookForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// What a per-endpoint form asks for: the last segment of its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookAction {
    Test,
    Resend,
    Rotate,
    Enable,
    Remove,
}

/// `POST /staff/webhooks/{id}/{action}`.
pub async fn webhook_form(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, WebhookAction)>,
    StaffForm { staff, session, form }: StaffForm<WebhookForm>,
) -> Result<Redirect, ApiError> {
    let endpoint = crate::entity::webhook_endpoint::Entity::find_by_id(id.clone()).one(&state.db).await.map_err(ApiError::unavailable)?;
    let Some(endpoint) = endpoint else {
        return super::actions::back(&session, PAGE, Err(format!("There is no webhook endpoint {id} (any more)."))).await;
    };
    let url = &endpoint.url;
    let notice = match action {
        WebhookAction::Test => {
            let queued = resend::send_test(&state.writer, &endpoint).await;
            told(queued.map(|event| format!("Test event {event} queued for {url}.")))?
        }
        WebhookAction::Rotate => {
            let secret = endpoints::rotate_secret(&state.writer, &id, &staff.email).await.map_err(to_api)?;
            let hours = endpoints::PREVIOUS_SECRET_VALID.num_hours();
            Ok(format!("New signing secret for {url}, shown only now: {secret}. The previous one keeps signing for {hours} hours."))
        }
        WebhookAction::Enable => {
            endpoints::enable_endpoint(&state.writer, &id, &staff.email).await.map_err(to_api)?;
            Ok(format!("Webhook endpoint {url} enabled again; it receives what it missed."))
        }
        WebhookAction::Remove => match endpoints::remove_endpoint(&state.writer, &id, &staff.email).await {
            Ok(()) => Ok(format!("Webhook endpoint {url} removed.")),
            Err(EndpointError::Database(e)) => return Err(ApiError::unavailable(e)),
            Err(other) => Err(other.to_string()),
        },
        WebhookAction::Resend => {
            let since = match form.since.as_deref().filter(|s| !s.trim().is_empty()) {
                None => None,
                Some(text) => match chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M") {
                    Ok(local) => Some(local.and_utc()),
                    Err(_) => return super::actions::back(&session, PAGE, Err(format!("{text:?} is not a date and time."))).await,
                },
            };
            let event_id = form.event_id.as_deref().filter(|e| !e.is_empty());
            if since.is_none() && event_id.is_none() {
                Err("Name an event, or a time since which to send every event again.".to_string())
            } else {
                let queued = resend::resend(&state.writer, &endpoint, event_id, since).await;
                told(queued.map(|n| format!("{n} event(s) will be sent again to {url}.")))?
            }
        }
    };
    super::actions::back(&session, PAGE, notice).await
}

/// A disabled endpoint is said on the page; a database failure is an error response.
fn told(result: Result<String, ResendError>) -> Result<Result<String, String>, ApiError> {
    match result {
        Ok(notice) => Ok(Ok(notice)),
        Err(error @ ResendError::Disabled(_)) => Ok(Err(format!("Nothing was sent: {error}."))),
        Err(ResendError::Database(e)) => Err(ApiError::unavailable(e)),
    }
}
