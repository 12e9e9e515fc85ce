//! `waybill-tools disk`: bytes on disk per delivery for each carrier, on the embedded
//! default (SQLite). Each carrier's deliveries go through the server's real write path
//! (`Pipeline::ingest`) into a fresh database: first without a dictionary; then a
//! dictionary is trained on those (`train_dictionary`, as `waybill train-dictionaries`
//! does) and as many more are written with it. What the database file grew by (after a
//! checkpoint, free pages left out), divided by the deliveries, is set beside the bodies'
//! own size. The deliveries are the carrier's own stream (`samples.stream` in its adapter
//! file): Uber's are pings of 50 deliveries under way, each 20 s after the last with the
//! courier moved; the others are their fixtures with a new parcel (and time) each.
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use server::carriers::{Adapters, BodyFormat};
use server::domain::{Carrier, Origin};
use server::ingest::{Dictionaries, Pipeline, RawInput};

/// One carrier's figures.
struct Measured {
    carrier: Carrier,
    body_bytes: f64,
    plain: f64,
    with_dictionary: f64,
    dictionary_kept: bool,
}

pub async fn run_disk(deliveries: usize, only: Option<Carrier>, tables: bool) -> anyhow::Result<()> {
    println!("bytes on disk per delivery, SQLite, {deliveries} deliveries per carrier and phase (`waybill-tools disk --deliveries {deliveries}`)");
    println!("{:<12} {:>10} {:>22} {:>26}", "carrier", "body", "on disk, no dictionary", "on disk, with dictionary");
    for carrier in Carrier::ALL.iter().copied().filter(|c| only.is_none_or(|only| only == *c)) {
        let measured = measure(carrier, deliveries, tables).await?;
        let percent = |bytes: f64| 100.0 * bytes / measured.body_bytes;
        println!(
            "{:<12} {:>8.0} B {:>12.0} B ({:>4.0} %) {:>14.0} B ({:>4.0} %){}",
            measured.carrier.as_str(),
            measured.body_bytes,
            measured.plain,
            percent(measured.plain),
            measured.with_dictionary,
            percent(measured.with_dictionary),
            if measured.dictionary_kept { "" } else { "  (dictionary not kept: it saved too little)" }
        );
    }
    Ok(())
}

async fn measure(carrier: Carrier, deliveries: usize, tables: bool) -> anyhow::Result<Measured> {
    let dir = tempfile::tempdir()?;
    let db = server::db::connect(&format!("sqlite://{}/disk.db?mode=rwc", dir.path().display())).await?;
    server::db::migrate(&db).await?;
    let adapters = Adapters::new(chrono::FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
    let start = used_bytes(&db).await?;
    let plain = Pipeline::new(db.clone(), adapters.clone(), Default::default());
    let mut body_bytes = 0usize;
    for n in 0..deliveries {
        let body = body(carrier, n);
        body_bytes += body.len();
        plain.ingest(input(carrier, body)).await?;
    }
    let after_plain = used_bytes(&db).await?;
    let training = server::ingest::train_dictionary(&server::db::Writer::new(&db), carrier).await?;
    let with = Pipeline::with_dictionaries(db.clone(), adapters, Default::default(), Dictionaries::load(&db).await?);
    for n in deliveries..2 * deliveries {
        with.ingest(input(carrier, body(carrier, n))).await?;
    }
    let after_dictionary = used_bytes(&db).await?;
    if tables {
        let sql = "SELECT name, SUM(pgsize) - SUM(unused) FROM dbstat GROUP BY name ORDER BY 2 DESC";
        for row in db.query_all(Statement::from_string(DbBackend::Sqlite, sql)).await? {
            let (name, bytes) = (row.try_get_by_index::<String>(0)?, row.try_get_by_index::<i64>(1)?);
            println!("  {:<40} {:>8.0} B per delivery", name, bytes as f64 / (2 * deliveries) as f64);
        }
    }
    Ok(Measured {
        carrier,
        body_bytes: body_bytes as f64 / deliveries as f64,
        plain: (after_plain - start) as f64 / deliveries as f64,
        with_dictionary: (after_dictionary - after_plain) as f64 / deliveries as f64,
        dictionary_kept: training.kept.is_some(),
    })
}

fn input(carrier: Carrier, body: Vec<u8>) -> RawInput {
    let content_type = match server::carriers::profile(carrier).body {
        BodyFormat::Multipart => "multipart/form-data; boundary=x",
        BodyFormat::Json => "application/json",
    };
    RawInput {
        carrier,
        origin: Origin::Carrier,
        received_at: chrono::Utc::now(),
        headers: serde_json::json!({"content-type": content_type, "user-agent": "carrier-webhooks/1.0"}),
        content_type: Some(content_type.into()),
        body: body.into(),
        pod: None,
    }
}

/// The `n`th delivery of `carrier`'s stream, from day 20,000 of the Unix epoch on.
fn body(carrier: Carrier, n: usize) -> Vec<u8> {
    let start = chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(20_000);
    let mut json = (server::carriers::profile(carrier).samples.stream)(n, start);
    if let Some(object) = json.as_object_mut() {
        object.remove("_comment");
    }
    json.to_string().into_bytes()
}

/// The database's pages in use, once the log is in the file.
async fn used_bytes(db: &DatabaseConnection) -> anyhow::Result<i64> {
    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    let pragma = |name: &'static str| async move {
        let row = db.query_one(Statement::from_string(DbBackend::Sqlite, format!("PRAGMA {name}"))).await?;
        anyhow::Ok(row.and_then(|r| r.try_get_by_index::<i64>(0).ok()).unwrap_or(0))
    };
    Ok((pragma("page_count").await? - pragma("freelist_count").await?) * pragma("page_size").await?)
}
