//! The back office's form posts: each is a checked form of a signed-in staff member
//! (`extract::StaffForm`; the parcel of its path from `extract::StaffParcel`), runs one staff
//! action, and redirects back to the page it came from with a notice (or the reason it
//! failed).
use super::extract::{StaffForm, StaffParcel, TokenOnly, WithCsrf};
use crate::domain::TrackingStatus;
use crate::http::ApiError;
use crate::staff::actions::{self, ActionError, Reprocessed};
use crate::state::AppState;
use app::staff::{encode, StaffNotice};
use axum::extract::{Path, State};
use axum::response::Redirect;
use chrono::{DateTime, NaiveDateTime, Utc};
use tower_sessions::Session;

pub fn parcel_page(parcel: &crate::entity::parcel::Model) -> String {
    format!("/staff/parcels/{}/{}", parcel.carrier, encode(&parcel.tracking_number))
}

/// Back to `page`, with the notice (or the failure staff can fix) left in the session for
/// it: never in the URL, where anyone could write a link that makes the page say anything.
pub async fn back(session: &Session, page: &str, result: Result<String, String>) -> Result<Redirect, ApiError> {
    let notice = match result {
        Ok(text) => StaffNotice { error: false, text },
        Err(text) => StaffNotice { error: true, text },
    };
    session.insert(super::NOTICE_KEY, &notice).await.map_err(ApiError::unavailable)?;
    Ok(Redirect::to(page))
}

/// Problems staff can fix go back to the page; anything else is an error response.
fn to_page(result: Result<String, ActionError>) -> Result<Result<String, String>, ApiError> {
    match result {
        Ok(notice) => Ok(Ok(notice)),
        Err(e @ (ActionError::Invalid(_) | ActionError::NotQuarantined(_))) => Ok(Err(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

pub async fn rotate_share_link(
    State(state): State<AppState>,
    StaffParcel(parcel): StaffParcel,
    StaffForm { staff, session, .. }: StaffForm<TokenOnly>,
) -> Result<Redirect, ApiError> {
    let result = actions::rotate_share_link(&state.pipeline, &parcel, &staff.email)
        .await
        .map(|_| "New share link made; the old one no longer works.".to_string());
    back(&session, &parcel_page(&parcel), to_page(result)?).await
}

#[derive(serde::Deserialize)]
pub struct ManualEventForm {
    csrf: Option<String>,
    status: String,
    /// `YYYY-MM-DDTHH:MM` (a datetime-local field, in UTC) or RFC 3339.
    occurred_at: String,
    /// For staff only.
    note: Option<String>,
    /// For the customer's timeline (optional).
    message: Option<String>,
}

impl WithCsrf for ManualEventForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// A time as the form sends it: RFC 3339, or a zoneless local time taken as UTC.
pub fn parse_form_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).ok().or_else(|| {
        ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(|t| t.and_utc())
    })
}

pub async fn manual_event(
    State(state): State<AppState>,
    StaffParcel(parcel): StaffParcel,
    StaffForm { staff, session, form }: StaffForm<ManualEventForm>,
) -> Result<Redirect, ApiError> {
    let status = TrackingStatus::parse(&form.status)
        .filter(|s| *s != TrackingStatus::Unknown)
        .ok_or_else(|| ActionError::Invalid(format!("status: {:?} is not a status", form.status)));
    let time = parse_form_time(&form.occurred_at)
        .ok_or_else(|| ActionError::Invalid(format!("time: {:?} is not a date and time", form.occurred_at)));
    let result = match (status, time) {
        (Ok(status), Ok(time)) => {
            actions::record_manual_event(&state.pipeline, &parcel, &staff.email, status, time, form.note, form.message)
                .await
                .map(|_| "Event added.".to_string())
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    back(&session, &parcel_page(&parcel), to_page(result)?).await
}

#[derive(serde::Deserialize)]
pub struct VoidForm {
    csrf: Option<String>,
    reason: Option<String>,
}

impl WithCsrf for VoidForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// The event of a void's path.
#[derive(serde::Deserialize)]
pub struct EventPath {
    id: i64,
}

/// `POST /staff/parcels/{carrier}/{n}/events/{id}/void`: takes a wrong event off the timeline.
pub async fn void_event(
    State(state): State<AppState>,
    StaffParcel(parcel): StaffParcel,
    Path(EventPath { id }): Path<EventPath>,
    StaffForm { staff, session, form }: StaffForm<VoidForm>,
) -> Result<Redirect, ApiError> {
    let result = actions::void_event(&state.pipeline, &parcel, &staff.email, id, form.reason)
        .await
        .map(|_| "Event voided: customers no longer see it, and the status follows the events that stand.".to_string());
    back(&session, &parcel_page(&parcel), to_page(result)?).await
}

pub async fn reprocess(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { staff, session, .. }: StaffForm<TokenOnly>,
) -> Result<Redirect, ApiError> {
    let result = actions::reprocess(&state.pipeline, id, &staff.email).await.map(|outcome| match outcome {
        Reprocessed::Applied { tracking_number, duplicate: false } => format!("Delivery #{id} applied to {tracking_number}."),
        Reprocessed::Applied { tracking_number, duplicate: true } => {
            format!("Delivery #{id} parsed; {tracking_number} already had everything in it.")
        }
        Reprocessed::StillUnreadable { error } => format!("Delivery #{id} still cannot be read: {error}"),
    });
    back(&session, "/staff/quarantine", to_page(result)?).await
}

pub async fn discard(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm { staff, session, .. }: StaffForm<TokenOnly>,
) -> Result<Redirect, ApiError> {
    let result =
        actions::discard(&state.pipeline, id, &staff.email).await.map(|_| format!("Delivery #{id} discarded (kept in the raw archive)."));
    back(&session, "/staff/quarantine", to_page(result)?).await
}

#[cfg(test)]
mod tests {
    use super::parse_form_time;

    #[test]
    fn form_times_are_read_as_utc_unless_they_carry_an_offset() {
        assert_eq!(parse_form_time("2026-11-23T14:05").unwrap().to_rfc3339(), "2026-11-23T14:05:00+00:00");
        assert_eq!(parse_form_time("2026-11-23T14:05:00+01:00").unwrap().to_rfc3339(), "2026-11-23T13:05:00+00:00");
        assert!(parse_form_time("yesterday").is_none());
    }
}
