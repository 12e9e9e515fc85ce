//! The `waybill` command line: serving and operating. The bench, the demo and the data
//! generator are `waybill-tools` (the `tools` crate).
mod replay;
mod staff;
mod train_dictionaries;
mod webhook;

pub use replay::replay;
pub use staff::{create_api_key, create_staff, list_api_keys, revoke_api_key};
pub use train_dictionaries::train_dictionaries;
pub use webhook::{webhook, WebhookCommand};

/// Logs to standard error, filtered by `RUST_LOG` (`info,sqlx=warn` unless set): standard
/// output is for what commands print (an API key, a summary, a bench table). Both binaries
/// of the workspace start with this.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .with_writer(std::io::stderr)
        .init();
}

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "waybill", version, about = "Self-hosted parcel tracking: carrier webhooks in, tracking pages out")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Rebuild every parcel, event and POD entry from the stored raw deliveries; refused
    /// while a server uses the database.
    Replay,
    /// Delete POD objects no database row refers to, once older than the given age.
    Sweep {
        /// Only objects last modified longer ago than this many seconds (default: a day,
        /// so uploads still in flight are never touched).
        #[arg(long, default_value_t = 86_400)]
        older_than_secs: u64,
    },
    /// Create a staff account (or set a new password for it); the password is read from
    /// standard input, one line.
    CreateStaff {
        #[arg(long)]
        email: String,
    },
    /// Print a new API key for a staff account, for `Authorization: Bearer`; only its hash
    /// is stored, so it is shown once.
    CreateApiKey {
        #[arg(long)]
        email: String,
    },
    /// Train a zstd dictionary per carrier on its newest archived bodies, and keep each one
    /// that saves at least 10 % on bodies it was not trained on; servers started afterwards
    /// compress new bodies with it.
    TrainDictionaries,
    /// List the staff API keys: id, first characters, owner, created, last used.
    ListApiKeys,
    /// Revoke a staff API key by its id (from `list-api-keys`).
    RevokeApiKey {
        #[arg(long)]
        id: i64,
    },
    /// Merchant webhook endpoints: add, list, remove.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
}
