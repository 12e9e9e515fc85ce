//! The `waybill` command line.
mod bench;
mod demo;
mod generate;
mod staff;

pub use bench::{run_bench, BenchArgs};
pub use demo::run_demo;
pub use generate::{generate, generated_number, Generated};
pub use staff::{create_api_key, create_staff};

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
    /// Rebuild every parcel, event and POD entry from the stored raw deliveries.
    Replay,
    /// Delete POD objects no database row refers to, once older than the given age.
    Sweep {
        /// Only objects last modified longer ago than this many seconds (default: a day,
        /// so uploads still in flight are never touched).
        #[arg(long, default_value_t = 86_400)]
        older_than_secs: u64,
    },
    /// Measure: ingest throughput and latency, the HTTP ceiling, page renders against a
    /// static file, and a large POD upload, on a fresh server started on loopback.
    Bench(BenchArgs),
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
    /// Load synthetic parcels (`GEN-0000000`, …) and their timelines straight into the
    /// database, for measuring reads at scale; numbers already present are an error.
    Generate {
        /// How many parcels.
        #[arg(long, default_value_t = 1_000_000)]
        parcels: u64,
        /// Events per parcel.
        #[arg(long, default_value_t = 10)]
        events_per_parcel: u32,
        /// The first parcel's index, to add to an earlier run.
        #[arg(long, default_value_t = 0)]
        first: u64,
    },
    /// Post realistic sample deliveries to a running server through its real webhooks.
    Demo {
        /// Base URL of the running server (default: WAYBILL_PUBLIC_URL).
        #[arg(long)]
        url: Option<String>,
        /// Also write the sample parcels' share links as JSON to this file.
        #[arg(long)]
        links_out: Option<std::path::PathBuf>,
    },
}
