//! The hot queries (`server::queries::hot_queries`) are served by indexes on both
//! databases: asked how they would run each one over a few thousand generated parcels,
//! neither plans a full table scan, and the staff list's pages come in index order
//! instead of sorting every parcel. This is what keeps a lookup at 1M parcels close to its
//! cost at 10k (`waybill bench --scale` measures that).
use crate::common;
use common::{spawn_app, Backend, TestApp};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

/// Queries whose order must come from an index (a page of 25 out of every parcel).
const SORTED_BY_INDEX: [&str; 2] = ["staff list, newest first", "staff list, one status"];

async fn plans(app: &TestApp) -> Vec<(&'static str, String)> {
    tools::generate::generate(&app.db, 0, 3_000, 5).await.expect("generated parcels");
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
        let explain =
            Statement::from_sql_and_values(backend, format!("{prefix} {}", query.sql), query.values.map(|v| v.0).unwrap_or_default());
        let rows = txn.query_all(explain).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let lines: Vec<String> = rows.iter().filter_map(|r| r.try_get::<String>("", column).ok()).collect();
        assert!(!lines.is_empty(), "{name}: no plan");
        plans.push((name, lines.join("\n")));
    }
    plans
}

/// Whether the plan reads a whole table or a whole index. SQLite says `SEARCH` for an index
/// lookup and `SCAN` for a full pass (`SCAN t USING INDEX i` walks all of `i`); PostgreSQL
/// says `Seq Scan`, or shows an index scan without an `Index Cond`. A page read in index
/// order (`ordered_page`) may walk an index: it stops after its 25 rows.
fn full_scan(plan: &str, backend: Backend, ordered_page: bool) -> bool {
    match backend {
        Backend::Sqlite => plan
            .lines()
            .map(|l| l.trim_start_matches(|c: char| !c.is_alphabetic()))
            .any(|l| l.starts_with("SCAN ") && !(ordered_page && l.contains(" USING "))),
        Backend::Postgres => {
            let index_scans = plan.lines().filter(|l| l.contains("Index Scan") || l.contains("Index Only Scan")).count();
            plan.contains("Seq Scan") || (!ordered_page && index_scans > plan.matches("Index Cond:").count())
        }
    }
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
        let ordered_page = SORTED_BY_INDEX.contains(name);
        assert!(!full_scan(plan, backend, ordered_page), "{name} reads a whole table or index:\n{plan}");
        if ordered_page {
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

async fn the_generator_writes_parcels_the_tracking_api_and_share_links_can_read(app: TestApp) {
    let written = tools::generate::generate(&app.db, 0, 50, 7).await.expect("generated parcels");
    assert_eq!((written.parcels, written.events), (50, 350));
    assert_eq!((app.count("parcel").await, app.count("tracking_event").await, app.count("share_link").await), (50, 350, 50));
    let parcel = &app.track_json(&tools::generate::generated_number(42)).await["parcels"][0];
    assert_eq!(parcel["tracking_number"], "GEN-0000042");
    assert_eq!(parcel["events"].as_array().map(Vec::len), Some(7));
    // The stored status is the one the newest event gives, as the pipeline would store it.
    assert_eq!(parcel["status"], parcel["events"][0]["status"]);
    let share = app.get("/t/gen-share-0000042").await;
    assert_eq!(share.status(), 200);
    // Adding to an earlier run continues the numbers; numbers already present are refused.
    tools::generate::generate(&app.db, 50, 60, 1).await.expect("more parcels");
    assert_eq!(app.count("parcel").await, 60);
    assert!(tools::generate::generate(&app.db, 55, 56, 1).await.is_err(), "GEN-0000055 exists already");
}
on_both_backends!(the_generator_writes_parcels_the_tracking_api_and_share_links_can_read);

#[test]
fn the_plan_checks_can_fail() {
    // The checks above must be able to say no, or they prove nothing.
    use Backend::{Postgres, Sqlite};
    assert!(full_scan("SCAN parcel", Sqlite, false));
    assert!(full_scan("`--SCAN tracking_event", Sqlite, false));
    // What `OR id IN ()` gave at 1M parcels: the whole index walked for its order.
    assert!(full_scan("|--SCAN parcel USING INDEX uq_parcel_carrier_number", Sqlite, false));
    assert!(!full_scan("SCAN parcel USING INDEX idx_parcel_updated", Sqlite, true));
    assert!(full_scan("SCAN parcel", Sqlite, true));
    assert!(!full_scan("SEARCH parcel USING INDEX idx_parcel_number (tracking_number=?)", Sqlite, false));
    assert!(full_scan("Seq Scan on parcel  (cost=0.00..2333.36 rows=29412 width=213)", Postgres, false));
    assert!(full_scan("Index Scan using parcel_pkey on parcel\n  Filter: (tracking_number = 'x'::text)", Postgres, false));
    assert!(!full_scan("Index Scan using idx_parcel_number on parcel\n  Index Cond: (tracking_number = 'x'::text)", Postgres, false));
    assert!(sorts("SCAN parcel\nUSE TEMP B-TREE FOR ORDER BY", Backend::Sqlite));
    assert!(sorts("Limit  (cost=1.0..2.0 rows=25 width=8)\n  ->  Sort  (cost=1.0..2.0 rows=3000 width=8)", Backend::Postgres));
    assert!(!sorts("Limit\n  ->  Index Scan Backward using idx_parcel_updated on parcel", Backend::Postgres));
}
