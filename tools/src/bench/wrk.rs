//! The read-path references: `wrk` (Debian) drives every row of the read table, and nginx
//! (Debian), started here on loopback, serves the very bytes Waybill rendered, with gzip on
//! the fly at its default level, as a static server would.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// What one `wrk` run measured.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rate {
    pub per_second: f64,
    /// Answers outside 2xx/3xx, and socket errors.
    pub errors: u64,
}

fn on_path(program: &str) -> Option<std::path::PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join(program)).chain([format!("/usr/sbin/{program}").into()]).find(|p| p.is_file())
}

pub fn wrk_installed() -> bool {
    on_path("wrk").is_some()
}

/// `wrk` with 2 threads and `connections` connections on `url` for `seconds`.
pub async fn wrk(url: &str, headers: &[(&str, &str)], connections: usize, seconds: u64) -> anyhow::Result<Rate> {
    let mut command = Command::new("wrk");
    command.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s")]);
    for (name, value) in headers {
        command.args(["-H", &format!("{name}: {value}")]);
    }
    command.arg(url);
    // wrk runs for seconds: waited for off the runtime's threads.
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    let text = String::from_utf8_lossy(&output.stdout);
    let number_after = |label: &str| -> Option<f64> {
        let line = text.lines().find(|l| l.trim_start().starts_with(label))?;
        line.trim_start()[label.len()..].split_whitespace().next()?.parse().ok()
    };
    let per_second = number_after("Requests/sec:").ok_or_else(|| anyhow::anyhow!("wrk printed no rate for {url}: {text}"))?;
    let mut errors = number_after("Non-2xx or 3xx responses:").unwrap_or(0.0) as u64;
    if let Some(line) = text.lines().find(|l| l.trim_start().starts_with("Socket errors:")) {
        errors += line.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<u64>().ok()).sum::<u64>();
    }
    Ok(Rate { per_second, errors })
}

/// nginx serving the files of a directory.
pub struct Nginx {
    pub base: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts nginx on a free loopback port with `files` (name, bytes) as its site; `None`
    /// when nginx is not installed.
    pub async fn serve(files: &[(&str, &[u8])]) -> anyhow::Result<Option<Self>> {
        Self::start(files, "").await
    }

    /// nginx answering every request `204` at once: a webhook receiver that costs next to
    /// nothing, for the outbound bench.
    pub async fn sink() -> anyhow::Result<Option<Self>> {
        Self::start(&[], "    location / { return 204; }\n").await
    }

    async fn start(files: &[(&str, &[u8])], locations: &str) -> anyhow::Result<Option<Self>> {
        let Some(binary) = on_path("nginx") else { return Ok(None) };
        let dir = tempfile::tempdir()?;
        let root = dir.path().display().to_string();
        std::fs::create_dir_all(dir.path().join("site"))?;
        for (name, bytes) in files {
            std::fs::write(dir.path().join("site").join(name), bytes)?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let conf = format!(
            "worker_processes auto;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\ndaemon off;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  default_type text/html;\n  gzip on;\n\
               client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n  fastcgi_temp_path {root}/fastcgi;\n\
               uwsgi_temp_path {root}/uwsgi;\n  scgi_temp_path {root}/scgi;\n\
               server {{\n    listen 127.0.0.1:{port};\n    root {root}/site;\n{locations}  }}\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf)?;
        let child = Command::new(binary)
            .args(["-e", &format!("{root}/error.log"), "-p", &root, "-c", &format!("{root}/nginx.conf")])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        let address = format!("127.0.0.1:{port}");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(&address).await.is_ok() {
                return Ok(Some(Self { base: format!("http://{address}"), child, _dir: dir }));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("nginx did not start listening on {address}")
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
