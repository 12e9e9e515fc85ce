//! `waybill-tools demo`: sample journeys for all five carriers, posted through the real HTTP
//! endpoints and signed the way each carrier signs, so a fresh install has parcels to show.
mod journeys;

use chrono::{DateTime, Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use journeys::DemoPost;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use server::domain::Carrier;
use server::entity::{parcel, share_link};
use server::settings::Settings;

const SIGNATURE_PNG: &[u8] = include_bytes!("../../../server/tests/fixtures/pod-signature.png");

/// Builds one request, authenticated the way its carrier authenticates (its profile).
fn request(client: &reqwest::Client, base: &str, settings: &Settings, post: DemoPost) -> anyhow::Result<reqwest::RequestBuilder> {
    let (carrier, body, form) = match post {
        DemoPost::Depot { form_data, pod } => {
            let mut form = Form::new().text("form_data", form_data.to_string());
            if pod {
                form = form.part("pod_file", Part::bytes(SIGNATURE_PNG).file_name("signature.png").mime_str("image/png")?);
            }
            (Carrier::Depot, Vec::new(), Some(form))
        }
        DemoPost::Json { carrier, body } => (carrier, body.to_string().into_bytes(), None),
    };
    let profile = server::carriers::profile(carrier);
    let credentials = settings.secrets.get(carrier).map(|s| profile.auth.credentials(s.current.expose(), &body)).unwrap_or_default();
    let url = match &credentials.query {
        Some(query) => format!("{base}{}?{query}", profile.paths[0]),
        None => format!("{base}{}", profile.paths[0]),
    };
    let mut request = client.post(url);
    for (name, value) in credentials.headers {
        request = request.header(name, value);
    }
    Ok(match form {
        Some(form) => request.multipart(form),
        None => request.header("content-type", "application/json").body(body),
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
            DemoPost::Json { carrier, .. } => carrier.as_str(),
        };
        bar.set_message(label);
        let response = request(&client, &base, settings, post)?.send().await?;
        if !response.status().is_success() {
            anyhow::bail!("{label}: {} {}", response.status(), response.text().await.unwrap_or_default());
        }
        bar.inc(1);
    }
    bar.finish_with_message("done");

    let db = server::db::connect(settings.database_url.expose()).await?;
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
