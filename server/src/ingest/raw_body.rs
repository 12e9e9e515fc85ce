//! The archive's bodies, stored once and compressed. Each delivery's body is kept in
//! `raw_body` under its carrier and SHA-256, zstd-compressed (with the carrier's trained
//! dictionary when there is one, see `dictionaries`), and the delivery's row names it by
//! that hash. So a carrier that sends the same bytes again (a retry, a repeated ping) costs
//! a row, not a body. Rows archived before this keep their body in `raw_delivery.body`;
//! [`BodyReader`] reads both, checks each body against its hash, and is what the staff
//! viewer, replay and re-processing read through.
use super::dictionaries::{Dictionaries, LEVEL};
use crate::domain::Carrier;
use crate::entity::{raw_body, raw_delivery, raw_dictionary};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Statement};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A body ready for the archive: its hash, and its bytes compressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackedBody {
    pub carrier: Carrier,
    pub sha256: Vec<u8>,
    pub size: i64,
    pub dictionary_id: Option<i64>,
    pub data: Vec<u8>,
}

/// Hashes and compresses `body` with the carrier's dictionary, if it has one.
pub fn pack(dictionaries: &Dictionaries, carrier: Carrier, body: &[u8]) -> PackedBody {
    let sha256 = Sha256::digest(body).to_vec();
    let (dictionary_id, data) = match dictionaries.encoder(carrier) {
        Some((id, dictionary)) => match with_dictionary(dictionary, body) {
            Ok(data) => (Some(id), data),
            Err(_) => (None, compress_plain(body)),
        },
        None => (None, compress_plain(body)),
    };
    PackedBody { carrier, sha256, size: body.len() as i64, dictionary_id, data }
}

/// With the carrier's dictionary, leaving out of the frame what the row records anyway
/// (the dictionary's id and the body's length): a few bytes of every small body.
fn with_dictionary(dictionary: &zstd::dict::EncoderDictionary<'static>, body: &[u8]) -> std::io::Result<Vec<u8>> {
    use zstd::stream::raw::CParameter;
    let mut compressor = zstd::bulk::Compressor::with_prepared_dictionary(dictionary)?;
    compressor.set_parameter(CParameter::DictIdFlag(false))?;
    compressor.set_parameter(CParameter::ContentSizeFlag(false))?;
    compressor.compress(body)
}

/// Without a dictionary; zstd only fails to compress on a bug or out of memory, and then
/// the body is kept as one raw zstd block of itself, which still decompresses.
fn compress_plain(body: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(body, LEVEL).unwrap_or_else(|_| zstd::stream::encode_all(body, 0).unwrap_or_default())
}

/// One statement that stores `bodies`, each (carrier, hash) once; a body already stored
/// is left as it is. `None` when there is nothing to store.
pub fn insert_statement(backend: DbBackend, bodies: &[&PackedBody]) -> Option<Statement> {
    let mut seen = std::collections::HashSet::new();
    let mut insert = Query::insert();
    insert.into_table(raw_body::Entity).columns([
        raw_body::Column::Carrier,
        raw_body::Column::Sha256,
        raw_body::Column::Size,
        raw_body::Column::DictionaryId,
        raw_body::Column::Data,
    ]);
    let mut any = false;
    for body in bodies {
        if !seen.insert((body.carrier, body.sha256.as_slice())) {
            continue;
        }
        any = true;
        insert.values_panic([
            body.carrier.as_str().into(),
            body.sha256.clone().into(),
            body.size.into(),
            body.dictionary_id.into(),
            body.data.clone().into(),
        ]);
    }
    insert.on_conflict(OnConflict::columns([raw_body::Column::Carrier, raw_body::Column::Sha256]).do_nothing().to_owned());
    any.then(|| backend.build(&insert))
}

/// Reads archived bodies, with the dictionaries they need fetched once each.
#[derive(Default)]
pub struct BodyReader {
    decoders: HashMap<i64, Vec<u8>>,
}

