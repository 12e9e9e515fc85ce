//! `waybill-tools bench`: starts the `waybill` binary as a server on loopback with fresh data (SQLite, or
//! PostgreSQL with `--db postgres`), drives load from the same machine, and prints one
//! table of figures measured side by side in the same run, with the targets of issue 7 and
//! the CPU each request used (`cpu`), which says how far a target is from this machine.
mod cpu;
mod load;
mod mail_load;
mod outbound;
mod plot;
mod reads;
mod requests;
mod scale;
mod under_test;
mod visits;
mod wrk;

use cpu::CpuClock;
use load::{drive, LoadResult, MakeRequest};
use requests::{depot_delivery, get, uber_ping};
use std::time::{Duration, Instant};
use under_test::{BenchServer, DEPOT_TOKEN};

/// What to run; see `waybill-tools bench --help`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// `sqlite` (default) or `postgres`.
    #[arg(long, default_value = "sqlite")]
    pub db: String,
    /// Administrative PostgreSQL URL; a fresh database is made there and dropped after.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub postgres_url: String,
    /// Seconds of load per measurement.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Size of the POD upload, in MiB.
    #[arg(long, default_value_t = 1024)]
    pub upload_mib: u64,
    /// Measure reads at scale instead: lookups, pages and memory at 10,000 parcels and
    /// again at `--parcels`, loaded by the generator (`waybill-tools generate`).
    #[arg(long)]
    pub scale: bool,
    /// With `--scale`: the larger size, in parcels.
    #[arg(long, default_value_t = 1_000_000)]
    pub parcels: u64,
    /// With `--scale`: events per generated parcel.
    #[arg(long, default_value_t = 10)]
    pub events_per_parcel: u32,
    /// The server's log filter (`RUST_LOG` syntax); its log then goes to standard output.
    #[arg(long, default_value = "error")]
    pub server_log: String,
    /// Measure the customer read path instead (`reads`): tracking page and JSON beside the
    /// no-op and beside nginx serving the same bytes, with `wrk`; CPU per first visit; idle
    /// live streams.
    #[arg(long)]
    pub reads: bool,
    /// Measure what telling merchant systems costs ingest instead (`outbound`): the same
    /// load on a server without webhook endpoints and on one with three.
    #[arg(long)]
    pub outbound: bool,
    /// With `--outbound`: confirmed mail subscribers on the second server's parcels (mail
    /// on, sent to aiosmtpd on loopback); 0 leaves mail off.
    #[arg(long, default_value_t = 1000)]
    pub mail_subscribers: i64,
    /// With `--reads`: how many idle live streams to open.
    #[arg(long, default_value_t = 1000)]
    pub streams: usize,
    /// Where to write the throughput plot (SVG).
    #[arg(long, default_value = "docs/bench-throughput.svg")]
    pub plot: std::path::PathBuf,
}

const CONNECTIONS: [usize; 3] = [1, 16, 64];
const NOOP: &str = "no-op GET /healthz (ceiling)";
const UBER: &str = "Uber ping, signed, durable";
const DEPOT: &str = "depot delivery, multipart, durable";

/// One measurement, with the CPU it used per answered request.
async fn measured(clock: &CpuClock, connections: usize, duration: Duration, make: MakeRequest) -> LoadResult {
    let before = clock.read();
    let mut result = drive(connections, duration, make).await;
    result.cpu = Some(clock.read().per_request_since(&before, result.requests));
    result
}

fn row(name: &str, r: &LoadResult) {
    println!(
        "{name:<34} {:>5} {:>9} {:>11.0} {:>9.2} {:>9.2} {:>7}",
        r.connections, r.requests, r.per_second, r.p50_ms, r.p99_ms, r.errors
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

pub async fn run_bench(site_root: &str, args: BenchArgs) -> anyhow::Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; run `cargo leptos build --release --precompress`, `cargo build --release -p tools` and target/release/waybill-tools bench");
    }
    let data = tempfile::tempdir()?;
    // The server runs in the data directory, so the site root must not be relative.
    let site_root = std::path::Path::new(site_root)
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("site root {site_root:?} (LEPTOS_SITE_ROOT; build with cargo leptos first): {e}"))?;
    let site_root = site_root.to_string_lossy().to_string();
    let site_root = site_root.as_str();
    if args.outbound {
        return outbound::bench_outbound(data.path(), site_root, &args).await;
    }
    let (database_url, postgres) = match args.db.as_str() {
        "sqlite" => (format!("sqlite://{}/bench.db?mode=rwc", data.path().display()), None),
        "postgres" => {
            let name = format!("waybill_bench_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&args.postgres_url).await?;
            sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE \"{name}\"")).await?;
            let base = args.postgres_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or_default();
            (format!("{base}/{name}"), Some((admin, name)))
        }
        other => anyhow::bail!("--db {other:?}: expected sqlite or postgres"),
    };
    let result = if args.reads {
        reads::bench_reads(&database_url, data.path(), site_root, &args).await
    } else if args.scale {
        scale::bench_scale(&database_url, data.path(), site_root, &args).await
    } else {
        bench_against(&database_url, data.path(), site_root, &args).await
    };
    if let Some((admin, name)) = postgres {
        sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
    }
    result
}

