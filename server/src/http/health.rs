//! `/healthz` (the process runs) and `/readyz` (the database and the object store answer,
//! CONTRACT §6). The database is asked on each probe; the object store's state is the
//! background check's (`storage::StorageHealth`), so a probe never writes to the bucket.
//! `/readyz/database` follows the database alone: the health check for a load balancer in
//! front of several instances sharing one bucket, so that a bucket outage (which only POD
//! uploads and files need; they answer `503` meanwhile) does not take every instance out.
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (database, storage) = check(&state).await;
    answer(database && storage, database, storage)
}

pub async fn readyz_database(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (database, storage) = check(&state).await;
    answer(database, database, storage)
}

async fn check(state: &AppState) -> (bool, bool) {
    // Bounded: a database that accepts and never answers must make the probe fail, not hang.
    let database = state.settings.db_limits.within(state.db.ping()).await;
    if let Err(e) = &database {
        tracing::warn!(error = %e, "readiness: database unavailable");
    }
    (database.is_ok(), state.storage_health.is_available())
}

fn answer(ready: bool, database: bool, storage: bool) -> (StatusCode, Json<Value>) {
    let describe = |ok: bool, what: &str| if ok { "ok".to_string() } else { format!("{what} unavailable") };
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "database": describe(database, "database"),
        "storage": describe(storage, "object store"),
    });
    (if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body))
}
