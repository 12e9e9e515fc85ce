//! The mail side of `bench --outbound`: a real SMTP server on loopback (aiosmtpd, which
//! `scripts/setup.sh` installs) for the server under test to send to, and confirmed
//! subscriptions on the parcels the load makes (ids 1 to N), so that every round of the
//! server's mail worker hands out over N subscribed parcels and mails what they are told.
use sea_orm::{ActiveValue::Set, EntityTrait};
use server::entity::mail_subscription::{self, SubscriptionState};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// aiosmtpd on a port of its own, stopped when dropped.
pub struct SmtpSink {
    pub url: String,
    child: Child,
}

impl SmtpSink {
    pub async fn start() -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("python3 -m aiosmtpd: {e} (scripts/setup.sh installs it)"))?;
        let sink = Self { url: format!("smtp://127.0.0.1:{port}"), child };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Ok(sink);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("aiosmtpd did not listen on 127.0.0.1:{port}")
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `n` confirmed subscriptions, one on each of the parcels with ids 1 to `n`, each its own
/// address (so no address meets the hourly limit).
pub async fn subscribe(database_url: &str, n: i64) -> anyhow::Result<()> {
    let db = sea_orm::Database::connect(database_url).await?;
    let now = chrono::Utc::now();
    let rows: Vec<mail_subscription::ActiveModel> = (1..=n)
        .map(|parcel| mail_subscription::ActiveModel {
            parcel_id: Set(parcel),
            email: Set(format!("customer-{parcel}@bench.example")),
            lang: Set("en".into()),
            token: Set(format!("bench-subscription-{parcel}")),
            state: Set(SubscriptionState::Confirmed),
            cursor: Set(0),
            created_at: Set(now),
            confirmed_at: Set(Some(now)),
            host: Set(None),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        mail_subscription::Entity::insert_many(chunk.to_vec()).exec_without_returning(&db).await?;
    }
    Ok(())
}
