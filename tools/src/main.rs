//! `waybill-tools`: the command line of the `tools` crate (see `lib.rs`).
use clap::{Parser, Subcommand};
use server::settings::Settings;
use tools::{bench, demo, disk, env, generate};

#[derive(Debug, Parser)]
#[command(name = "waybill-tools", version, about = "Waybill's bench, demo and data generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure: ingest throughput and latency, the HTTP ceiling, page renders against a
    /// static file, and a large POD upload, on a fresh server started on loopback.
    Bench(bench::BenchArgs),
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
    /// Bytes on disk per delivery for each carrier, through the real write path into a
    /// fresh SQLite database, without and with a trained dictionary.
    Disk {
        /// Deliveries per carrier and phase.
        #[arg(long, default_value_t = 2_000)]
        deliveries: usize,
        /// Only this carrier.
        #[arg(long)]
        carrier: Option<server::domain::Carrier>,
        /// Also print each table's and index's bytes per delivery (both phases together).
        #[arg(long)]
        tables: bool,
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
    /// Print what scripts and tests need to know about every carrier, from the carrier
    /// profiles: one `VARIABLE=secret` line per carrier (a throw-away secret, for a demo or
    /// test server), or with `--json` each carrier's paths, authentication, secret, demo
    /// parcels and a next delivery ready to post.
    Env {
        /// Names the secrets (`<label>-secret-for-<carrier>`), so that each script's differ.
        #[arg(long, default_value = "demo")]
        label: String,
        /// Describe every carrier as JSON (end2end/tests/journeys.spec.ts reads it).
        #[arg(long)]
        json: bool,
    },
}

/// The server's allocator here too: the benchmark's load driver shares the cores with the
/// server, and glibc's allocator would make it, and so the figures, slower than before the
/// bench moved out of the server binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::cli::init_logging();
    let cli = Cli::parse();
    // `env` reads nothing but the carrier profiles: it runs before any server is configured.
    if let Command::Env { label, json } = &cli.command {
        return env::run_env(label, *json);
    }
    let settings = Settings::from_env()?;
    match cli.command {
        Command::Bench(args) => bench::run_bench(&settings.site_root, args).await?,
        Command::Generate { parcels, events_per_parcel, first } => {
            let db = server::db::connect(settings.database_url.expose()).await?;
            server::db::migrate(&db).await?;
            let written = generate::generate(&db, first, first.saturating_add(parcels), events_per_parcel).await?;
            println!("generated {} parcels and {} events in {:.1} s", written.parcels, written.events, written.seconds);
        }
        Command::Disk { deliveries, carrier, tables } => disk::run_disk(deliveries.max(1), carrier, tables).await?,
        Command::Demo { url, links_out } => demo::run_demo(&settings, url, links_out).await?,
        Command::Env { .. } => {} // answered above
    }
    Ok(())
}
