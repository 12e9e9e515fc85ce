//! nginx from Debian as a real reverse proxy in front of a test server, on loopback: it
//! appends the client's address to `X-Forwarded-For`, as the documented load balancer does.
use std::process::{Child, Command, Stdio};

pub struct Nginx {
    pub address: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// Proxies a free loopback port to `upstream` (`http://127.0.0.1:port`).
    pub async fn start(upstream: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let root = dir.path().display();
        let upstream = upstream.trim_start_matches("http://");
        let conf = format!(
            "worker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\ndaemon off;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n\
               fastcgi_temp_path {root}/fastcgi;\n  uwsgi_temp_path {root}/uwsgi;\n  scgi_temp_path {root}/scgi;\n\
               server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://{upstream};\n\
                 proxy_set_header Host $http_host;\n      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    }}\n  }}\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let binary = ["/usr/sbin/nginx", "nginx"].into_iter().find(|b| std::path::Path::new(b).exists()).unwrap_or("nginx");
        let child = Command::new(binary)
            .args(["-e", &format!("{root}/error.log"), "-p", &root.to_string(), "-c", &format!("{root}/nginx.conf")])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts (scripts/setup.sh installs Debian's nginx)");
        let address = format!("127.0.0.1:{port}");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(&address).await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Self { address: format!("http://{address}"), child, _dir: dir }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
