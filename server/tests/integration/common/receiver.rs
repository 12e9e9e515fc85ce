//! A real Standard Webhooks receiver for the outbound tests: `webhook_receiver.py` on a
//! loopback port of its own, verifying with the `standardwebhooks` package from PyPI
//! (installed by scripts/setup.sh); stopped when the test ends.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Receiver {
    /// Where Waybill posts: `http://127.0.0.1:PORT/hooks`.
    pub url: String,
    base: String,
    child: Child,
}

impl Receiver {
    /// Starts it in `mode` (`verify`, `gone`, `never-answer`, `huge`, `redirect`, `nul`),
    /// failing the first `fail_first` valid requests with a 500.
    pub async fn start(mode: &str, fail_first: u32) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().unwrap().port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/common/webhook_receiver.py");
        let child = Command::new("python3")
            .args([script, &port.to_string(), mode, &fail_first.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with standardwebhooks (scripts/setup.sh installs it)");
        let base = format!("http://127.0.0.1:{port}");
        let receiver = Self { url: format!("{base}/hooks"), base, child };
        for _ in 0..200 {
            if reqwest::get(format!("{}/_log", receiver.base)).await.is_ok() {
                return receiver;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the webhook receiver did not start on port {port}");
    }

    /// Gives it the endpoint's secret to verify with.
    pub async fn set_secret(&self, secret: &str) {
        let answer = reqwest::Client::new().post(format!("{}/_secret", self.base)).body(secret.to_string()).send().await.expect("receiver");
        assert_eq!(answer.status(), 204);
    }

    /// Switches its mode (the merchant fixed the endpoint: `gone` to `verify`).
    pub async fn set_mode(&self, mode: &str) {
        let answer = reqwest::Client::new().post(format!("{}/_mode", self.base)).body(mode.to_string()).send().await.expect("receiver");
        assert_eq!(answer.status(), 204);
    }

    /// Every request it saw, oldest first.
    pub async fn log(&self) -> Vec<serde_json::Value> {
        reqwest::get(format!("{}/_log", self.base)).await.expect("receiver").json().await.expect("receiver log")
    }

    /// The requests it accepted (verified and answered 2xx).
    pub async fn accepted(&self) -> Vec<serde_json::Value> {
        self.log()
            .await
            .into_iter()
            .filter(|e| e["verified"] == true && e["status"].as_u64().is_some_and(|s| (200..300).contains(&s)))
            .collect()
    }

    /// The log once `done` holds of it, or the last one after `within`.
    pub async fn log_once(&self, within: Duration, done: impl Fn(&[serde_json::Value]) -> bool) -> Vec<serde_json::Value> {
        let until = std::time::Instant::now() + within;
        loop {
            let log = self.log().await;
            if done(&log) || std::time::Instant::now() > until {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
