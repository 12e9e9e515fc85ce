//! What every request handler shares.
use crate::ingest::Pipeline;
use crate::read_model::ReadModel;
use crate::settings::Settings;
use crate::storage::PodStore;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub store: PodStore,
    pub read_model: ReadModel,
    pub pipeline: Pipeline,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
