//! Query results packed into one row: a JSON array with an array per result row.
//!
//! sqlx hands every row a query returns from SQLite's own thread to the writer separately,
//! and under load the writer is asleep by the time each next row is ready: a thread switch
//! per row read back, which costs more than the queries (docs/BENCHMARKS.md). A commit batch's reads that
//! return a row per parcel are therefore packed into one row; PostgreSQL gets the same
//! packing, so that both read the same way.
use sea_orm::{DbBackend, DbErr, QueryResult};
use serde::de::DeserializeOwned;

/// `SELECT` of one row holding the JSON array of `[columns]` of every row that `rest`
/// (`FROM … WHERE …`) selects; `[]` when it selects none.
pub fn select_packed(backend: DbBackend, columns: &str, rest: &str) -> String {
    format!("SELECT {} AS packed {rest}", packed(backend, columns))
}

/// The aggregate that packs `[columns]` of every row into one JSON text.
pub fn packed(backend: DbBackend, columns: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("COALESCE(json_agg(json_build_array({columns})), '[]')::text"),
        _ => format!("json_group_array(json_array({columns}))"),
    }
}

/// The rows packed in `row` by a [`select_packed`] query, each read as a `T` (a tuple, in
/// the order of the columns).
pub fn unpack<T: DeserializeOwned>(row: Option<&QueryResult>) -> Result<Vec<T>, DbErr> {
    let row = row.ok_or_else(|| DbErr::Custom("a packed query returned no row".into()))?;
    let text: Option<String> = row.try_get_by_index(0)?;
    serde_json::from_str(text.as_deref().unwrap_or("[]")).map_err(|e| DbErr::Custom(format!("packed rows: {e}")))
}

/// A packed truth value: SQLite packs `0`/`1`, PostgreSQL `false`/`true`.
pub fn truth(value: &serde_json::Value) -> bool {
    value.as_bool().or_else(|| value.as_i64().map(|n| n != 0)).unwrap_or(false)
}

/// A packed time: SQLite packs the text as stored, PostgreSQL `timestamptz` as RFC 3339.
pub fn time(value: Option<&str>) -> Result<Option<chrono::DateTime<chrono::Utc>>, DbErr> {
    value
        .map(|text| {
            text.parse::<chrono::DateTime<chrono::FixedOffset>>()
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| DbErr::Custom(format!("packed time {text:?}: {e}")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Statement};

    #[tokio::test]
    async fn rows_packed_by_sqlite_come_back_as_the_rows_with_their_types() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&format!("sqlite://{}/p.db?mode=rwc", dir.path().display())).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT, flag INTEGER)").await.unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2025-01-01T08:00:00.123+00:00").unwrap().with_timezone(&chrono::Utc);
        let insert = Statement::from_sql_and_values(DbBackend::Sqlite, "INSERT INTO t VALUES (1, ?, 1), (2, NULL, 0)", [at.into()]);
        db.execute(insert).await.unwrap();

        let sql = select_packed(DbBackend::Sqlite, "id, at, flag = 1", "FROM t ORDER BY id");
        let row = db.query_one(Statement::from_string(DbBackend::Sqlite, sql)).await.unwrap();
        let rows: Vec<(i64, Option<String>, serde_json::Value)> = unpack(row.as_ref()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].0, time(rows[0].1.as_deref()).unwrap(), truth(&rows[0].2)), (1, Some(at), true), "the time as sqlx stored it");
        assert_eq!((rows[1].0, time(rows[1].1.as_deref()).unwrap(), truth(&rows[1].2)), (2, None, false));

        let none = select_packed(DbBackend::Sqlite, "id", "FROM t WHERE id > 5");
        let row = db.query_one(Statement::from_string(DbBackend::Sqlite, none)).await.unwrap();
        assert!(unpack::<(i64,)>(row.as_ref()).unwrap().is_empty());
    }

    #[test]
    fn a_missing_row_or_a_bad_time_is_an_error_not_a_panic() {
        assert!(unpack::<(i64,)>(None).is_err());
        assert!(time(Some("yesterday")).is_err());
        assert!(truth(&serde_json::json!(true)) && !truth(&serde_json::json!(0)) && !truth(&serde_json::Value::Null));
    }
}
