//! A real SMTP server for the mail tests: `smtp_sink.py` (aiosmtpd from PyPI, installed by
//! scripts/setup.sh) on loopback ports of its own, stopped when the test ends.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `WAYBILL_SMTP_URL`.
    pub url: String,
    log: String,
    child: Child,
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_with(0, 0).await
    }

    /// A sink that waits `delay_secs` before answering each message's DATA (a slow server),
    /// and answers the first `reject_first` messages with a temporary `451`.
    pub async fn start_with(delay_secs: u64, reject_first: u32) -> Self {
        let free = || std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().unwrap().port();
        let (smtp, http) = (free(), free());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/common/smtp_sink.py");
        let child = Command::new("python3")
            .args([script, &smtp.to_string(), &http.to_string(), &delay_secs.to_string(), &reject_first.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup.sh installs it)");
        let sink = Self { url: format!("smtp://127.0.0.1:{smtp}"), log: format!("http://127.0.0.1:{http}/"), child };
        for _ in 0..200 {
            if reqwest::get(&sink.log).await.is_ok() && tokio::net::TcpStream::connect(("127.0.0.1", smtp)).await.is_ok() {
                return sink;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the SMTP server did not start on port {smtp}");
    }

    /// Every message received, oldest first.
    pub async fn received(&self) -> Vec<serde_json::Value> {
        reqwest::get(&self.log).await.expect("smtp log").json().await.expect("json")
    }

    /// How many messages were answered with a temporary `451`.
    pub async fn rejected(&self) -> u64 {
        let answer: serde_json::Value = reqwest::get(format!("{}_rejected", self.log)).await.expect("smtp log").json().await.expect("json");
        answer["rejected"].as_u64().expect("a count")
    }

    /// The messages once there are at least `n`, or what there is after `within`.
    pub async fn at_least(&self, n: usize, within: Duration) -> Vec<serde_json::Value> {
        let until = std::time::Instant::now() + within;
        loop {
            let got = self.received().await;
            if got.len() >= n || std::time::Instant::now() > until {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
