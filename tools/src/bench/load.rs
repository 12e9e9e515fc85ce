//! The load driver: N connections, each sending one request after another for a fixed
//! time, with every latency recorded in an HDR histogram.
use hdrhistogram::Histogram;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds request number `n` on a client (one client per connection).
pub type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

#[derive(Clone, Debug)]
pub struct LoadResult {
    pub connections: usize,
    pub requests: u64,
    pub errors: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// CPU per answered request, in microseconds, where it was measured (`cpu`).
    pub cpu: Option<super::cpu::CpuTimes>,
}

/// Runs `connections` loops for `duration`; only answers with a 2xx status count as done.
pub async fn drive(connections: usize, duration: Duration, make: MakeRequest) -> LoadResult {
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut loops = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (make, counter) = (make.clone(), counter.clone());
        loops.push(tokio::spawn(async move {
            // One client per loop, so there are exactly `connections` connections.
            let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
            let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds");
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                let ok = match make(&client, n).send().await {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        // Read the whole answer: a request is done when its body is.
                        ok && response.bytes().await.is_ok()
                    }
                    Err(_) => false,
                };
                if ok {
                    let _ = histogram.record(sent.elapsed().as_micros().max(1) as u64);
                } else {
                    errors += 1;
                }
            }
            (histogram, errors)
        }));
    }
    let mut total = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds");
    let mut errors = 0;
    for handle in loops {
        if let Ok((histogram, e)) = handle.await {
            let _ = total.add(histogram);
            errors += e;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    LoadResult {
        connections,
        requests: total.len(),
        errors,
        per_second: total.len() as f64 / elapsed,
        p50_ms: total.value_at_quantile(0.50) as f64 / 1000.0,
        p99_ms: total.value_at_quantile(0.99) as f64 / 1000.0,
        cpu: None,
    }
}
