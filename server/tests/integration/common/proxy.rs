//! A TCP proxy in front of PostgreSQL that a test can take down and bring back, to see what
//! Waybill does while its database is unreachable.
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

pub struct TcpProxy {
    pub port: u16,
    target: String,
    tasks: Arc<Mutex<JoinSet<()>>>,
}

impl TcpProxy {
    /// Listens on a free loopback port and forwards to `target` (`host:port`).
    pub async fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy port");
        let port = listener.local_addr().unwrap().port();
        let proxy = Self { port, target: target.to_string(), tasks: Arc::new(Mutex::new(JoinSet::new())) };
        proxy.serve(listener).await;
        proxy
    }

    async fn serve(&self, listener: TcpListener) {
        let target = self.target.clone();
        let tasks = self.tasks.clone();
        let accept = async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                tasks.lock().await.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
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
}
