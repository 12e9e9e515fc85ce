//! Building the application from settings, and serving it until told to stop.
use crate::ingest::Pipeline;
use crate::read_model::ReadModel;
use crate::router::router;
use crate::settings::Settings;
use crate::state::AppState;
use crate::storage::{PodStore, StorageConfigError};
use leptos::config::LeptosOptions;
use sea_orm::DbErr;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error(transparent)]
    Storage(#[from] StorageConfigError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("outbound HTTP client: {0}")]
    Outbound(#[from] reqwest::Error),
    #[error(transparent)]
    Mail(#[from] crate::mail::mailer::MailerError),
    #[error("staff session store: {0}")]
    Sessions(crate::staff::sessions::sqlx_error::Error),
}

/// Connects to the database (applying migrations) and opens the object store.
pub async fn build_state(settings: Settings) -> Result<AppState, StartupError> {
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    // The one door every write of this process goes through.
    let writer = crate::db::Writer::new(&db);
    crate::ingest::public_view::refresh_missing(&writer).await?;
    crate::db::spawn_wal_checkpointer(db.clone());
    let store = PodStore::open_with(&settings.storage_url, &settings.aws.expose(), settings.storage_limits)?;
    let leptos_options = LeptosOptions::builder()
        .output_name("waybill")
        .site_root(settings.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .hash_files(settings.hash_files)
        .build();
    let sessions = crate::staff::sessions::DbSessionStore::open(&writer).await.map_err(StartupError::Sessions)?;
    sessions.spawn_cleanup();
    let login_throttle = crate::staff::throttle::LoginThrottle::new(
        settings.staff.login_attempts_per_account,
        settings.staff.login_attempts_per_ip,
        settings.staff.login_attempts_per_account_per_hour,
    );
    spawn_throttle_cleanup(login_throttle.clone());
    if settings.dev {
        tracing::warn!("WAYBILL_DEV=1: webhooks from carriers without a configured secret are accepted UNAUTHENTICATED");
    }
    let settings = Arc::new(settings);
    let secret_use = Arc::new(crate::http::webhooks::SecretUse::default());
    let dictionaries = crate::ingest::Dictionaries::load(&db).await?;
    let pipeline = Pipeline::through(writer.clone(), settings.adapters(), settings.db_limits, dictionaries);
    if let Some(retention) = settings.raw_retention {
        crate::ingest::spawn_retention(pipeline.writer().clone(), store.clone(), retention, settings.raw_retention_check);
    }
    // Other instances' commits, for the page cache and the live streams (PostgreSQL).
    crate::changes::listen(&db, pipeline.changes().clone()).await;
    let page_cache = crate::page_cache::PageCache::new(&settings.public_reads, pipeline.changes().clone());
    let heartbeat = crate::instances::Heartbeat::start(pipeline.writer().clone(), settings.heartbeat_interval).await?;
    // Webhooks to merchant systems, from the outbox the write path fills.
    let commits = pipeline.shared_commit_stats();
    crate::outbound::sender::Sender::new(pipeline.writer().clone(), settings.outbound.clone(), heartbeat.id().to_string(), commits)?
        .spawn();
    // Staff alerts: stuck parcels, silent feeds, a growing quarantine.
    crate::alerts::spawn(pipeline.writer().clone(), settings.clone());
    // Customer mail, when an SMTP server is configured.
    if let Some(mailer) = crate::mail::mailer::Mailer::new(pipeline.writer().clone(), settings.clone())? {
        mailer.spawn();
    }
    let storage_health = crate::storage::StorageHealth::start(store.clone(), settings.storage_check_interval).await;
    Ok(AppState::new(crate::state::Shared {
        writer: pipeline.writer().clone(),
        pipeline,
        read_model: ReadModel::new(db.clone(), settings.quiet_after_days)
            .with_limits(settings.db_limits)
            .with_mail(settings.mail.enabled()),
        staff_read: crate::staff::StaffReadModel::new(db.clone(), settings.clone(), secret_use.clone()),
        secret_use,
        live_streams: crate::http::live_streams::LiveStreams::new(settings.live),
        storage_health,
        page_cache,
        heartbeat,
        password_hasher: crate::staff::accounts::PasswordHasher::new(settings.staff.password_hash_concurrency),
        login_throttle,
        sessions,
        settings,
        db,
        store,
        leptos_options,
    }))
}

/// A bound, not yet running server; tests bind port 0 and read the address.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let addr = settings.addr;
        let state = build_state(settings).await?;
        let listener = TcpListener::bind(addr).await.map_err(|source| StartupError::Bind { addr, source })?;
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.settings.addr)
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        let limits = self.state.settings.limits;
        let heartbeat = self.state.heartbeat.clone();
        let app = router(self.state);
        crate::serve::serve(self.listener, app, limits, shutdown_signal()).await;
        heartbeat.stop().await;
        Ok(())
    }
}

/// Lets the login throttle forget addresses and accounts whose budget is full again.
fn spawn_throttle_cleanup(throttle: crate::staff::throttle::LoginThrottle) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            every.tick().await;
            throttle.shrink();
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("stop signal received");
}
