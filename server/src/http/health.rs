//! `/healthz` (the process runs) and `/readyz` (the database and object store answer).
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (database, storage) = tokio::join!(state.db.ping(), state.store.ping());
    let describe = |ok: bool, what: &str| if ok { "ok".to_string() } else { format!("{what} unavailable") };
    if let Err(e) = &database {
        tracing::warn!(error = %e, "readiness: database unavailable");
    }
    if let Err(e) = &storage {
        tracing::warn!(error = %e, "readiness: object store unavailable");
    }
    let ready = database.is_ok() && storage.is_ok();
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": describe(database.is_ok(), "database"),
        "storage": describe(storage.is_ok(), "object store"),
    });
    (if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body))
}