impl BodyReader {
    /// The body of `raw`, as it arrived.
    pub async fn body_of(&mut self, db: &impl ConnectionTrait, raw: &raw_delivery::Model) -> Result<Vec<u8>, DbErr> {
        Ok(self.bodies_of(db, std::slice::from_ref(raw)).await?.pop().unwrap_or_default())
    }

    /// The bodies of `raws`, in their order, in one query for the lot.
    pub async fn bodies_of(&mut self, db: &impl ConnectionTrait, raws: &[raw_delivery::Model]) -> Result<Vec<Vec<u8>>, DbErr> {
        let hashes: Vec<Vec<u8>> = raws.iter().filter_map(|r| r.body_sha256.clone()).collect();
        let mut stored: HashMap<(Carrier, Vec<u8>), raw_body::Model> = HashMap::new();
        for chunk in hashes.chunks(500) {
            let rows = raw_body::Entity::find().filter(raw_body::Column::Sha256.is_in(chunk.to_vec())).all(db).await?;
            stored.extend(rows.into_iter().map(|row| ((row.carrier, row.sha256.clone()), row)));
        }
        let mut bodies = Vec::with_capacity(raws.len());
        for raw in raws {
            let Some(hash) = &raw.body_sha256 else {
                bodies.push(raw.body.clone());
                continue;
            };
            let row = stored
                .get(&(raw.carrier, hash.clone()))
                .ok_or_else(|| DbErr::RecordNotFound(format!("the body of raw delivery {} is missing from the archive", raw.id)))?;
            bodies.push(self.unpack(db, raw.id, row).await?);
        }
        Ok(bodies)
    }

    async fn unpack(&mut self, db: &impl ConnectionTrait, raw_id: i64, row: &raw_body::Model) -> Result<Vec<u8>, DbErr> {
        let capacity = usize::try_from(row.size).unwrap_or(0);
        let body = match row.dictionary_id {
            None => zstd::bulk::decompress(&row.data, capacity),
            Some(id) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = self.decoders.entry(id) {
                    let dictionary = raw_dictionary::Entity::find_by_id(id)
                        .one(db)
                        .await?
                        .ok_or_else(|| DbErr::RecordNotFound(format!("compression dictionary {id} is missing")))?;
                    slot.insert(dictionary.data);
                }
                let dictionary = self.decoders.get(&id).map(Vec::as_slice).unwrap_or_default();
                zstd::bulk::Decompressor::with_dictionary(dictionary).and_then(|mut d| d.decompress(&row.data, capacity))
            }
        }
        .map_err(|e| DbErr::Custom(format!("the body of raw delivery {raw_id} cannot be decompressed: {e}")))?;
        if Sha256::digest(&body).as_slice() != row.sha256.as_slice() {
            return Err(DbErr::Custom(format!("the body of raw delivery {raw_id} does not match its SHA-256")));
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_body_is_smaller_and_names_its_hash() {
        let body = br#"{"status":"pickup","courier":{"lat":52.1,"lng":4.3}}"#.repeat(40);
        let packed = pack(&Dictionaries::default(), Carrier::Uber, &body);
        assert_eq!(packed.sha256, Sha256::digest(&body).to_vec());
        assert_eq!(packed.size, body.len() as i64);
        assert!(packed.data.len() * 5 < body.len(), "{} of {} bytes", packed.data.len(), body.len());
        assert_eq!(zstd::bulk::decompress(&packed.data, body.len()).unwrap(), body);
    }

    #[test]
    fn the_same_body_twice_in_one_batch_is_stored_once() {
        let dictionaries = Dictionaries::default();
        let a = pack(&dictionaries, Carrier::Uber, b"{}");
        let b = pack(&dictionaries, Carrier::Uber, b"{}");
        let other_carrier = pack(&dictionaries, Carrier::Peddler, b"{}");
        let statement = insert_statement(DbBackend::Sqlite, &[&a, &b, &other_carrier]).unwrap();
        assert_eq!(statement.values.map(|v| v.0.len()).unwrap_or(0), 10, "two rows of five values: {}", statement.sql);
        assert!(statement.sql.contains("ON CONFLICT"), "{}", statement.sql);
        assert!(insert_statement(DbBackend::Sqlite, &[]).is_none());
    }
}
