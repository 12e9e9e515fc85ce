//! What every request handler shares.
use crate::http::webhooks::SecretUse;
use crate::ingest::Pipeline;
use crate::read_model::ReadModel;
use crate::settings::Settings;
use crate::staff::accounts::PasswordHasher;
use crate::staff::sessions::DbSessionStore;
use crate::staff::throttle::LoginThrottle;
use crate::staff::StaffReadModel;
use crate::storage::PodStore;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Cloned for every request (axum's `State`), so it is one reference-counted pointer to
/// [`Shared`]; fields read through it as if they were its own.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub settings: Arc<Settings>,
    /// For reads; every write goes through [`Shared::writer`].
    pub db: DatabaseConnection,
    /// The one door for database writes (the pipeline's, shared).
    pub writer: crate::db::Writer,
    pub store: PodStore,
    pub read_model: ReadModel,
    pub pipeline: Pipeline,
    pub leptos_options: LeptosOptions,
    pub staff_read: StaffReadModel,
    pub sessions: DbSessionStore,
    pub password_hasher: PasswordHasher,
    pub login_throttle: LoginThrottle,
    /// Which carrier secret (current or previous) each carrier last matched here.
    pub secret_use: Arc<SecretUse>,
    /// Open live-update streams, capped per instance and per share link.
    pub live_streams: crate::http::live_streams::LiveStreams,
    /// This server's sign of life in the database, removed when it stops.
    pub heartbeat: crate::instances::Heartbeat,
    /// The object store state, from its background check.
    pub storage_health: crate::storage::StorageHealth,
    /// Rendered public pages and JSON, current as of this instance's last commit.
    pub page_cache: crate::page_cache::PageCache,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
