//! Changes between instances on PostgreSQL: the writing transaction sends
//! `NOTIFY waybill_parcel_changes` (delivered only if it commits, and in commit order), and
//! each instance listens on one connection of its own and publishes what others changed to
//! its own readers. Payload: `{"from": instance, "changes": [[parcel_id, public, [keys]]]}`,
//! split to stay under PostgreSQL's 8000-byte limit.
use super::{ParcelChange, ParcelChanges};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use std::time::Duration;

const CHANNEL: &str = "waybill_parcel_changes";
/// Bytes of changes per notification, below PostgreSQL's 8000.
const PAYLOAD_BYTES: usize = 7000;
/// How long start-up waits for the first listen.
const FIRST_LISTEN: Duration = Duration::from_secs(5);
/// Wait before listening again after the connection was lost.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Serialize, Deserialize)]
struct Payload {
    from: String,
    changes: Vec<(i64, bool, Vec<String>)>,
    /// A change too large to name (a parcel with very many references): every listener
    /// forgets everything it holds.
    #[serde(default)]
    all: bool,
}

/// The statements that tell other instances about `changes` (none on SQLite), sent as
/// `from`.
pub fn notify_statements(backend: DbBackend, from: &str, changes: &[ParcelChange]) -> Vec<Statement> {
    if backend != DbBackend::Postgres || changes.is_empty() {
        return Vec::new();
    }
    let mut statements = Vec::new();
    let mut payload = Payload { from: from.to_string(), changes: Vec::new(), all: false };
    let mut bytes = 0;
    for change in changes {
        let size = 32 + change.keys.iter().map(|k| k.len() + 3).sum::<usize>();
        if size > PAYLOAD_BYTES {
            statements.push(notify(&Payload { from: from.to_string(), changes: Vec::new(), all: true }));
            continue;
        }
        if bytes + size > PAYLOAD_BYTES && !payload.changes.is_empty() {
            statements.push(notify(&payload));
            payload.changes.clear();
            bytes = 0;
        }
        payload.changes.push((change.parcel_id, change.public, change.keys.clone()));
        bytes += size;
    }
    statements.push(notify(&payload));
    statements
}

fn notify(payload: &Payload) -> Statement {
    let text = serde_json::to_string(payload).unwrap_or_default();
    Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_notify($1, $2)", [CHANNEL.into(), text.into()])
}

/// Listens for other instances' changes for as long as the process runs (PostgreSQL only;
/// on SQLite it returns at once). Returns once it listens, or after `FIRST_LISTEN` if it
/// cannot yet (it keeps trying). Until it listens, and whenever the connection is lost,
/// `changes` does not hear.
pub async fn listen(db: &DatabaseConnection, changes: ParcelChanges) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    changes.set_hearing(false);
    let (listening, first) = tokio::sync::oneshot::channel();
    let mut listening = Some(listening);
    tokio::spawn(async move {
        loop {
            match PgListener::connect_with(&pool).await {
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => {
                        changes.set_hearing(true);
                        if let Some(listening) = listening.take() {
                            let _ = listening.send(());
                        }
                        hear(&mut listener, &changes).await;
                    }
                    Err(error) => tracing::warn!(%error, "listening for other instances' changes failed"),
                },
                Err(error) => tracing::warn!(%error, "connecting to listen for other instances' changes failed"),
            }
            changes.set_hearing(false);
            tokio::time::sleep(RECONNECT_AFTER).await;
        }
    });
    if tokio::time::timeout(FIRST_LISTEN, first).await.is_err() {
        tracing::warn!("not yet listening for other instances' changes; public pages are not cached until then");
    }
}

/// Publishes what arrives until the connection is lost.
async fn hear(listener: &mut PgListener, changes: &ParcelChanges) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => match serde_json::from_str::<Payload>(notification.payload()) {
                Ok(payload) if payload.from == changes.instance() => {}
                Ok(payload) if payload.all => changes.forget_all(),
                Ok(payload) => {
                    let heard: Vec<ParcelChange> =
                        payload.changes.into_iter().map(|(parcel_id, public, keys)| ParcelChange { parcel_id, keys, public }).collect();
                    changes.publish(&heard);
                }
                Err(error) => {
                    // Another version's, or damaged: what it named is unknown, so all is.
                    tracing::warn!(%error, "a change notification could not be read; the page cache starts afresh");
                    changes.forget_all();
                }
            },
            Ok(None) => {
                tracing::warn!("the connection that listens for other instances' changes was lost");
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "listening for other instances' changes failed");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_changes_are_split_into_notifications_under_the_payload_limit() {
        let changes: Vec<ParcelChange> =
            (0..2000).map(|id| ParcelChange { parcel_id: id, keys: vec![format!("NUMBER{id:08}")], public: true }).collect();
        let statements = notify_statements(DbBackend::Postgres, "me", &changes);
        assert!(statements.len() > 1);
        let mut seen = 0;
        for statement in &statements {
            let values = statement.values.as_ref().unwrap();
            let sea_orm::Value::String(Some(text)) = &values.0[1] else { panic!("a text payload") };
            assert!(text.len() < 8000, "{} bytes", text.len());
            seen += serde_json::from_str::<Payload>(text).unwrap().changes.len();
        }
        assert_eq!(seen, 2000);
        assert!(notify_statements(DbBackend::Sqlite, "me", &changes).is_empty());
        let huge = ParcelChange { parcel_id: 1, keys: (0..2000).map(|k| format!("REFERENCE{k:06}")).collect(), public: true };
        let statements = notify_statements(DbBackend::Postgres, "me", &[huge]);
        let sea_orm::Value::String(Some(text)) = &statements[0].values.as_ref().unwrap().0[1] else { panic!("a text payload") };
        assert!(text.len() < 8000 && serde_json::from_str::<Payload>(text).unwrap().all, "too large to name: all");
    }
}
