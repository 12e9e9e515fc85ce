//! The hot queries (`server::queries::hot_queries`) are served by indexes on both
//! databases: asked how they would run each one over a few thousand generated parcels,
//! neither plans a full table scan, and the staff list's pages come in index order
//! instead of sorting every parcel. This is what keeps a lookup at 1M parcels close to its
//! cost at 10k (`waybill bench --scale` measures that).
mod common;
use common::{spawn_app, Backend, TestApp};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

/// Queries whose order must come from an index (a page of 25 out of every parcel).
const SORTED_BY_INDEX: [&str; 2] = ["staff list, newest first", "staff list, one status"];

async fn plans(app: &TestApp) -> Vec<(&'static str, String)> {
    server::cli::generate(&app.db, 0, 3_000, 5).await.expect("generated parcels");
    let backend = app.db.get_database_backend();
    let txn = app.db.begin().await.expect("transaction");
    if backend == DbBackend::Postgres {
        txn.execute_unprepared("ANALYZE").await.expect("analyze");
        // With sequential scans priced out, a plan still shows one only when no index can
        // serve the query at all.
        txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.expect("set");
    }
    let mut plans = Vec::new();
    for (name, query) in server::queries::hot_queries(backend) {
        let (prefix, column) = match backend {
            DbBackend::Postgres => ("EXPLAIN", "QUERY PLAN"),
            _ => ("EXPLAIN QUERY PLAN", "detail"),
        };
        let explain = Statement::from_sql_and_values(backend, format!("{prefix} {}", query.sql), query.values.map(|v| v.0).unwrap_or_default());
        let rows = txn.query_all(explain).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let lines: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String>("", column).ok()).collect();
        assert!(!lines.is_empty(), "{name}: no plan");
        plans.push((name, lines.join("\n")));
    }
    plans
}

/// SQLite: `SCAN parcel` alone is a full scan; `SCAN parcel USING INDEX …` walks an index.
fn full_scan_sqlite(plan: &str) -> bool {
    plan.lines().any(|l| l.trim_start_matches(|c: char| !c.is_alphabetic()).starts_with("SCAN ") && !l.contains(" USING "))
}

fn sorts(plan: &str, backend: Backend) -> bool {
    match backend {
        Backend::Sqlite => plan.contains("USE TEMP B-TREE FOR ORDER BY"),
        Backend::Postgres => plan.lines().any(|l| l.trim_start_matches([' ', '-', '>']).starts_with("Sort")),
    }
}

async fn every_hot_query_is_served_by_an_index(app: TestApp, backend: Backend) {
    let plans = plans(&app).await;
    assert_eq!(plans.len(), server::queries::hot_queries(app.db.get_database_backend()).len());
    for (name, plan) in &plans {
        let full_scan = match backend {
            Backend::Sqlite => full_scan_sqlite(plan),
            Backend::Postgres => plan.contains("Seq Scan"),
        };
        assert!(!full_scan, "{name} scans a whole table:\n{plan}");
        if SORTED_BY_INDEX.contains(name) {
            assert!(!sorts(plan, backend), "{name} sorts instead of reading an index in order:\n{plan}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hot_query_is_served_by_an_index_on_sqlite() {
    every_hot_query_is_served_by_an_index(spawn_app(Backend::Sqlite).await, Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hot_query_is_served_by_an_index_on_postgres() {
    every_hot_query_is_served_by_an_index(spawn_app(Backend::Postgres).await, Backend::Postgres).await;
}

#[test]
fn the_plan_checks_can_fail() {
    // The checks above must be able to say no, or they prove nothing.
    assert!(full_scan_sqlite("SCAN parcel"));
    assert!(full_scan_sqlite("`--SCAN tracking_event"));
    assert!(!full_scan_sqlite("SCAN parcel USING INDEX idx_parcel_updated"));
    assert!(!full_scan_sqlite("SEARCH parcel USING INDEX idx_parcel_number (tracking_number=?)"));
    assert!(sorts("SCAN parcel\nUSE TEMP B-TREE FOR ORDER BY", Backend::Sqlite));
    assert!(sorts("Limit  (cost=1.0..2.0 rows=25 width=8)\n  ->  Sort  (cost=1.0..2.0 rows=3000 width=8)", Backend::Postgres));
    assert!(!sorts("Limit\n  ->  Index Scan Backward using idx_parcel_updated on parcel", Backend::Postgres));
}
