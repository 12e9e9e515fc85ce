//! `waybill bench`: starts this binary as a server on loopback with fresh data (SQLite, or
//! PostgreSQL with `--db postgres`), drives load from the same machine, and prints one
//! table of figures measured side by side in the same run, with the targets of issue 7.
mod load;
mod plot;
mod scale;
mod server;

use load::{drive, LoadResult, MakeRequest};
use server::{BenchServer, DEPOT_TOKEN, KEYDELIVERY_TOKEN, UBER_KEY};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to run; see `waybill bench --help`.
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
    /// again at `--parcels`, loaded by the generator (`waybill generate`).
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
    /// Where to write the throughput plot (SVG).
    #[arg(long, default_value = "docs/bench-throughput.svg")]
    pub plot: std::path::PathBuf,
}

const CONNECTIONS: [usize; 3] = [1, 16, 64];
const UBER_SAMPLE: &str = include_str!("../../../tests/fixtures/uber-courier-update.json");

fn hmac_hex(key: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A signed Uber courier ping; every request is a new event of one of 1,000 deliveries.
/// The body is the sample with a few fields filled in per request, rendered from a template
/// made once, so that the load driver spends its (shared) CPU on sending, not on JSON.
fn uber_ping(base: String) -> MakeRequest {
    let template = uber_template();
    let start = chrono::Utc::now() - chrono::Duration::hours(2);
    let url = format!("{base}/webhooks/uber");
    Arc::new(move |client, n| {
        let delivery = format!("del_bench_{}", n % 1000);
        let at = (start + chrono::Duration::milliseconds(n as i64)).to_rfc3339();
        let lat = format!("{}", 52.0 + (n % 1000) as f64 / 10_000.0);
        let bytes = template.render(|slot| match slot {
            SLOT_EVENT => format!("\"evt_bench_{n}\""),
            SLOT_DELIVERY => format!("\"{delivery}\""),
            SLOT_CREATED => format!("\"{at}\""),
            _ => lat.clone(),
        });
        client.post(&url).header("content-type", "application/json").header("x-uber-signature", hmac_hex(UBER_KEY, &bytes)).body(bytes)
    })
}

/// The Uber sample with a slot for each field a ping fills in.
fn uber_template() -> Template {
    let mut sample: serde_json::Value = serde_json::from_str(UBER_SAMPLE).expect("the Uber sample is JSON");
    sample["id"] = SLOT_EVENT.into();
    sample["delivery_id"] = SLOT_DELIVERY.into();
    sample["created"] = SLOT_CREATED.into();
    sample["data"]["id"] = SLOT_DELIVERY.into();
    sample["data"]["courier"]["location"]["lat"] = SLOT_LAT.into();
    Template::new(&sample.to_string())
}

const SLOT_EVENT: &str = "@@event@@";
const SLOT_DELIVERY: &str = "@@delivery@@";
const SLOT_CREATED: &str = "@@created@@";
const SLOT_LAT: &str = "@@lat@@";

/// A JSON text cut at its slots: string values `"@@name@@"`, each replaced whole (quotes
/// included) by what `render` is given for it.
struct Template {
    pieces: Vec<(String, Option<&'static str>)>,
}

impl Template {
    fn new(text: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some((at, slot)) = [SLOT_EVENT, SLOT_DELIVERY, SLOT_CREATED, SLOT_LAT]
            .into_iter()
            .filter_map(|slot| rest.find(&format!("\"{slot}\"")).map(|at| (at, slot)))
            .min()
        {
            pieces.push((rest[..at].to_string(), Some(slot)));
            rest = &rest[at + slot.len() + 2..];
        }
        pieces.push((rest.to_string(), None));
        Self { pieces }
    }

    fn render(&self, value: impl Fn(&str) -> String) -> Vec<u8> {
        let mut out = String::with_capacity(self.pieces.iter().map(|p| p.0.len() + 32).sum());
        for (text, slot) in &self.pieces {
            out.push_str(text);
            if let Some(slot) = slot {
                out.push_str(&value(slot));
            }
        }
        out.into_bytes()
    }
}

/// A depot delivery (multipart, no file) for a new parcel each time.
fn depot_delivery(base: String) -> MakeRequest {
    Arc::new(move |client, n| {
        let form_data = serde_json::json!({
            "articleId": format!("BENCH-{n}"), "track_status": "In Transit", "track_datetime": "2025-10-08T10:00:00Z",
        });
        let form = reqwest::multipart::Form::new().text("form_data", form_data.to_string());
        client.post(format!("{base}/webhooks/depot")).bearer_auth(DEPOT_TOKEN).multipart(form)
    })
}

fn get(url: String) -> MakeRequest {
    Arc::new(move |client, _| client.get(&url))
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
        eprintln!("warning: this is a debug build; run `cargo leptos build --release` and target/release/waybill bench");
    }
    let data = tempfile::tempdir()?;
    // The server runs in the data directory, so the site root must not be relative.
    let site_root = std::path::Path::new(site_root)
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("site root {site_root:?} (LEPTOS_SITE_ROOT; build with cargo leptos first): {e}"))?;
    let site_root = site_root.to_string_lossy().to_string();
    let site_root = site_root.as_str();
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
    let result = if args.scale {
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

    let mut noop = Vec::new();
    let mut uber = Vec::new();
    let mut depot = Vec::new();
    for connections in CONNECTIONS {
        let r = drive(connections, seconds, get(format!("{base}/healthz"))).await;
        row("no-op GET /healthz (ceiling)", &r);
        noop.push(r);
        let r = drive(connections, seconds, uber_ping(base.clone())).await;
        row("Uber ping, signed, durable", &r);
        uber.push(r);
        let r = drive(connections, seconds, depot_delivery(base.clone())).await;
        row("depot delivery, multipart, durable", &r);
        depot.push(r);
    }

    // A tracking page with 200 events, against a static file of the same size.
    let items: Vec<serde_json::Value> = (0..200)
        .rev()
        .map(|i| {
            let at = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).and_then(|d| d.and_hms_opt(8, 0, 0)).unwrap_or_default()
                + chrono::Duration::hours(i);
            let status = ["Accepted", "In transit", "In transit", "Out for delivery"][(i % 4) as usize];
            serde_json::json!({"context": format!("Scan {i} at sorting centre {}", i % 7), "time": at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "order_status_description": status, "area_name": "Rotterdam"})
        })
        .collect();
    let history = serde_json::json!({"event": "update", "tracking_number": "BENCH-200", "items": items});
    let client = reqwest::Client::new();
    client.post(format!("{base}/webhooks/keydelivery?token={KEYDELIVERY_TOKEN}")).json(&history).send().await?.error_for_status()?;
    let page = client.get(format!("{base}/track/BENCH-200")).send().await?.bytes().await?;
    let static_path = std::path::Path::new(site_root).join("bench-static.html");
    std::fs::write(&static_path, &page)?;
    let pages = drive(16, seconds, get(format!("{base}/track/BENCH-200"))).await;
    row("tracking page, 200 events", &pages);
    let files = drive(16, seconds, get(format!("{base}/bench-static.html"))).await;
    row(&format!("static file, same size ({} B)", page.len()), &files);
    let _ = std::fs::remove_file(&static_path);

    // One large POD upload, streamed; the server's memory is sampled while it runs.
    let bytes = args.upload_mib * 1024 * 1024;
    let baseline = server.rss_bytes();
    let sampling = server::PeakRss::start(server.pid());
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
    let page_ratio = if files.per_second > 0.0 { pages.per_second / files.per_second * 100.0 } else { 0.0 };
    println!();
    println!("targets (issue 7), measured above:");
    println!(
        "  durable ingest >= 10,000/s at 64 connections:  Uber {:.0}/s, depot {:.0}/s  -> {}",
        u64c.per_second,
        depot[2].per_second,
        verdict(u64c.per_second >= 10_000.0)
    );
    println!("  ingest >= 30 % of the no-op ceiling at 64:     {ratio:.1} %  -> {}", verdict(ratio >= 30.0));
    println!("  ingest p99 <= 25 ms at 64 connections:         {:.2} ms  -> {}", u64c.p99_ms, verdict(u64c.p99_ms <= 25.0));
    println!("  tracking page >= 40 % of the static file:      {page_ratio:.1} %  -> {}", verdict(page_ratio >= 40.0));
    println!("  1 GiB upload grows RSS by <= 64 MiB:           {:.1} MiB  -> {}", growth as f64 / 1048576.0, verdict(growth <= 64 << 20));

    if let Some(dir) = args.plot.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    plot::throughput_svg(&args.plot, &[("no-op /healthz", noop), ("Uber ping", uber), ("depot delivery", depot)])?;
    println!("plot: {}", args.plot.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_uber_ping_is_the_sample_with_its_own_event_delivery_time_and_position() {
        let body = uber_template().render(|slot| match slot {
            SLOT_EVENT => "\"evt_7\"".into(),
            SLOT_DELIVERY => "\"del_7\"".into(),
            SLOT_CREATED => "\"2025-01-01T00:00:00+00:00\"".into(),
            _ => "52.5".into(),
        });
        let mut expected: serde_json::Value = serde_json::from_str(UBER_SAMPLE).unwrap();
        expected["id"] = "evt_7".into();
        expected["delivery_id"] = "del_7".into();
        expected["created"] = "2025-01-01T00:00:00+00:00".into();
        expected["data"]["id"] = "del_7".into();
        expected["data"]["courier"]["location"]["lat"] = 52.5.into();
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&body).unwrap(), expected);
    }
}
