//! Staff API keys for `Authorization: Bearer`: long random strings of which only the SHA-256
//! and the first characters (to tell keys apart in a list) are stored. Keys can be listed and
//! revoked (the back office's `/staff/api-keys`, `waybill list-api-keys` and
//! `revoke-api-key`); each use records when, at most once a minute per key.
use super::accounts::{normalize_email, AccountError};
use crate::audit::{record, AuditAction};
use crate::db::Writer;
use crate::entity::{staff_api_key, staff_user};
use app::staff::{ApiKeyRow, StaffUser};
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Characters of a key kept to tell it apart: `wbk_` and eight of its random ones.
const PREFIX_CHARS: usize = 12;

/// `last_used_at` is written when older than this, so a busy script does not turn every
/// request into a write.
const LAST_USED_RESOLUTION: Duration = Duration::seconds(60);

fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Makes a new API key for the account and returns it; only its hash and prefix are stored.
pub async fn create_api_key(writer: &Writer, email: &str) -> Result<String, AccountError> {
    let email = normalize_email(email)?;
    let txn = writer.begin().await?;
    let account = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .ok_or(AccountError::UnknownStaff(email))?;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = format!("wbk_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret));
    staff_api_key::ActiveModel {
        staff_id: Set(account.id),
        key_hash: Set(key_hash(&key)),
        key_prefix: Set(Some(key.chars().take(PREFIX_CHARS).collect())),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(key)
}

/// The staff member an API key belongs to; notes the use (through the door).
pub async fn staff_by_api_key(writer: &Writer, key: &str) -> Result<Option<StaffUser>, DbErr> {
    let db = writer.db();
    if key.len() > 200 {
        return Ok(None);
    }
    let Some(row) = staff_api_key::Entity::find().filter(staff_api_key::Column::KeyHash.eq(key_hash(key))).one(db).await? else {
        return Ok(None);
    };
    let Some(account) = staff_user::Entity::find_by_id(row.staff_id).one(db).await? else { return Ok(None) };
    let now = Utc::now();
    if row.last_used_at.is_none_or(|last| now - last >= LAST_USED_RESOLUTION) {
        let mut used: staff_api_key::ActiveModel = row.into();
        used.last_used_at = Set(Some(now));
        // Noted in the background: a request waits for no write turn (under ingest load
        // that could outlast its deadline), and a note that fails is only a note.
        let writer = writer.clone();
        tokio::spawn(async move {
            let noted = async {
                let txn = writer.begin().await?;
                used.update(&txn).await?;
                txn.commit().await
            };
            if let Err(error) = noted.await {
                tracing::warn!(%error, "an API key's last use could not be noted");
            }
        });
    }
    Ok(Some(StaffUser { id: account.id, email: account.email }))
}

/// Every key, newest first, with its owner.
pub async fn list_api_keys(db: &DatabaseConnection) -> Result<Vec<ApiKeyRow>, DbErr> {
    let owners: HashMap<i64, String> = staff_user::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.email)).collect();
    let keys = staff_api_key::Entity::find().order_by_desc(staff_api_key::Column::Id).all(db).await?;
    Ok(keys
        .into_iter()
        .map(|k| ApiKeyRow {
            id: k.id,
            owner: owners.get(&k.staff_id).cloned().unwrap_or_default(),
            prefix: k.key_prefix,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
        })
        .collect())
}

/// Revokes the key with this id and records who did, together; `false` when there is none.
pub async fn revoke_api_key(writer: &Writer, id: i64, actor: &str) -> Result<bool, DbErr> {
    let txn = writer.begin().await?;
    let revoked = staff_api_key::Entity::delete_by_id(id).exec(&txn).await?.rows_affected > 0;
    if revoked {
        record(&txn, actor, AuditAction::RevokeApiKey, &format!("API key #{id}"), None).await?;
    }
    txn.commit().await?;
    Ok(revoked)
}
