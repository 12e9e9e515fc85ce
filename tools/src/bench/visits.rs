//! Two costs a rate does not show: the server's CPU for one customer's first visit (the
//! page and every asset it names, as a browser without a cache fetches them), and what
//! open live-update streams cost while nothing changes.
use super::cpu::{rss_bytes, CpuClock};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BROWSER_CODINGS: &str = "br, gzip";

/// The paths of the assets a page names: everything under `/pkg/`, and its icon.
fn asset_paths(html: &str) -> Vec<String> {
    let mut paths: Vec<String> = html
        .match_indices("/pkg/")
        .map(|(at, _)| html[at..].chars().take_while(|c| !matches!(c, '"' | '\'' | ')' | ' ' | '>' | '\\')).collect())
        .collect();
    paths.push("/favicon.svg".into());
    paths.sort();
    paths.dedup();
    paths
}

/// Server CPU per first visit to `page`, in µs, over `visits` visits one after another;
/// and how many files and compressed bytes one visit fetched.
pub async fn cpu_per_first_visit(base: &str, page: &str, clock: &CpuClock, visits: u32) -> anyhow::Result<(f64, usize, u64)> {
    let client = reqwest::Client::new();
    let html = client.get(format!("{base}{page}")).send().await?.text().await?;
    let mut files = vec![page.to_string()];
    files.extend(asset_paths(&html));
    let visit = || async {
        let mut bytes = 0u64;
        for path in &files {
            let response = client.get(format!("{base}{path}")).header("accept-encoding", BROWSER_CODINGS).send().await?;
            bytes += response.bytes().await?.len() as u64;
        }
        anyhow::Ok(bytes)
    };
    let bytes = visit().await?;
    let before = clock.read();
    for _ in 0..visits {
        visit().await?;
    }
    let after = clock.read();
    let seconds = (after.server() - before.server()) + (after.postgres - before.postgres);
    Ok((seconds * 1e6 / f64::from(visits.max(1)), files.len(), bytes))
}

/// What `streams` open live streams cost at idle.
pub struct IdleStreams {
    pub opened: usize,
    /// Server CPU (and PostgreSQL's) over the quiet spell, in % of one core.
    pub cpu_percent: f64,
    pub rss_growth: u64,
}

/// Opens `streams` live streams of `token` on `address` (`host:port`), waits, then measures
/// the server for `quiet` while nothing changes.
pub async fn idle_streams(
    address: &str,
    token: &str,
    streams: usize,
    pid: u32,
    clock: &CpuClock,
    quiet: Duration,
) -> anyhow::Result<IdleStreams> {
    let rss_before = rss_bytes(pid);
    let mut open = Vec::with_capacity(streams);
    for chunk in (0..streams).collect::<Vec<_>>().chunks(100) {
        let opening = chunk.iter().map(|_| open_stream(address, token));
        for stream in futures::future::join_all(opening).await {
            open.push(stream?);
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_growth = rss_bytes(pid).saturating_sub(rss_before);
    let before = clock.read();
    tokio::time::sleep(quiet).await;
    let after = clock.read();
    let seconds = (after.server() - before.server()) + (after.postgres - before.postgres);
    Ok(IdleStreams { opened: open.len(), cpu_percent: seconds / quiet.as_secs_f64() * 100.0, rss_growth })
}

/// One live stream, its answer's head read (and checked), kept open.
async fn open_stream(address: &str, token: &str) -> anyhow::Result<tokio::net::TcpStream> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let request = format!("GET /t/{token}/live HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            anyhow::bail!("the live stream closed before answering");
        }
        head.extend_from_slice(&buffer[..n]);
    }
    let status = String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_string();
    anyhow::ensure!(status.contains(" 200"), "a live stream was answered {status:?}");
    Ok(stream)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pages_assets_are_found_once_each() {
        let html = r#"<link rel="modulepreload" href="/pkg/w.abc.js"><script>import('/pkg/w.abc.js').then(m => m.default({module_or_path: '/pkg/w.abc.wasm'}))</script><link href="/pkg/w.abc.css">"#;
        assert_eq!(super::asset_paths(html), ["/favicon.svg", "/pkg/w.abc.css", "/pkg/w.abc.js", "/pkg/w.abc.wasm"]);
    }
}
