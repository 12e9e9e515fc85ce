//! `waybill train-dictionaries`: a zstd dictionary for one carrier, trained on its newest
//! archived bodies and measured on bodies it was not trained on (every tenth is held back).
//! It is kept only if it saves at least [`MIN_SAVING_PERCENT`] against compressing each
//! body alone; servers started after that compress the carrier's new bodies with it.
use super::dictionaries::LEVEL;
use super::raw_body::BodyReader;
use crate::domain::Carrier;
use crate::entity::{raw_delivery, raw_dictionary};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// A trained dictionary's size.
const DICTIONARY_BYTES: usize = 16 * 1024;
/// Bodies trained on, newest first; a tenth more are held back to measure on.
const TRAINING_BODIES: u64 = 2_000;
/// Fewer bodies than this are too few to train on.
const MIN_BODIES: usize = 100;
/// A dictionary that saves less than this, against compressing without one, is not kept.
pub const MIN_SAVING_PERCENT: u64 = 10;

/// What training did for one carrier.
#[derive(Debug, PartialEq, Eq)]
pub struct Training {
    pub carrier: Carrier,
    pub bodies: usize,
    /// Bytes of the held-back bodies: as they are, compressed alone, and with the dictionary.
    pub measured_bytes: u64,
    pub without_dictionary: u64,
    pub with_dictionary: u64,
    /// The new dictionary's id, when it was kept.
    pub kept: Option<i64>,
}

/// Trains a dictionary for `carrier` from its newest archived bodies and keeps it if it
/// saves enough on the held-back ones.
pub async fn train_dictionary(writer: &crate::db::Writer, carrier: Carrier) -> Result<Training, DbErr> {
    let db = writer.db();
    let raws = raw_delivery::Entity::find()
        .filter(raw_delivery::Column::Carrier.eq(carrier))
        .order_by_desc(raw_delivery::Column::Id)
        .limit(TRAINING_BODIES + TRAINING_BODIES / 10)
        .all(db)
        .await?;
    let mut bodies = BodyReader::default().bodies_of(db, &raws).await?;
    bodies.sort();
    bodies.dedup();
    let mut training = Training { carrier, bodies: bodies.len(), measured_bytes: 0, without_dictionary: 0, with_dictionary: 0, kept: None };
    if bodies.len() < MIN_BODIES {
        return Ok(training);
    }
    // Every tenth body is held back, so the dictionary is judged on bodies it has not seen.
    let (held, trained): (Vec<_>, Vec<_>) = bodies.into_iter().enumerate().partition(|(i, _)| i % 10 == 0);
    let trained: Vec<Vec<u8>> = trained.into_iter().map(|(_, b)| b).collect();
    let held: Vec<Vec<u8>> = held.into_iter().map(|(_, b)| b).collect();
    let dictionary = zstd::dict::from_samples(&trained, DICTIONARY_BYTES).map_err(|e| DbErr::Custom(format!("training failed: {e}")))?;
    let mut with = zstd::bulk::Compressor::with_dictionary(LEVEL, &dictionary).map_err(|e| DbErr::Custom(e.to_string()))?;
    for body in &held {
        training.measured_bytes += body.len() as u64;
        training.without_dictionary += zstd::bulk::compress(body, LEVEL).map(|c| c.len() as u64).unwrap_or(body.len() as u64);
        training.with_dictionary += with.compress(body).map(|c| c.len() as u64).unwrap_or(body.len() as u64);
    }
    if training.with_dictionary * 100 <= training.without_dictionary * (100 - MIN_SAVING_PERCENT) {
        let row = raw_dictionary::ActiveModel {
            carrier: Set(carrier),
            data: Set(dictionary),
            trained_on: Set(trained.len() as i64),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let txn = writer.begin().await?;
        training.kept = Some(row.insert(&txn).await?.id);
        txn.commit().await?;
    }
    Ok(training)
}
