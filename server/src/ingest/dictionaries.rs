//! Per-carrier zstd dictionaries for the archive's bodies (`raw_body`). One carrier's
//! webhooks repeat the same field names and much of the same text, which a dictionary
//! trained on its own archived bodies lets zstd leave out of every body.
//! `waybill train-dictionaries` (`train_dictionary`) trains one per carrier from the newest bodies, measures it
//! on bodies it was not trained on, and keeps it only if it saves at least
//! [`MIN_SAVING_PERCENT`]; a server loads the newest of each carrier at start. Old bodies
//! keep naming the dictionary they were compressed with, so none is ever deleted.
use crate::domain::Carrier;
use crate::entity::raw_dictionary;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};
use std::collections::HashMap;
use std::sync::Arc;
use zstd::dict::EncoderDictionary;

/// The compression level bodies are packed at (see `raw_body`).
/// Fast, and with a dictionary nearly as small as zstd's slow levels.
pub const LEVEL: i32 = 3;

/// The newest dictionary of each carrier, for compressing.
#[derive(Clone, Default)]
pub struct Dictionaries {
    by_carrier: Arc<HashMap<Carrier, (i64, EncoderDictionary<'static>)>>,
}

impl std::fmt::Debug for Dictionaries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.by_carrier.iter().map(|(c, (id, _))| (c, id))).finish()
    }
}

impl Dictionaries {
    /// The newest dictionary of each carrier that has one.
    pub async fn load(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let mut by_carrier = HashMap::new();
        for row in raw_dictionary::Entity::find().order_by_asc(raw_dictionary::Column::Id).all(db).await? {
            by_carrier.insert(row.carrier, (row.id, EncoderDictionary::copy(&row.data, LEVEL)));
        }
        Ok(Self { by_carrier: Arc::new(by_carrier) })
    }

    pub fn encoder(&self, carrier: Carrier) -> Option<(i64, &EncoderDictionary<'static>)> {
        self.by_carrier.get(&carrier).map(|(id, dictionary)| (*id, dictionary))
    }
}
