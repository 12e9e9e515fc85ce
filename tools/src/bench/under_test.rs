//! The server under test: the `waybill` binary beside this one (or `WAYBILL_BIN`), started
//! as `waybill serve` on a loopback port with fresh data, and its memory read from /proc
//! while it runs (`cpu`).
use super::cpu::rss_bytes;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const DEPOT_TOKEN: &str = "bench-depot-token";
pub const UBER_KEY: &str = "bench-uber-signing-key";
pub const KEYDELIVERY_TOKEN: &str = "bench-keydelivery-token";

/// `WAYBILL_BIN`, or the `waybill` built beside this binary.
pub fn waybill_binary() -> anyhow::Result<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("WAYBILL_BIN") {
        return Ok(path.into());
    }
    let here = std::env::current_exe()?;
    Ok(here.with_file_name("waybill"))
}

pub struct BenchServer {
    pub base: String,
    child: Child,
}

impl BenchServer {
    pub async fn start(database_url: &str, data: &std::path::Path, site_root: &str, log: &str) -> anyhow::Result<Self> {
        Self::start_with(database_url, data, site_root, log, &[]).await
    }

    /// The same, with `extra` variables set as well.
    pub async fn start_with(
        database_url: &str,
        data: &std::path::Path,
        site_root: &str,
        log: &str,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(waybill_binary()?)
            .arg("serve")
            .current_dir(data)
            .env_clear()
            .env("WAYBILL_ADDR", format!("127.0.0.1:{port}"))
            .env("WAYBILL_DATABASE_URL", database_url)
            .env("WAYBILL_STORAGE_URL", format!("file://{}/pod", data.display()))
            .env("WAYBILL_DEPOT_TOKEN", DEPOT_TOKEN)
            .env("WAYBILL_UBER_SIGNING_KEY", UBER_KEY)
            .env("WAYBILL_KEYDELIVERY_TOKEN", KEYDELIVERY_TOKEN)
            .env("WAYBILL_MAX_POD_BYTES", (1u64 << 31).to_string())
            .env("WAYBILL_REQUEST_TIMEOUT_SECS", "600")
            .env("LEPTOS_SITE_ROOT", site_root)
            .env("RUST_LOG", log)
            .envs(extra.iter().copied())
            .stdout(if log == "error" { Stdio::null() } else { Stdio::inherit() })
            .stderr(Stdio::inherit())
            .spawn()?;
        let server = Self { base: format!("http://127.0.0.1:{port}"), child };
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if client.get(format!("{}/readyz", server.base)).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("the server did not become ready")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory of the server process, in bytes.
    pub fn rss_bytes(&self) -> u64 {
        rss_bytes(self.pid())
    }
}

/// Samples a process's resident memory every 10 ms until stopped, keeping the peak.
pub struct PeakRss {
    peak: std::sync::Arc<std::sync::atomic::AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl PeakRss {
    pub fn start(pid: u32) -> Self {
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(rss_bytes(pid)));
        let task = tokio::spawn({
            let peak = peak.clone();
            async move {
                loop {
                    peak.fetch_max(rss_bytes(pid), std::sync::atomic::Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        });
        Self { peak, task }
    }

    /// The highest resident memory seen, in bytes.
    pub fn stop(self) -> u64 {
        self.task.abort();
        self.peak.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
