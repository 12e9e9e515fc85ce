//! Staff accounts. Passwords are argon2id hashes, computed on blocking threads with bounded
//! concurrency; setting one again ends the account's sessions. API keys are in `api_keys`.
use crate::entity::staff_user;
use app::staff::StaffUser;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::Argon2;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};
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
    writer: &crate::db::Writer,
    hasher: &PasswordHasher,
    email: &str,
    password: String,
) -> Result<bool, AccountError> {
    let email = normalize_email(email)?;
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AccountError::WeakPassword);
    }
    let hash = hasher.hash(password).await?;
    let txn = writer.begin().await?;
    let existed = staff_user::Entity::find().filter(staff_user::Column::Email.eq(&email)).one(&txn).await?.is_some();
    let now = chrono::Utc::now();
    let row = staff_user::ActiveModel {
        email: Set(email),
        password_hash: Set(hash),
        created_at: Set(now),
        password_changed_at: Set(Some(now)),
        ..Default::default()
    };
    // A new password ends every session of the account that began before it.
    let update = [staff_user::Column::PasswordHash, staff_user::Column::PasswordChangedAt];
    staff_user::Entity::insert(row)
        .on_conflict(OnConflict::column(staff_user::Column::Email).update_columns(update).to_owned())
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
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

/// The account behind a session that began at `signed_in_at`, if it still exists and its
/// password has not been set again since.
pub async fn staff_by_session(
    db: &DatabaseConnection,
    id: i64,
    signed_in_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Option<StaffUser>, DbErr> {
    let Some(account) = staff_user::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let ended = match (account.password_changed_at, signed_in_at) {
        (Some(changed), Some(began)) => changed > began,
        // A session from before sign-in times were kept ends at the first password change.
        (Some(_), None) => true,
        (None, _) => false,
    };
    Ok((!ended).then_some(StaffUser { id: account.id, email: account.email }))
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
