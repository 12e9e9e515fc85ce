//! The one door for every database write: [`Writer::begin`] takes the writer's turn and
//! begins a transaction on the shared pool; [`WriteTxn::commit`] commits it and gives the
//! turn back (dropping it unfinished rolls back and gives it back too). The few writes that
//! cannot be one sea-orm transaction on that pool (the commit queue's batches on their own
//! connection, the session store's own statements) run inside [`Writer::exclusive`].
//!
//! Why a door: SQLite allows one write transaction at a time, and a second writer either
//! waits out `busy_timeout` or, when its transaction began with a read, fails at once
//! (`SQLITE_BUSY_SNAPSHOT`), which failed whole webhook batches with 503 before every writer
//! took the same turn. PostgreSQL needs no turn (row locks and unique keys keep concurrent
//! writers right), so there the door only begins and commits. The turn itself is private to
//! this module: nothing else can take it, or forget to.
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement, TransactionTrait,
};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Every writer of this process shares one (it is cloned, not made again).
#[derive(Clone, Debug)]
pub struct Writer {
    db: DatabaseConnection,
    /// SQLite only: whose turn it is to write.
    turn: Option<Arc<Mutex<()>>>,
}

/// A write transaction holding the writer's turn; reads and writes go through it (it derefs
/// to sea-orm's transaction).
pub struct WriteTxn {
    // Declared first, so dropped first: an unfinished transaction is rolled back before the
    // turn passes on.
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Writer {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self { db: db.clone(), turn: super::is_sqlite(db).then(|| Arc::new(Mutex::new(()))) }
    }

    /// The connection, for reads beside the writes (never for a write).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Waits for the turn, then begins a transaction. On SQLite its first statement writes
    /// (`write_turn`), so it holds the write lock from the start: another process on the same
    /// file (a second instance, the command line) then makes it wait its busy timeout, where
    /// a transaction that read first would fail at its first write.
    pub async fn begin(&self) -> Result<WriteTxn, DbErr> {
        let turn = self.take_turn().await;
        let txn = self.db.begin().await?;
        if turn.is_some() {
            hold_write_lock(&txn).await?;
        }
        Ok(WriteTxn { txn, _turn: turn })
    }

    /// Runs `work` holding the turn: for writes that are not one transaction on this pool.
    pub async fn exclusive<T>(&self, work: impl Future<Output = T>) -> T {
        let _turn = self.take_turn().await;
        work.await
    }

    async fn take_turn(&self) -> Option<OwnedMutexGuard<()>> {
        match &self.turn {
            Some(turn) => Some(turn.clone().lock_owned().await),
            None => None,
        }
    }
}

/// SQLite: takes the database's write lock for `txn` without writing a page (an update
/// that matches no row still begins the write; an idle round then commits nothing to the
/// log). Run first in a transaction, so another process's commit makes it wait its busy
/// timeout instead of failing it at its first write.
pub async fn hold_write_lock(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    txn.execute_unprepared("UPDATE write_turn SET taken = taken WHERE 0").await.map(|_| ())
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

// Statements take the transaction as it is (`.exec(&txn)`), as they take sea-orm's own.
#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one(stmt).await
    }
    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all(stmt).await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writers_on_sqlite_take_turns_and_an_unfinished_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = super::super::connect(&format!("sqlite://{}/w.db?mode=rwc", dir.path().display())).await.unwrap();
        super::super::migrate(&db).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (v INTEGER)").await.unwrap();
        let writer = Writer::new(&db);
        let first = writer.begin().await.unwrap();
        first.execute_unprepared("INSERT INTO t VALUES (1)").await.unwrap();
        // A second writer waits for the turn instead of meeting SQLite's lock.
        let second = tokio::spawn({
            let writer = writer.clone();
            async move {
                let txn = writer.begin().await.unwrap();
                txn.execute_unprepared("INSERT INTO t VALUES (2)").await.unwrap();
                txn.commit().await.unwrap();
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!second.is_finished(), "the second writer waits while the first holds the turn");
        drop(first);
        second.await.unwrap();
        let row = db.query_one(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT group_concat(v) FROM t")).await.unwrap();
        assert_eq!(row.unwrap().try_get_by_index::<String>(0).unwrap(), "2", "the dropped write was rolled back");
    }
}
