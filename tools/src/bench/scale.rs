//! `waybill-tools bench --scale`: reads at 10,000 parcels and again at `--parcels` (1M by
//! default, 10 events each), on the same fresh server: JSON lookups and tracking pages of
//! parcels picked across the whole range, and the server's memory at idle and under load.
use super::load::{drive, LoadResult, MakeRequest};
use super::under_test::{BenchServer, PeakRss};
use super::{row, verdict, BenchArgs};
use crate::generate::{generate, generated_number};
use std::sync::Arc;
use std::time::Duration;

/// The smaller of the two sizes compared.
const SMALL: u64 = 10_000;
const CONNECTIONS: usize = 16;

/// Request `n` asks for a parcel spread over `0..parcels` (a multiplicative hash of `n`), so
/// lookups are not served from a few hot pages.
fn spread(n: u64, parcels: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15) % parcels.max(1)
}

fn lookup(base: String, parcels: u64) -> MakeRequest {
    Arc::new(move |client, n| client.get(format!("{base}/api/v1/track/{}", generated_number(spread(n, parcels)))))
}

fn page(base: String, parcels: u64) -> MakeRequest {
    Arc::new(move |client, n| client.get(format!("{base}/track/{}", generated_number(spread(n, parcels)))))
}

struct AtScale {
    lookup: LoadResult,
    page: LoadResult,
    idle_rss: u64,
    peak_rss: u64,
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

async fn measure(server: &BenchServer, parcels: u64, seconds: Duration) -> AtScale {
    // Let the writes settle (WAL checkpoint, freed buffers) before reading idle memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_rss = server.rss_bytes();
    let sampling = PeakRss::start(server.pid());
    let lookup = drive(CONNECTIONS, seconds, lookup(server.base.clone(), parcels)).await;
    let page = drive(CONNECTIONS, seconds, page(server.base.clone(), parcels)).await;
    let peak_rss = sampling.stop();
    let label = format!("{parcels} parcels");
    row(&format!("lookup JSON, {label}"), &lookup);
    row(&format!("tracking page, {label}"), &page);
    println!("memory, {label}: idle {:.1} MiB, peak under load {:.1} MiB", mib(idle_rss), mib(peak_rss));
    AtScale { lookup, page, idle_rss, peak_rss }
}

pub async fn bench_scale(database_url: &str, data: &std::path::Path, site_root: &str, args: &BenchArgs) -> anyhow::Result<()> {
    let server = BenchServer::start(database_url, data, site_root, &args.server_log).await?;
    let db = server::db::connect(database_url).await?;
    let seconds = Duration::from_secs(args.seconds.max(1));
    let large = args.parcels.max(SMALL);
    println!(
        "waybill bench --scale: {}, {} s per measurement, {} connections, {} events per parcel",
        args.db,
        seconds.as_secs(),
        CONNECTIONS,
        args.events_per_parcel
    );
    println!("{:<34} {:>5} {:>9} {:>11} {:>9} {:>9} {:>7}", "scenario", "conns", "answered", "req/s", "p50 ms", "p99 ms", "errors");

    let written = generate(&db, 0, SMALL, args.events_per_parcel).await?;
    println!("generated {} parcels, {} events in {:.1} s", written.parcels, written.events, written.seconds);
    let small = measure(&server, SMALL, seconds).await;

    let written = generate(&db, SMALL, large, args.events_per_parcel).await?;
    println!(
        "generated {} more parcels, {} events in {:.1} s ({:.0} events/s)",
        written.parcels,
        written.events,
        written.seconds,
        written.events as f64 / written.seconds.max(0.001)
    );
    let big = measure(&server, large, seconds).await;

    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::INFINITY };
    let lookup_ratio = ratio(big.lookup.p99_ms, small.lookup.p99_ms);
    println!();
    println!("targets (issue 7), measured above:");
    println!(
        "  lookup p99 at {large} within 1.5x of {SMALL}:  {:.2} ms vs {:.2} ms = {lookup_ratio:.2}x  -> {}",
        big.lookup.p99_ms,
        small.lookup.p99_ms,
        verdict(lookup_ratio <= 1.5)
    );
    println!(
        "  (page p99: {:.2} ms vs {:.2} ms = {:.2}x; memory idle {:.1} -> {:.1} MiB, under load {:.1} -> {:.1} MiB)",
        big.page.p99_ms,
        small.page.p99_ms,
        ratio(big.page.p99_ms, small.page.p99_ms),
        mib(small.idle_rss),
        mib(big.idle_rss),
        mib(small.peak_rss),
        mib(big.peak_rss)
    );
    Ok(())
}
