//! `waybill-tools bench --reads`: the customer read path against real references, in one
//! run on one machine. Every rate is `wrk` with 2 threads and 16 connections; the
//! references are Waybill's own no-op (`/healthz`) and nginx serving the very bytes
//! Waybill rendered (gzip on the fly at its default level). Then the server's CPU per first
//! visit, and what `--streams` idle live streams cost. The targets of issue 23 are printed
//! beside the figures; nothing here asserts.
use super::cpu::CpuClock;
use super::requests::keydelivery_history;
use super::under_test::{BenchServer, KEYDELIVERY_TOKEN};
use super::visits::{cpu_per_first_visit, idle_streams};
use super::wrk::{wrk, wrk_installed, Nginx, Rate};
use super::BenchArgs;
use std::time::Duration;

const CONNECTIONS: usize = 16;
const CODINGS: (&str, &str) = ("Accept-Encoding", "br, gzip");

struct Row {
    rate: Rate,
}

/// The rows measured so far.
struct Table {
    rows: Vec<Row>,
    seconds: u64,
}

impl Table {
    /// Measures `url` with `headers`, prints the row and keeps it.
    async fn row(&mut self, name: &str, url: String, headers: Vec<(&'static str, String)>) -> anyhow::Result<Rate> {
        let borrowed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let rate = wrk(&url, &borrowed, CONNECTIONS, self.seconds).await?;
        println!("{name:<52} {:>10.0}/s {:>7} errors", rate.per_second, rate.errors);
        self.rows.push(Row { rate });
        Ok(rate)
    }
}

pub async fn bench_reads(database_url: &str, data: &std::path::Path, site_root: &str, args: &BenchArgs) -> anyhow::Result<()> {
    if !wrk_installed() {
        anyhow::bail!("wrk is not installed (scripts/setup.sh installs Debian's wrk); the read-path table is measured with it");
    }
    let streams = args.streams.to_string();
    let caps = [
        ("WAYBILL_MAX_LIVE_STREAMS", streams.as_str()),
        ("WAYBILL_MAX_LIVE_STREAMS_PER_LINK", streams.as_str()),
        ("WAYBILL_MAX_CONNECTIONS", "8192"),
    ];
    let server = BenchServer::start_with(database_url, data, site_root, &args.server_log, &caps).await?;
    let base = server.base.clone();
    let seconds = args.seconds.max(1);
    let client = reqwest::Client::new();
    for (number, events) in [("BENCH-5", 5), ("BENCH-200", 200)] {
        let url = format!("{base}/webhooks/keydelivery?token={KEYDELIVERY_TOKEN}");
        client.post(url).json(&keydelivery_history(number, events)).send().await?.error_for_status()?;
    }
    let page = |n: &str| format!("/track/{n}");
    let json = |n: &str| format!("/api/v1/track/{n}");
    let fetch = |path: String, headers: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let mut request = client.get(url);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let response = request.send().await?;
            let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
            anyhow::Ok((response.bytes().await?, etag))
        }
    };
    let (page5, _) = fetch(page("BENCH-5"), vec![]).await?;
    let (page200, etag200) = fetch(page("BENCH-200"), vec![]).await?;
    let (json200, json_etag200) = fetch(json("BENCH-200"), vec![]).await?;
    let wasm_path = first_wasm(&page200);
    println!(
        "waybill bench --reads: {}, wrk -t2 -c{CONNECTIONS} -d{seconds}s per row, {} cores; page 5 events {} B, page 200 events {} B, JSON 200 events {} B",
        args.db,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        page5.len(),
        page200.len(),
        json200.len()
    );

    let mut table = Table { rows: Vec::new(), seconds };
    let codings = || vec![(CODINGS.0, CODINGS.1.to_string())];
    let if_none_match = |etag: &Option<String>| etag.iter().map(|e| ("If-None-Match", e.clone())).collect::<Vec<_>>();
    let noop = table.row("Waybill no-op GET /healthz", format!("{base}/healthz"), vec![]).await?;
    let page5_plain = table.row("/track/BENCH-5 (5 events)", format!("{base}{}", page("BENCH-5")), vec![]).await?;
    let page5_br = table.row("/track/BENCH-5, Accept-Encoding: br, gzip", format!("{base}{}", page("BENCH-5")), codings()).await?;
    let page200_plain = table.row("/track/BENCH-200 (200 events)", format!("{base}{}", page("BENCH-200")), vec![]).await?;
    let page200_br = table.row("/track/BENCH-200, Accept-Encoding: br, gzip", format!("{base}{}", page("BENCH-200")), codings()).await?;
    let revalidate = match &etag200 {
        Some(_) => {
            Some(table.row("/track/BENCH-200, If-None-Match (304)", format!("{base}{}", page("BENCH-200")), if_none_match(&etag200)).await?)
        }
        None => {
            println!("{:<52} {:>12}", "/track/BENCH-200, If-None-Match", "no ETag");
            None
        }
    };
    let json200_plain = table.row("/api/v1/track/BENCH-200", format!("{base}{}", json("BENCH-200")), vec![]).await?;
    table.row("/api/v1/track/BENCH-200, Accept-Encoding: br, gzip", format!("{base}{}", json("BENCH-200")), codings()).await?;
    if json_etag200.is_some() {
        table
            .row("/api/v1/track/BENCH-200, If-None-Match (304)", format!("{base}{}", json("BENCH-200")), if_none_match(&json_etag200))
            .await?;
    }
    table.row("/api/v1/track/BENCH-5", format!("{base}{}", json("BENCH-5")), vec![]).await?;

    let nginx = Nginx::serve(&[("page5.html", &page5), ("page200.html", &page200)]).await?;
    let mut nginx200 = None;
    match &nginx {
        Some(nginx) => {
            for (events, file) in [(5, "page5.html"), (200, "page200.html")] {
                let url = format!("{}/{file}", nginx.base);
                let plain = table.row(&format!("nginx, the same bytes as the {events}-event page"), url.clone(), vec![]).await?;
                let gzip = vec![("Accept-Encoding", "gzip".to_string())];
                table.row("nginx, the same, Accept-Encoding: gzip (on the fly)", url, gzip).await?;
                if events == 200 {
                    nginx200 = Some(plain);
                }
            }
        }
        None => println!("nginx is not installed (scripts/setup.sh installs Debian's): no nginx rows"),
    }
    drop(nginx);

    let clock = CpuClock::new(server.pid());
    let (visit_us, files, bytes) = cpu_per_first_visit(&base, &page("BENCH-5"), &clock, 50).await?;
    println!("first visit to /track/BENCH-5 ({files} files, {bytes} B with br, gzip; wasm {wasm_path}): {visit_us:.0} µs of server CPU");
    let token = share_token(database_url).await?;
    let address = base.trim_start_matches("http://");
    let idle = idle_streams(address, &token, args.streams, server.pid(), &clock, Duration::from_secs(10)).await?;
    println!(
        "{} idle live streams: {:.2} % of a core over 10 s, server RSS +{:.1} MiB",
        idle.opened,
        idle.cpu_percent,
        idle.rss_growth as f64 / 1048576.0
    );

    let pct = |a: f64, b: f64| if b > 0.0 { a / b * 100.0 } else { 0.0 };
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!();
    println!("targets (issue 23), measured above:");
    let of_noop = pct(page200_br.per_second, noop.per_second);
    println!("  200-event page (br, gzip) >= 50 % of the no-op:       {of_noop:.1} %  -> {}", verdict(of_noop >= 50.0));
    if let Some(nginx200) = nginx200 {
        let of_nginx = pct(page200_br.per_second, nginx200.per_second);
        println!("  the same >= 30 % of nginx, same bytes uncompressed:    {of_nginx:.1} %  -> {}", verdict(of_nginx >= 30.0));
    }
    let json_ratio = pct(json200_plain.per_second, noop.per_second);
    println!("  JSON lookup (200 events) >= 60 % of the no-op:        {json_ratio:.1} %  -> {}", verdict(json_ratio >= 60.0));
    if let Some(revalidate) = revalidate {
        let r = pct(revalidate.per_second, noop.per_second);
        println!("  304 revalidation >= 80 % of the no-op:                {r:.1} %  -> {}", verdict(r >= 80.0));
    }
    let flat = if page200_br.per_second > 0.0 { page5_br.per_second / page200_br.per_second } else { f64::INFINITY };
    println!("  200-event page within 1.3x of the 5-event page:       {flat:.2}x  -> {}", verdict(flat <= 1.3));
    let plain_flat = if page200_plain.per_second > 0.0 { page5_plain.per_second / page200_plain.per_second } else { f64::INFINITY };
    println!("    (uncompressed: {plain_flat:.2}x)");
    println!("  server CPU per first visit <= 2 ms:                   {:.2} ms  -> {}", visit_us / 1000.0, verdict(visit_us <= 2000.0));
    let mib = idle.rss_growth as f64 / 1048576.0;
    println!(
        "  {} idle streams < 1 % of a core and < 50 MiB:        {:.2} %, {mib:.1} MiB  -> {}",
        idle.opened,
        idle.cpu_percent,
        verdict(idle.cpu_percent < 1.0 && mib < 50.0)
    );
    let errors: u64 = table.rows.iter().map(|r| r.rate.errors).sum();
    if errors > 0 {
        println!("note: {errors} answers outside 2xx/3xx in the rows above");
    }
    Ok(())
}

/// The wasm file a page's hydration script loads.
fn first_wasm(page: &[u8]) -> String {
    let html = String::from_utf8_lossy(page);
    html.match_indices("/pkg/")
        .map(|(at, _)| html[at..].chars().take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ')).collect::<String>())
        .find(|p| p.ends_with(".wasm"))
        .unwrap_or_else(|| "not named".into())
}

/// A share link of the bench's parcels, from the database.
async fn share_token(database_url: &str) -> anyhow::Result<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = sea_orm::Database::connect(database_url).await?;
    let backend = db.get_database_backend();
    let row = db
        .query_one(Statement::from_string(backend, "SELECT token FROM share_link WHERE revoked_at IS NULL ORDER BY id LIMIT 1".to_string()))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no share link to open live streams on"))?;
    Ok(row.try_get_by_index::<String>(0)?)
}
