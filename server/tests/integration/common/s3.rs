//! A real S3-compatible server for the storage tests: moto in server mode on a loopback
//! port of its own, started per test and stopped when the test ends.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BUCKET: &str = "waybill-test";

pub struct Moto {
    pub endpoint: String,
    pub port: u16,
    child: Option<Child>,
}

impl Moto {
    /// Starts moto on a free port and creates the test bucket.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().unwrap().port();
        let mut moto = Self { endpoint: format!("http://127.0.0.1:{port}"), port, child: None };
        moto.restart().await;
        moto
    }

    /// (Re)starts the server on the same port; moto keeps its data in memory, so the
    /// bucket is made again.
    pub async fn restart(&mut self) {
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server (pip install 'moto[server]'; scripts/setup.sh does)");
        self.child = Some(child);
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(response) = client.put(format!("{}/{BUCKET}", self.endpoint)).send().await {
                if response.status().is_success() || response.status().as_u16() == 409 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("moto did not start on port {}", self.port);
    }

    /// Stops the server: the object store is down until [`Self::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The variables that point Waybill at this server.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("WAYBILL_STORAGE_URL", format!("s3://{BUCKET}/pod")),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}