async fn bench_against(database_url: &str, data: &std::path::Path, site_root: &str, args: &BenchArgs) -> anyhow::Result<()> {
    let server = BenchServer::start(database_url, data, site_root, &args.server_log).await?;
    let base = server.base.clone();
    let seconds = Duration::from_secs(args.seconds.max(1));
    println!(
        "waybill bench: {} , {} s per measurement, {} cores",
        args.db,
        seconds.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("{:<34} {:>5} {:>9} {:>11} {:>9} {:>9} {:>7}", "scenario", "conns", "answered", "req/s", "p50 ms", "p99 ms", "errors");

    let clock = CpuClock::new(server.pid());
    let mut noop = Vec::new();
    let mut uber = Vec::new();
    let mut depot = Vec::new();
    for connections in CONNECTIONS {
        let r = measured(&clock, connections, seconds, get(format!("{base}/healthz"))).await;
        row(NOOP, &r);
        noop.push(r);
        let r = measured(&clock, connections, seconds, uber_ping(base.clone())).await;
        row(UBER, &r);
        uber.push(r);
        let r = measured(&clock, connections, seconds, depot_delivery(base.clone())).await;
        row(DEPOT, &r);
        depot.push(r);
    }

    let client = reqwest::Client::new();

    // One large POD upload, streamed; the server's memory is sampled while it runs.
    let bytes = args.upload_mib * 1024 * 1024;
    let baseline = server.rss_bytes();
    let sampling = under_test::PeakRss::start(server.pid());
    let chunk = bytes::Bytes::from(vec![0u8; 1 << 20]);
    let mut first = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    first.resize(1 << 20, 0);
    let first = bytes::Bytes::from(first);
    let chunks = (0..args.upload_mib).map(move |i| Ok::<_, std::io::Error>(if i == 0 { first.clone() } else { chunk.clone() }));
    let file =
        reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(futures::stream::iter(chunks)), bytes).file_name("big.jpg");
    let form_data = serde_json::json!({"articleId": "BENCH-BIG", "track_status": "Delivered", "track_datetime": "2025-10-08T10:00:00Z"});
    let form = reqwest::multipart::Form::new().text("form_data", form_data.to_string()).part("pod_file", file);
    let started = Instant::now();
    let upload = client.post(format!("{base}/webhooks/depot")).bearer_auth(DEPOT_TOKEN).multipart(form).send().await?;
    let status = upload.status();
    let elapsed = started.elapsed().as_secs_f64();
    let growth = sampling.stop().saturating_sub(baseline);
    let mb_per_s = bytes as f64 / 1e6 / elapsed;
    println!(
        "POD upload {} MiB: status {}, {:.1} s, {:.0} MB/s, server RSS growth {:.1} MiB (from {:.1} MiB)",
        args.upload_mib,
        status.as_u16(),
        elapsed,
        mb_per_s,
        growth as f64 / 1048576.0,
        baseline as f64 / 1048576.0
    );

    let (u64c, n64) = (&uber[2], &noop[2]);
    let ratio = u64c.per_second / n64.per_second * 100.0;
    println!();
    println!("targets (issue 7), measured above:");
    println!(
        "  durable ingest >= 10,000/s at 64 connections:  Uber {:.0}/s, depot {:.0}/s  -> {}",
        u64c.per_second,
        depot[2].per_second,
        verdict(u64c.per_second >= 10_000.0)
    );
    println!("  ingest >= 30 % of the no-op ceiling at 64:     {ratio:.1} %  -> {}", verdict(ratio >= 30.0));
    if let Some(cpu) = u64c.cpu {
        // 30 % of the ceiling is a rate; on these cores, all busy, it allows this much CPU
        // per ping in all, and this much on the one-at-a-time path.
        let wanted = 0.3 * n64.per_second;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let budget = cpu::Budget::at(wanted, cores);
        println!(
            "    30 % is {wanted:.0}/s: at most {:.0} µs of CPU per ping on {cores} cores (measured {:.0})",
            budget.total,
            cpu.total()
        );
        if cpu.serial() > 0.0 {
            // SQLite: one writer thread and its SQLite thread, apart from the HTTP side.
            let outside = cpu.outside_database();
            println!(
                "    of it at most {:.0} µs on the serial path (measured {:.0}); the load driver and the HTTP side take {outside:.0}, \
                 leaving {:.0} for the database (measured {:.0})",
                budget.serial,
                cpu.serial(),
                budget.total - outside,
                cpu.database()
            );
        } else if cpu.postgres > 0.0 {
            // PostgreSQL: the writers run on the server's runtime; the database is its own processes.
            println!("    PostgreSQL's own processes take {:.0} µs of a ping", cpu.postgres);
        }
    }
    println!("  ingest p99 <= 25 ms at 64 connections:         {:.2} ms  -> {}", u64c.p99_ms, verdict(u64c.p99_ms <= 25.0));
    println!("  1 GiB upload grows RSS by <= 64 MiB:           {:.1} MiB  -> {}", growth as f64 / 1048576.0, verdict(growth <= 64 << 20));

    println!();
    println!("CPU per answered request at 64 connections, µs (/proc: the load driver and the server share the cores):");
    println!(
        "{:<34} {:>7} {:>7} {:>7} {:>8} {:>7} {:>7} {:>8}",
        "scenario", "total", "driver", "server", "runtime", "writer", "sqlite", "postgres"
    );
    for (name, r) in [(NOOP, &noop[2]), (UBER, &uber[2]), (DEPOT, &depot[2])] {
        if let Some(c) = r.cpu {
            println!(
                "{name:<34} {:>7.1} {:>7.1} {:>7.1} {:>8.1} {:>7.1} {:>7.1} {:>8.1}",
                c.total(),
                c.client,
                c.server(),
                c.runtime,
                c.writer,
                c.sqlite,
                c.postgres
            );
        }
    }

    if let Some(dir) = args.plot.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    plot::throughput_svg(&args.plot, &[("no-op /healthz", noop), ("Uber ping", uber), ("depot delivery", depot)])?;
    println!("plot: {}", args.plot.display());
    Ok(())
}
