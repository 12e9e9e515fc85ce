//! `waybill demo`: sample journeys for all five carriers, posted through the real HTTP
//! endpoints and signed the way each carrier signs, so a fresh install has parcels to show.
mod journeys;

use crate::entity::{parcel, share_link};
use crate::settings::{CarrierSecret, Settings};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use indicatif::{ProgressBar, ProgressStyle};
use journeys::DemoPost;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const SIGNATURE_PNG: &[u8] = include_bytes!("../../../tests/fixtures/pod-signature.png");

fn hmac_hex(secret: &CarrierSecret, body: &[u8]) -> anyhow::Result<String> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.current.expose().as_bytes())?;
    mac.update(body);
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// Builds one signed request.
fn request(client: &reqwest::Client, base: &str, settings: &Settings, post: DemoPost) -> anyhow::Result<reqwest::RequestBuilder> {
    let secrets = &settings.secrets;
    Ok(match post {
        DemoPost::Depot { form_data, pod } => {
            let mut form = Form::new().text("form_data", form_data.to_string());
            if pod {
                form = form.part("pod_file", Part::bytes(SIGNATURE_PNG).file_name("signature.png").mime_str("image/png")?);
            }
            let mut request = client.post(format!("{base}/webhooks/depot")).multipart(form);
            if let Some(token) = &secrets.depot {
                request = request.bearer_auth(token.current.expose());
            }
            request
        }
        DemoPost::Json { carrier, body } => {
            let body = body.to_string();
            let mut request = match (carrier, &secrets.keydelivery) {
                ("keydelivery", Some(token)) => {
                    let token: String = url::form_urlencoded::byte_serialize(token.current.expose().as_bytes()).collect();
                    client.post(format!("{base}/webhooks/keydelivery?token={token}"))
                }
                _ => client.post(format!("{base}/webhooks/{carrier}")),
            };
            request = match carrier {
                "deliverect" => match &secrets.deliverect {
                    Some(key) => request.header("x-server-authorization-hmac-sha256", hmac_hex(key, body.as_bytes())?),
                    None => request,
                },
                "uber" => match &secrets.uber {
                    Some(key) => request.header("x-uber-signature", hmac_hex(key, body.as_bytes())?),
                    None => request,
                },
                "peddler" => match &secrets.peddler {
                    Some(token) => request.header("x-webhook-shared-token", token.current.expose()),
                    None => request,
                },
                _ => request,
            };
            request.header("content-type", "application/json").body(body)
        }
    })
}

/// Posts the sample journeys and prints (and optionally writes) their links.
pub async fn run_demo(settings: &Settings, url: Option<String>, links_out: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let base = url.unwrap_or_else(|| settings.public_url.clone()).trim_end_matches('/').to_string();
    // Anchored to yesterday, 06:00 UTC: running the demo twice on one day sends the very
    // same deliveries, which Waybill answers as duplicates.
    let start: DateTime<Utc> = (Utc::now() - Duration::days(1)).date_naive().and_hms_opt(6, 0, 0).unwrap_or_default().and_utc();
    let posts = journeys::all(start);
    let client = reqwest::Client::new();
    let bar = ProgressBar::new(posts.len() as u64);
    bar.set_style(ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len}")?.progress_chars("=> "));
    for post in posts {
        let label = match &post {
            DemoPost::Depot { .. } => "depot",
            DemoPost::Json { carrier, .. } => carrier,
        };
        bar.set_message(label);
        let response = request(&client, &base, settings, post)?.send().await?;
        if !response.status().is_success() {
            anyhow::bail!("{label}: {} {}", response.status(), response.text().await.unwrap_or_default());
        }
        bar.inc(1);
    }
    bar.finish_with_message("done");

    let db = crate::db::connect(settings.database_url.expose()).await?;
    let mut links = serde_json::Map::new();
    for number in journeys::NUMBERS {
        let Some(parcel) = parcel::Entity::find().filter(parcel::Column::TrackingNumber.eq(number)).one(&db).await? else {
            continue;
        };
        if let Some(link) = share_link::Entity::find()
            .filter(share_link::Column::ParcelId.eq(parcel.id))
            .filter(share_link::Column::RevokedAt.is_null())
            .one(&db)
            .await?
        {
            println!("{:<11} {number}: {base}/track/{number}  (private link: {base}/t/{})", parcel.carrier, link.token);
            links.insert(
                number.to_string(),
                json!({"carrier": parcel.carrier, "public": format!("/track/{number}"), "share": format!("/t/{}", link.token)}),
            );
        }
    }
    if let Some(path) = links_out {
        std::fs::write(&path, serde_json::to_string_pretty(&links)?)?;
    }
    Ok(())
}
