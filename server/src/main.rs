//! `waybill`: serve (default), migrate, replay, sweep, train-dictionaries, webhook, and the
//! staff credential commands. The
//! bench, the demo and the generator are `waybill-tools`.
use clap::Parser;
use server::cli::{create_api_key, create_staff, list_api_keys, replay, revoke_api_key, train_dictionaries, webhook, Cli, Command};
use server::settings::Settings;
use server::startup::Application;

/// mimalloc instead of glibc's allocator: the server allocates and frees many small
/// buffers on every request and statement, and glibc's spent about a sixth of the CPU
/// under ingest load (see docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::cli::init_logging();
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            tracing::info!(addr = %app.local_addr(), "Waybill is listening");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = server::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
            server::db::migrate(&db).await?;
            println!("migrations applied");
        }
        Command::Replay => replay(&settings).await?,
        Command::CreateStaff { email } => create_staff(&settings, &email).await?,
        Command::CreateApiKey { email } => create_api_key(&settings, &email).await?,
        Command::TrainDictionaries => train_dictionaries(&settings).await?,
        Command::ListApiKeys => list_api_keys(&settings).await?,
        Command::RevokeApiKey { id } => revoke_api_key(&settings, id).await?,
        Command::Webhook { command } => webhook(&settings, command).await?,
        Command::Sweep { older_than_secs } => {
            let db = server::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
            server::db::migrate(&db).await?;
            let store = server::storage::PodStore::open_with(&settings.storage_url, &settings.aws.expose(), settings.storage_limits)?;
            let cutoff = chrono::Utc::now() - chrono::Duration::seconds(i64::try_from(older_than_secs).unwrap_or(i64::MAX / 1000));
            let summary = server::storage::sweep(&db, &store, cutoff).await?;
            println!("swept {} objects: {} kept, {} deleted", summary.scanned, summary.kept, summary.deleted);
        }
    }
    Ok(())
}
