//! `waybill-tools demo`: every carrier's sample journey (its profile's `samples.journey`, in
//! its adapter file), posted through the server's real webhook endpoints and authenticated
//! the way its profile says the carrier does, so a fresh install has parcels to show; then
//! the links of the parcels those journeys made (their numbers found by each carrier's own
//! adapter, `CarrierProfile::demo_numbers`).
use chrono::{DateTime, Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use server::carriers::{profiles, BodyFormat, CarrierProfile, SamplePost};
use server::entity::{parcel, share_link};
use server::settings::Settings;

const SIGNATURE_PNG: &[u8] = include_bytes!("../../server/tests/fixtures/pod-signature.png");

/// Builds one request, authenticated with the configured secret the way the carrier
/// authenticates (its profile).
fn request(
    client: &reqwest::Client,
    base: &str,
    settings: &Settings,
    profile: &CarrierProfile,
    post: &SamplePost,
) -> anyhow::Result<reqwest::RequestBuilder> {
    let body = post.body.to_string().into_bytes();
    // A multipart carrier's credentials do not cover the body (the depot's bearer token).
    let signed: &[u8] = if profile.body == BodyFormat::Multipart { &[] } else { &body };
    let credentials =
        settings.secrets.get(profile.carrier).map(|s| profile.auth.credentials(s.current.expose(), signed)).unwrap_or_default();
    let url = match &credentials.query {
        Some(query) => format!("{base}{}?{query}", profile.paths[0]),
        None => format!("{base}{}", profile.paths[0]),
    };
    let mut request = client.post(url);
    for (name, value) in credentials.headers {
        request = request.header(name, value);
    }
    Ok(match profile.body {
        BodyFormat::Multipart => {
            let mut form = Form::new().text("form_data", post.body.to_string());
            if post.pod {
                form = form.part("pod_file", Part::bytes(SIGNATURE_PNG).file_name("signature.png").mime_str("image/png")?);
            }
            request.multipart(form)
        }
        BodyFormat::Json => request.header("content-type", "application/json").body(body),
    })
}

/// Posts every carrier's journey to the server at `base`, and returns the tracking numbers
/// they made, carrier by carrier.
pub async fn post_journeys(settings: &Settings, base: &str) -> anyhow::Result<Vec<String>> {
    // Anchored to yesterday, 06:00 UTC: running the demo twice on one day sends the very
    // same deliveries, which Waybill answers as duplicates.
    let start: DateTime<Utc> = (Utc::now() - Duration::days(1)).date_naive().and_hms_opt(6, 0, 0).unwrap_or_default().and_utc();
    let journeys: Vec<(&CarrierProfile, Vec<SamplePost>)> = profiles().map(|p| (p, (p.samples.journey)(start))).collect();
    let client = reqwest::Client::new();
    let bar = ProgressBar::new(journeys.iter().map(|(_, posts)| posts.len() as u64).sum());
    bar.set_style(ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len}")?.progress_chars("=> "));
    let mut numbers = Vec::new();
    for (profile, posts) in journeys {
        let label = profile.carrier.as_str();
        bar.set_message(label);
        for post in &posts {
            let response = request(&client, base, settings, profile, post)?.send().await?;
            if !response.status().is_success() {
                anyhow::bail!("{label}: {} {}", response.status(), response.text().await.unwrap_or_default());
            }
            bar.inc(1);
        }
        numbers.extend(profile.demo_numbers());
    }
    bar.finish_with_message("done");
    Ok(numbers)
}

/// Posts the sample journeys and prints (and optionally writes) their links.
pub async fn run_demo(settings: &Settings, url: Option<String>, links_out: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let base = url.unwrap_or_else(|| settings.public_url.clone()).trim_end_matches('/').to_string();
    let numbers = post_journeys(settings, &base).await?;

    let db = server::db::connect(settings.database_url.expose()).await?;
    let mut links = serde_json::Map::new();
    for number in &numbers {
        let Some(parcel) = parcel::Entity::find().filter(parcel::Column::TrackingNumber.eq(number.as_str())).one(&db).await? else {
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
