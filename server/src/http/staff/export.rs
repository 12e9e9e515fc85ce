//! `GET /staff/parcels.csv`: the parcel search's matches as CSV, with the same filters.
use crate::audit::{record_alone, AuditAction};
use crate::http::ApiError;
use crate::staff::{parcel_row, references_of, search_matching};
use crate::state::AppState;
use app::staff::{ParcelQuery, StaffUser};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sea_orm::PaginatorTrait;

/// Rows read from the database at a time.
const BATCH: u64 = 1000;
/// Most rows one export holds; narrow the search for more.
const MAX_ROWS: u64 = 100_000;

/// Spreadsheets run cells that start with these as formulas; a leading `'` keeps them text.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub async fn export_parcels(
    State(state): State<AppState>,
    Extension(staff): Extension<StaffUser>,
    Query(query): Query<ParcelQuery>,
) -> Result<Response, ApiError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let write_error = |e: csv::Error| ApiError::unavailable(e);
    out.write_record(["carrier", "tracking_number", "status", "references", "created_at", "updated_at"]).map_err(write_error)?;
    let mut pages = search_matching(&query).paginate(&state.db, BATCH);
    let mut written = 0u64;
    while let Some(batch) = pages.fetch_and_next().await.map_err(ApiError::unavailable)? {
        let mut references = references_of(&state.db, batch.iter().map(|p| p.id).collect()).await.map_err(ApiError::unavailable)?;
        for parcel in batch {
            let row = parcel_row(parcel, &mut references);
            out.write_record([
                row.carrier.to_string(),
                cell(&row.tracking_number),
                row.status.to_string(),
                cell(&row.references.join(" ")),
                row.created_at.to_rfc3339(),
                row.updated_at.to_rfc3339(),
            ])
            .map_err(write_error)?;
            written += 1;
        }
        if written >= MAX_ROWS {
            break;
        }
    }
    let bytes = out.into_inner().map_err(|e| ApiError::unavailable(e.into_error()))?;
    record_alone(
        &state.writer,
        &staff.email,
        AuditAction::ExportParcels,
        "parcels",
        Some(format!("{written} rows: {}", query.to_query_string())),
    )
    .await
    .map_err(ApiError::unavailable)?;
    let file = format!("attachment; filename=\"waybill-parcels-{}.csv\"", chrono::Utc::now().format("%Y%m%d-%H%M"));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
        (header::CONTENT_DISPOSITION, HeaderValue::from_str(&file).unwrap_or(HeaderValue::from_static("attachment"))),
    ];
    Ok((headers, bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_that_a_spreadsheet_would_run_as_formulas_stay_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("WB-1001"), "WB-1001");
    }
}
