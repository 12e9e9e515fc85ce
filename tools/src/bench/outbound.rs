//! `waybill-tools bench --outbound`: what telling merchant systems costs ingest. Two fresh
//! servers in one run, one after the other, the same load on each: the first with no
//! webhook endpoint, the second with three subscribed to every event (nginx on loopback
//! answering `204`, so the receivers cost next to nothing) and, with
//! `--mail-subscribers N`, mail on (aiosmtpd on loopback) with N confirmed subscribers on
//! the parcels the load makes (`mail_load`). Every depot delivery makes a
//! new parcel, so each is a transition to tell three times; Uber pings mostly change
//! nothing a merchant is told. After the load, the time until the second server has sent
//! everything.
use super::cpu::CpuClock;
use super::requests::{depot_delivery, get, uber_ping};
use super::under_test::{waybill_binary, BenchServer};
use super::wrk::Nginx;
use super::{measured, row, verdict, BenchArgs, DEPOT, NOOP, UBER};
use std::time::{Duration, Instant};

const ENDPOINTS: usize = 3;
const CONNECTIONS: usize = 64;

pub async fn bench_outbound(data: &std::path::Path, site_root: &str, args: &BenchArgs) -> anyhow::Result<()> {
    let Some(sink) = Nginx::sink().await? else { anyhow::bail!("nginx is not installed (scripts/setup.sh installs it)") };
    let seconds = Duration::from_secs(args.seconds.max(1));
    println!("waybill bench --outbound: {}, {} s per measurement, {CONNECTIONS} connections", args.db, seconds.as_secs());
    println!("{:<34} {:>5} {:>9} {:>11} {:>9} {:>9} {:>7}", "scenario", "conns", "answered", "req/s", "p50 ms", "p99 ms", "errors");
    let outbound = [("WAYBILL_OUTBOUND_ALLOW_PRIVATE", "1")];
    let mut rates = Vec::new();
    for endpoints in [0, ENDPOINTS] {
        let dir = data.join(format!("with-{endpoints}"));
        std::fs::create_dir_all(&dir)?;
        let (url, postgres) = fresh_database(args, &dir).await?;
        let smtp = match (endpoints > 0, args.mail_subscribers) {
            (true, n) if n > 0 => Some(super::mail_load::SmtpSink::start().await?),
            _ => None,
        };
        let mut env: Vec<(&str, &str)> = outbound.to_vec();
        if let Some(smtp) = &smtp {
            env.push(("WAYBILL_SMTP_URL", smtp.url.as_str()));
        }
        let server = BenchServer::start_with(&url, &dir, site_root, &args.server_log, &env).await?;
        if smtp.is_some() {
            super::mail_load::subscribe(&url, args.mail_subscribers).await?;
        }
        for n in 0..endpoints {
            add_endpoint(&url, &dir, &format!("{}/hook-{n}", sink.base))?;
        }
        let clock = CpuClock::new(server.pid());
        let subscribers = if smtp.is_some() { args.mail_subscribers } else { 0 };
        let label = |what: &str| format!("{what}, {endpoints} endpoints, {subscribers} mail");
        let noop = measured(&clock, CONNECTIONS, seconds, get(format!("{}/healthz", server.base))).await;
        row(&label(NOOP), &noop);
        let depot = measured(&clock, CONNECTIONS, seconds, depot_delivery(server.base.clone())).await;
        row(&label(DEPOT), &depot);
        let uber = measured(&clock, CONNECTIONS, seconds, uber_ping(server.base.clone())).await;
        row(&label(UBER), &uber);
        if endpoints > 0 {
            let started = Instant::now();
            let (sent, due) = drained(&url).await?;
            println!(
                "  sent {sent} webhooks ({due} due) to {endpoints} endpoints; all out {:.1} s after the load ended",
                started.elapsed().as_secs_f64()
            );
        }
        for (what, r) in [(DEPOT, &depot), (UBER, &uber)] {
            if let Some(c) = r.cpu {
                println!(
                    "  CPU per request, µs: {what}: total {:.0} = driver {:.0} + server {:.0} (runtime {:.0}, writer {:.0}, sqlite {:.0}, postgres {:.0})",
                    c.total(), c.client, c.server(), c.runtime, c.writer, c.sqlite, c.postgres
                );
            }
        }
        rates.push((depot.per_second, uber.per_second));
        drop(server);
        if let Some((admin, name)) = postgres {
            sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
        }
    }
    let (without, with) = (rates[0], rates[1]);
    println!();
    println!("target (issue 24): outbound work takes at most 15 % off ingest, measured above:");
    let target = |what: &str, without: f64, with: f64| {
        let off = (1.0 - with / without) * 100.0;
        println!("  {what}: {without:.0}/s without, {with:.0}/s with: {off:.1} % off -> {}", verdict(off <= 15.0));
    };
    target(&format!("depot deliveries (each told {ENDPOINTS} times)"), without.0, with.0);
    target("Uber pings", without.1, with.1);
    Ok(())
}

/// A fresh database for one of the two servers: a SQLite file in `dir`, or a PostgreSQL
/// database (with the admin connection to drop it after).
async fn fresh_database(
    args: &BenchArgs,
    dir: &std::path::Path,
) -> anyhow::Result<(String, Option<(sea_orm::DatabaseConnection, String)>)> {
    if args.db != "postgres" {
        return Ok((format!("sqlite://{}/bench.db?mode=rwc", dir.display()), None));
    }
    let name = format!("waybill_bench_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&args.postgres_url).await?;
    sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE \"{name}\"")).await?;
    let base = args.postgres_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or_default();
    Ok((format!("{base}/{name}"), Some((admin, name))))
}

/// `waybill webhook add` on the bench's database.
fn add_endpoint(database_url: &str, dir: &std::path::Path, url: &str) -> anyhow::Result<()> {
    let out = std::process::Command::new(waybill_binary()?)
        .args(["webhook", "add", "--url", url])
        .current_dir(dir)
        .env_clear()
        .env("WAYBILL_DATABASE_URL", database_url)
        .env("WAYBILL_OUTBOUND_ALLOW_PRIVATE", "1")
        .env("RUST_LOG", "error")
        .output()?;
    anyhow::ensure!(out.status.success(), "webhook add: {}", String::from_utf8_lossy(&out.stderr));
    Ok(())
}

/// Waits until no webhook is pending (at most two minutes); returns (sent, all made).
async fn drained(database_url: &str) -> anyhow::Result<(i64, i64)> {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(database_url).await?;
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let row = db.query_one(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await?;
            Ok::<i64, anyhow::Error>(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
        }
    };
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        let events = count("SELECT COUNT(*) FROM outbound_event").await?;
        let made = count("SELECT COUNT(*) FROM webhook_delivery").await?;
        let pending = count("SELECT COUNT(*) FROM webhook_delivery WHERE state = 'pending'").await?;
        if (made >= events * ENDPOINTS as i64 && pending == 0) || Instant::now() > until {
            let sent = count("SELECT COUNT(*) FROM webhook_delivery WHERE state = 'delivered'").await?;
            return Ok((sent, made));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
