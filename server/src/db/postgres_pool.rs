//! The PostgreSQL pool, built here rather than by sea-orm so that a connection dropped in
//! the middle of a statement (a deadline passed, see `deadline`) cannot hang in the pool:
//! sqlx pings each connection it takes back, and on a database that accepts and never
//! answers that ping waits forever, holding its place, until the pool is empty for good.
//! Here a bounded ping runs first, and a connection that misses it is closed instead.
//! Every connection also asks the server for `statement_timeout`.
use super::deadline::DbLimits;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::{ConnectOptions, Connection};
use sea_orm::{DatabaseConnection, DbErr, RuntimeErr, SqlxPostgresConnector};
use std::str::FromStr;

/// Connections in the pool; its writers share it with the readers.
const MAX_CONNECTIONS: u32 = 20;

pub async fn connect(url: &str, limits: DbLimits) -> Result<DatabaseConnection, DbErr> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e)))?
        .options([("statement_timeout", limits.statement_timeout.as_millis().to_string())])
        .disable_statement_logging();
    let ping_limit = limits.deadline();
    let pool = PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(limits.acquire_timeout)
        // A connection is tested when it goes back to the pool; testing it again on the
        // way out would cost every query a round trip. After a database restart, an idle
        // connection fails its first use (a 503, which carriers retry) and is then dropped.
        .test_before_acquire(false)
        .after_release(move |connection, _| {
            Box::pin(async move {
                match tokio::time::timeout(ping_limit, connection.ping()).await {
                    Ok(Ok(())) => Ok(true),
                    Ok(Err(error)) => Err(error),
                    Err(_) => Err(sea_orm::sqlx::Error::PoolTimedOut),
                }
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e)))?;
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}
