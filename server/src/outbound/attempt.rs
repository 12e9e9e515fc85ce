//! One try at sending an event to an endpoint (its body and signatures made here), and nothing more: a signed POST with a
//! deadline, no redirects followed, the answer read up to a cap (the rest is never read:
//! the connection is dropped). What came back is described, never raised as an error, so
//! the sender can log and schedule it the same way whatever happened.
use super::destination::{check_url, GuardedResolver};
use super::signature::sign;
use crate::entity::webhook_endpoint;
use crate::outbox::{stamp, Payload};
use crate::settings::outbound::OutboundSettings;
use std::time::{Duration, Instant};

/// Bytes of an answer kept in the attempt log.
pub const ANSWER_KEPT_BYTES: usize = 1024;

/// The HTTP client every send uses: the guarded resolver, no redirects, the deadline.
pub fn client(settings: &OutboundSettings) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(std::sync::Arc::new(GuardedResolver { allow_private: settings.allow_private }))
        .connect_timeout(settings.timeout)
        .timeout(settings.timeout)
        .user_agent(concat!("Waybill-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// What is signed and sent.
pub struct Outgoing<'a> {
    pub url: &'a str,
    /// The `webhook-id`: the event's id, the same on every retry.
    pub id: &'a str,
    pub body: &'a [u8],
    /// Current and (while valid) previous secret.
    pub secrets: &'a [&'a str],
}

/// What an attempt gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptResult {
    pub status: Option<u16>,
    pub latency: Duration,
    /// The first KB of the answer, as text.
    pub answer: Option<String>,
    /// Why it did not succeed, when that is not just the status.
    pub error: Option<String>,
}

impl AttemptResult {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// The same without what the receiver said: what is written when that cannot be.
    pub fn without_words(&self) -> Self {
        Self { answer: None, error: None, ..self.clone() }
    }

    fn failed(started: Instant, error: String) -> Self {
        Self { status: None, latency: started.elapsed(), answer: None, error: Some(error) }
    }
}

/// What a delivery sends: an outbox event's payload, or a test send's own.
pub struct Sent<'a> {
    pub payload: &'a Payload,
    /// When it happened (the body's `timestamp`).
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Sends `event` to `endpoint` once, under `event_id`: its Standard Webhooks body, signed
/// with the endpoint's secret and, while it is still valid, the previous one.
pub async fn send_event(
    client: &reqwest::Client,
    settings: &OutboundSettings,
    endpoint: &webhook_endpoint::Model,
    event_id: &str,
    event: Option<Sent<'_>>,
) -> AttemptResult {
    let Some(event) = event else {
        return AttemptResult::failed(Instant::now(), "the event is no longer in the outbox".into());
    };
    let body = body_of(&event);
    let now = chrono::Utc::now();
    let mut secrets = vec![endpoint.secret.as_str()];
    if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_until) {
        if until > now {
            secrets.push(previous);
        }
    }
    let outgoing = Outgoing { url: &endpoint.url, id: event_id, body: body.as_bytes(), secrets: &secrets };
    attempt(client, settings, &outgoing).await
}

/// The Standard Webhooks body of an event: `type`, `timestamp`, `data`.
pub fn body_of(event: &Sent<'_>) -> String {
    serde_json::json!({ "type": event.payload.kind(), "timestamp": stamp(event.at), "data": event.payload.data() }).to_string()
}

/// Sends `outgoing` once.
pub async fn attempt(client: &reqwest::Client, settings: &OutboundSettings, outgoing: &Outgoing<'_>) -> AttemptResult {
    let started = Instant::now();
    // Checked at every send: the allow flag may have been turned off since the endpoint
    // was added, and an address in the URL never reaches the resolver.
    if let Err(refused) = check_url(outgoing.url, settings.allow_private) {
        return AttemptResult::failed(started, refused.to_string());
    }
    let timestamp = chrono::Utc::now().timestamp();
    let mut signatures = Vec::with_capacity(outgoing.secrets.len());
    for secret in outgoing.secrets {
        match sign(secret, outgoing.id, timestamp, outgoing.body) {
            Ok(signature) => signatures.push(signature),
            Err(e) => return AttemptResult::failed(started, e.to_string()),
        }
    }
    let request = client
        .post(outgoing.url)
        .header("content-type", "application/json")
        .header("webhook-id", outgoing.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(outgoing.body.to_vec());
    // The client's own deadline covers the answer's body too; this one also covers a
    // resolver that never returns.
    match tokio::time::timeout(settings.timeout, exchange(request, settings.max_answer_bytes)).await {
        Ok(Ok((status, answer, error))) => AttemptResult { status: Some(status), latency: started.elapsed(), answer: Some(answer), error },
        Ok(Err(e)) => AttemptResult::failed(started, describe(&e)),
        Err(_) => AttemptResult::failed(started, format!("no answer within {} s", settings.timeout.as_secs())),
    }
}

/// Sends and reads the answer up to `cap` bytes; says when it was cut or redirected.
async fn exchange(request: reqwest::RequestBuilder, cap: usize) -> Result<(u16, String, Option<String>), reqwest::Error> {
    let mut response = request.send().await?;
    let status = response.status();
    let mut body: Vec<u8> = Vec::new();
    let mut cut = false;
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk[..chunk.len().min(cap.saturating_sub(body.len()))]);
        if body.len() >= cap {
            cut = true;
            break;
        }
    }
    let error = if status.is_redirection() {
        let to = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("?");
        Some(format!("answered a redirect to {to:?}, which is not followed"))
    } else if cut {
        Some(format!("the answer was longer than {cap} bytes; the rest was not read"))
    } else {
        None
    };
    body.truncate(ANSWER_KEPT_BYTES);
    Ok((status.as_u16(), String::from_utf8_lossy(&body).into_owned(), error))
}

/// A transport error in a line, with its cause (reqwest's own text leaves it out).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_connect() {
        "could not connect".to_string()
    } else {
        "failed".to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
