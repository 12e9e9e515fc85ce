//! A TCP proxy in front of a backend (PostgreSQL, the S3 server) that a test can take down
//! and bring back, or make stall: accept connections and pass no byte either way, as a hung
//! database or a black-holed network does, then pass them on again.
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Mutex};
use tokio::task::JoinSet;

pub struct TcpProxy {
    pub port: u16,
    target: String,
    tasks: Arc<Mutex<JoinSet<()>>>,
    /// `true` while bytes flow; `false` while the proxy stalls.
    flowing: watch::Sender<bool>,
}

impl TcpProxy {
    /// Listens on a free loopback port and forwards to `target` (`host:port`).
    pub async fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy port");
        let port = listener.local_addr().unwrap().port();
        let (flowing, _) = watch::channel(true);
        let proxy = Self { port, target: target.to_string(), tasks: Arc::new(Mutex::new(JoinSet::new())), flowing };
        proxy.serve(listener).await;
        proxy
    }

    async fn serve(&self, listener: TcpListener) {
        let target = self.target.clone();
        let tasks = self.tasks.clone();
        let flowing = self.flowing.clone();
        let accept = async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let target = target.clone();
                let flowing = flowing.clone();
                tasks.lock().await.spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(&target).await {
                        let (from_client, to_client) = inbound.into_split();
                        let (from_backend, to_backend) = outbound.into_split();
                        tokio::join!(
                            pump(from_client, to_backend, flowing.subscribe()),
                            pump(from_backend, to_client, flowing.subscribe())
                        );
                    }
                });
            }
        };
        self.tasks.lock().await.spawn(accept);
    }

    /// Drops every connection and refuses new ones: the database is "down".
    pub async fn down(&self) {
        self.tasks.lock().await.shutdown().await;
    }

    /// Accepts connections again on the same port.
    pub async fn up(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.expect("proxy port again");
        self.serve(listener).await;
    }

    /// Keeps every connection open and accepts new ones, but passes no byte on: the
    /// backend hangs.
    pub fn stall(&self) {
        self.flowing.send_replace(false);
    }

    /// Passes bytes on again, what was held back first.
    pub fn resume(&self) {
        self.flowing.send_replace(true);
    }
}

/// Copies `from` to `to`, holding each chunk while the proxy stalls.
async fn pump(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, mut flowing: watch::Receiver<bool>) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if flowing.wait_for(|flowing| *flowing).await.is_err() || to.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
