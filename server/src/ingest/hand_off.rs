//! Several statements sent to the database in one hand-off, where the backend allows it.
//!
//! On SQLite every statement is a round trip from the writer to sqlx's SQLite worker thread
//! and back, and under load each costs 0.1-1 ms of waiting for the two threads to be
//! scheduled (docs/BENCHMARKS.md), far more than most of the statements themselves. sqlx
//! runs an SQL text of several statements in one hand-off, binding the `?` parameters of
//! each in turn, so statements that do not need each other's results are sent as one
//! text. PostgreSQL's extended protocol takes one statement at a time; there they are sent
//! one after another, with the same result.
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, QueryResult, Statement, Values};

/// Runs `statements` in order and returns the rows of all of them, in order.
pub async fn query_in_one_hand_off(txn: &DatabaseTransaction, statements: Vec<Statement>) -> Result<Vec<QueryResult>, DbErr> {
    match joined(txn.get_database_backend(), statements) {
        Joined::One(statement) => txn.query_all(statement).await,
        Joined::Each(statements) => {
            let mut rows = Vec::new();
            for statement in statements {
                rows.extend(txn.query_all(statement).await?);
            }
            Ok(rows)
        }
    }
}

/// Runs `statements` in order, for their effect only.
pub async fn execute_in_one_hand_off(txn: &DatabaseTransaction, statements: Vec<Statement>) -> Result<(), DbErr> {
    match joined(txn.get_database_backend(), statements) {
        Joined::One(statement) => txn.execute(statement).await.map(drop),
        Joined::Each(statements) => {
            for statement in statements {
                txn.execute(statement).await?;
            }
            Ok(())
        }
    }
}

enum Joined {
    One(Statement),
    Each(Vec<Statement>),
}

/// SQLite: one text, with the parameters of each statement after those of the one before.
fn joined(backend: DbBackend, statements: Vec<Statement>) -> Joined {
    if backend != DbBackend::Sqlite || statements.len() < 2 {
        return Joined::Each(statements);
    }
    let mut sql = String::new();
    let mut values = Vec::new();
    for statement in statements {
        sql.push_str(statement.sql.trim_end().trim_end_matches(';'));
        sql.push_str(";\n");
        values.extend(statement.values.map(|v| v.0).unwrap_or_default());
    }
    Joined::One(Statement::from_sql_and_values(backend, sql, Values(values)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::TransactionTrait;

    async fn database() -> (tempfile::TempDir, sea_orm::DatabaseConnection) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::connect(&format!("sqlite://{}/t.db?mode=rwc", dir.path().display())).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)").await.unwrap();
        (dir, db)
    }

    fn insert(values: &[&str]) -> Statement {
        let marks = vec!["(?)"; values.len()].join(", ");
        let values = values.iter().map(|v| sea_orm::Value::from(v.to_string()));
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("INSERT INTO t (v) VALUES {marks} ON CONFLICT DO NOTHING RETURNING v"),
            values,
        )
    }

    #[tokio::test]
    async fn statements_sent_together_bind_each_its_own_parameters_and_return_every_row_in_order() {
        let (_dir, db) = database().await;
        let txn = db.begin().await.unwrap();
        let rows = query_in_one_hand_off(&txn, vec![insert(&["a", "b"]), insert(&["b", "c"]), insert(&["d"])]).await.unwrap();
        let returned: Vec<String> = rows.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
        assert_eq!(returned, ["a", "b", "c", "d"], "the repeated b is skipped by the second statement");
        execute_in_one_hand_off(&txn, vec![insert(&["e"]), Statement::from_string(DbBackend::Sqlite, "DELETE FROM t WHERE v = 'a'")])
            .await
            .unwrap();
        txn.commit().await.unwrap();
        let left = db.query_all(Statement::from_string(DbBackend::Sqlite, "SELECT v FROM t ORDER BY v")).await.unwrap();
        let left: Vec<String> = left.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
        assert_eq!(left, ["b", "c", "d", "e"]);
    }

    #[tokio::test]
    async fn a_failing_statement_among_several_fails_the_call() {
        let (_dir, db) = database().await;
        let txn = db.begin().await.unwrap();
        let wrong = Statement::from_string(DbBackend::Sqlite, "INSERT INTO missing_table VALUES (1)");
        let error = query_in_one_hand_off(&txn, vec![insert(&["a"]), wrong]).await.unwrap_err();
        assert!(error.to_string().contains("missing_table"), "{error}");
    }
}
