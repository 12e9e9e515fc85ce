//! `waybill replay`: refused while a server uses the database (see `instances`), then the
//! rebuild of every parcel from the archive (`ingest::replay_all`).
use crate::instances::{live_instances, STALE_AFTER_BEATS};
use crate::settings::Settings;

pub async fn replay(settings: &Settings) -> anyhow::Result<()> {
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    let now = chrono::Utc::now();
    let live = live_instances(&db, settings.heartbeat_interval, now).await?;
    if let Some(instance) = live.first() {
        anyhow::bail!(
            "waybill replay refused: {} server(s) use this database, for example pid {} on {} (last seen {} s ago). \
             Replay rebuilds every parcel in one transaction and must run alone: stop every server on this database, \
             then run `waybill replay` again. A server that was killed stops counting {} s after its last sign of life.",
            live.len(),
            instance.pid,
            instance.host,
            (now - instance.seen_at).num_seconds().max(0),
            (settings.heartbeat_interval * STALE_AFTER_BEATS).as_secs()
        );
    }
    let store = crate::storage::PodStore::open_with(&settings.storage_url, &settings.aws.expose(), settings.storage_limits)?;
    let summary = crate::ingest::replay_all(&crate::db::Writer::new(&db), &store, &settings.adapters()).await?;
    println!(
        "replayed {} raw deliveries: {} applied, {} duplicates, {} quarantined, {} skipped",
        summary.deliveries, summary.applied, summary.duplicates, summary.quarantined, summary.skipped
    );
    Ok(())
}
