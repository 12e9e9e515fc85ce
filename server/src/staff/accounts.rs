//! Staff accounts and API keys. Passwords are argon2id hashes, computed on blocking
//! threads with bounded concurrency; API keys are long random strings of which only the
//! SHA-256 is stored.
use crate::entity::{staff_api_key, staff_user};
use app::staff::StaffUser;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Shortest password `create-staff` accepts.
pub const MIN_PASSWORD_LEN: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0:?} is not an email address")]
    InvalidEmail(String),
    #[error("the password is too short: use at least {MIN_PASSWORD_LEN} characters")]
    WeakPassword,
    #[error("no staff account has the email {0:?}")]
    UnknownStaff(String),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// Emails are compared trimmed and lower-cased.
pub fn normalize_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.') && !domain.starts_with('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(AccountError::InvalidEmail(email))
    }
}

/// argon2id (the crate's defaults: 19 MiB, 2 passes) on the blocking pool, at most
/// `concurrency` at a time so that a flood of logins cannot take every core and all memory.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the email is unknown, so both failures take the same time.
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Self {
        let salt = SaltString::generate(&mut OsRng);
        let dummy = Argon2::default().hash_password(b"no account has this password", &salt).map(|h| h.to_string()).unwrap_or_default();
        Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), dummy_hash: Arc::new(dummy) }
    }

    pub async fn hash(&self, password: String) -> Result<String, AccountError> {
        let _permit = self.permits.acquire().await.map_err(|e| AccountError::Hashing(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
        })
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))?
        .map_err(|e| AccountError::Hashing(e.to_string()))
    }

    /// `hash` is `None` for an unknown account: the dummy hash is checked instead.
    pub async fn verify(&self, password: String, hash: Option<String>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else { return false };
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let matched = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .unwrap_or(false);
        known && matched
    }
}

/// Creates the account, or sets a new password when it exists; `true` when created.
pub async fn create_or_reset_staff(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    email: &str,
    password: String,
) -> Result<bool, AccountError> {
    let email = normalize_email(email)?;
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AccountError::WeakPassword);
    }
    let hash = hasher.hash(password).await?;
    let existed = staff_user::Entity::find().filter(staff_user::Column::Email.eq(&email)).one(db).await?.is_some();
    let row =
        staff_user::ActiveModel { email: Set(email), password_hash: Set(hash), created_at: Set(chrono::Utc::now()), ..Default::default() };
    staff_user::Entity::insert(row)
        .on_conflict(OnConflict::column(staff_user::Column::Email).update_column(staff_user::Column::PasswordHash).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(!existed)
}

/// The staff member with this email and password, if both match.
pub async fn authenticate(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    email: &str,
    password: String,
) -> Result<Option<StaffUser>, DbErr> {
    let account = match normalize_email(email) {
        Ok(email) => staff_user::Entity::find().filter(staff_user::Column::Email.eq(email)).one(db).await?,
        Err(_) => None,
    };
    let matched = hasher.verify(password, account.as_ref().map(|a| a.password_hash.clone())).await;
    Ok(account.filter(|_| matched).map(|a| StaffUser { id: a.id, email: a.email }))
}

fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Makes a new API key for the account and returns it; only its hash is stored.
pub async fn create_api_key(db: &DatabaseConnection, email: &str) -> Result<String, AccountError> {
    let email = normalize_email(email)?;
    let account =
        staff_user::Entity::find().filter(staff_user::Column::Email.eq(&email)).one(db).await?.ok_or(AccountError::UnknownStaff(email))?;
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let key = format!("wbk_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret));
    staff_api_key::ActiveModel {
        staff_id: Set(account.id),
        key_hash: Set(key_hash(&key)),
        created_at: Set(chrono::Utc::now()),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(key)
}

/// The staff member an API key belongs to.
pub async fn staff_by_api_key(db: &DatabaseConnection, key: &str) -> Result<Option<StaffUser>, DbErr> {
    if key.len() > 200 {
        return Ok(None);
    }
    let Some(row) = staff_api_key::Entity::find().filter(staff_api_key::Column::KeyHash.eq(key_hash(key))).one(db).await? else {
        return Ok(None);
    };
    let account = staff_user::Entity::find_by_id(row.staff_id).one(db).await?;
    Ok(account.map(|a| StaffUser { id: a.id, email: a.email }))
}

/// The account behind a session, if it still exists.
pub async fn staff_by_id(db: &DatabaseConnection, id: i64) -> Result<Option<StaffUser>, DbErr> {
    Ok(staff_user::Entity::find_by_id(id).one(db).await?.map(|a| StaffUser { id: a.id, email: a.email }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased_and_nonsense_is_refused() {
        assert_eq!(normalize_email("  Ops@Example.COM ").unwrap(), "ops@example.com");
        for bad in ["", "ops", "@example.com", "ops@localhost", "o ps@example.com"] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hasher = PasswordHasher::new(1);
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!hasher.verify("correct horse batter".into(), Some(hash)).await);
        assert!(!hasher.verify("no account has this password".into(), None).await);
    }
}
