//! `waybill-tools env`: what scripts and the browser tests need to know about the carriers,
//! printed from the carrier profiles (`server::carriers::profiles()`, one per adapter file),
//! so that no script or test keeps a list of carriers of its own.
//!
//! Plain, one `VARIABLE=secret` line per carrier: a throw-away secret named after `--label`
//! (`CarrierProfile::demo_secret`), which scripts/e2e.sh and scripts/page-weight.sh export
//! before they start a server (and scripts/run.sh for a carrier its `.env` lacks). With
//! `--json`: every carrier's name, paths, body format, authentication (scheme, headers or
//! query parameter), secret, demo parcels and its next delivery for its last demo parcel,
//! authenticated here as the carrier does it (`Auth::credentials`, the one implementation
//! of each scheme), so the browser tests post it as it is and sign nothing themselves.
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use server::carriers::{profiles, Auth, BodyFormat, CarrierProfile};
use server::domain::TrackingStatus;

/// Prints the lines, or with `json` the description, for secrets named after `label`.
pub fn run_env(label: &str, json: bool) -> anyhow::Result<()> {
    // The label ends up in shell lines and query strings: keep it to what needs no quoting.
    anyhow::ensure!(
        !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "--label takes letters, digits and dashes"
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&describe(label, Utc::now()))?);
    } else {
        for (variable, secret) in secrets(label) {
            println!("{variable}={secret}");
        }
    }
    Ok(())
}

/// Each carrier's secret variable and the throw-away secret `label` gives it.
pub fn secrets(label: &str) -> Vec<(&'static str, String)> {
    profiles().map(|p| (p.secret_variable, p.demo_secret(label))).collect()
}

/// Every carrier, in `Carrier::ALL`'s order, as `--json` prints it; `now` times the next
/// deliveries.
pub fn describe(label: &str, now: DateTime<Utc>) -> Value {
    Value::Array(profiles().map(|p| carrier(p, label, now)).collect())
}

fn carrier(profile: &CarrierProfile, label: &str, now: DateTime<Utc>) -> Value {
    let secret = profile.demo_secret(label);
    let numbers = profile.demo_numbers();
    json!({
        "carrier": profile.carrier.as_str(),
        "name": profile.name,
        "paths": profile.paths,
        "body": body_format(profile.body),
        "auth": auth(profile.auth),
        "secret_variable": profile.secret_variable,
        "secret": secret,
        "demo_numbers": numbers,
        "next": numbers.last().map(|number| next(profile, &secret, number, now)),
    })
}

fn body_format(body: BodyFormat) -> &'static str {
    match body {
        BodyFormat::Json => "json",
        BodyFormat::Multipart => "multipart",
    }
}

/// How the carrier authenticates; a new scheme fails the build here until it is described.
fn auth(auth: Auth) -> Value {
    match auth {
        Auth::Hmac { headers } => json!({"scheme": "hmac-sha256-hex", "headers": headers}),
        Auth::HeaderToken { headers } => json!({"scheme": "header-token", "headers": headers}),
        Auth::QueryToken { parameter } => json!({"scheme": "query-token", "parameter": parameter}),
        Auth::Bearer => json!({"scheme": "bearer", "headers": ["authorization"]}),
    }
}

/// The carrier's next delivery for `number`, ready to post: the path (with the query
/// credential), the headers, the exact body that was signed (a multipart carrier's
/// `form_data` field), and what the page's headline becomes (`null`: it stays as it was,
/// for a status Waybill does not know).
fn next(profile: &CarrierProfile, secret: &str, number: &str, now: DateTime<Utc>) -> Value {
    let body = (profile.samples.next)(number, now).to_string();
    // A multipart carrier's credentials do not cover the body (the depot's bearer token).
    let signed = if profile.body == BodyFormat::Multipart { "" } else { body.as_str() };
    let credentials = profile.auth.credentials(secret, signed.as_bytes());
    let path = match &credentials.query {
        Some(query) => format!("{}?{query}", profile.paths[0]),
        None => profile.paths[0].to_string(),
    };
    let mut headers: Map<String, Value> = credentials.headers.into_iter().map(|(name, value)| (name.to_string(), value.into())).collect();
    if profile.body == BodyFormat::Json {
        headers.insert("content-type".into(), "application/json".into());
    }
    let status = profile.sample_adapter().parse(body.as_bytes(), now).ok().and_then(|d| d.events.last().map(|e| e.status));
    let headline = status.filter(|s| *s != TrackingStatus::Unknown).map(|s| s.label());
    json!({"number": number, "path": path, "headers": headers, "body": body, "status": status.map(|s| s.as_str()), "headline": headline})
}
