//! `GET /api/v1/track/{tracking_number}`: the public page as JSON, exactly in the shape of
//! CONTRACT §4 (events newest first, RFC 3339 UTC times).
use crate::http::ApiError;
use crate::state::AppState;
use app::carrier::Carrier;
use app::model::ParcelView;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Serialize)]
pub struct TrackResponse {
    pub parcels: Vec<TrackedParcel>,
}

#[derive(Serialize)]
pub struct TrackedParcel {
    pub carrier: Carrier,
    pub tracking_number: String,
    pub status: &'static str,
    pub substatus: Option<String>,
    pub eta: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub events: Vec<TrackedEvent>,
}

#[derive(Serialize)]
pub struct TrackedEvent {
    pub occurred_at: DateTime<Utc>,
    pub status: &'static str,
    pub substatus: String,
    pub description: Option<String>,
    pub location: Option<String>,
}

impl From<ParcelView> for TrackedParcel {
    fn from(p: ParcelView) -> Self {
        Self {
            carrier: p.carrier,
            tracking_number: p.tracking_number,
            status: p.status.as_str(),
            substatus: p.substatus,
            eta: p.eta,
            updated_at: p.updated_at,
            events: p
                .events
                .into_iter()
                .map(|e| TrackedEvent {
                    occurred_at: e.occurred_at,
                    status: e.status.as_str(),
                    substatus: e.substatus,
                    description: e.description,
                    location: e.location,
                })
                .collect(),
        }
    }
}

pub async fn track_api(State(state): State<AppState>, Path(number): Path<String>) -> Result<Json<TrackResponse>, ApiError> {
    let parcels = state.read_model.parcels_by_number(number.trim()).await.map_err(ApiError::unavailable)?;
    if parcels.is_empty() {
        return Err(ApiError::NotFound(format!("no parcel has tracking number {:?}", number.chars().take(80).collect::<String>())));
    }
    Ok(Json(TrackResponse { parcels: parcels.into_iter().map(Into::into).collect() }))
}
