//! `waybill train-dictionaries`: one zstd dictionary per carrier for the archive's bodies
//! (`ingest::train_dictionary`), with what it measured.
use crate::domain::Carrier;
use crate::settings::Settings;

pub async fn train_dictionaries(settings: &Settings) -> anyhow::Result<()> {
    let db = crate::db::connect_with(settings.database_url.expose(), settings.db_limits).await?;
    crate::db::migrate(&db).await?;
    let writer = crate::db::Writer::new(&db);
    for carrier in Carrier::ALL.iter().copied() {
        let training = crate::ingest::train_dictionary(&writer, carrier).await?;
        let verdict = match training.kept {
            Some(id) => format!("kept as dictionary {id}"),
            None if training.measured_bytes == 0 => "too few bodies to train on".to_string(),
            None => format!("not kept (saves under {} %)", crate::ingest::MIN_SAVING_PERCENT),
        };
        println!(
            "{}: {} distinct bodies; held-back {} bytes compress to {} alone, {} with the dictionary: {verdict}",
            carrier.as_str(),
            training.bodies,
            training.measured_bytes,
            training.without_dictionary,
            training.with_dictionary
        );
    }
    println!("servers started from now on compress new bodies with the kept dictionaries");
    Ok(())
}
