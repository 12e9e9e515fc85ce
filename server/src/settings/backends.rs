//! Time limits on the backends: the database's statements and pool, and the object
//! store's calls and retries. A backend that hangs then costs a bounded wait and a `503`.
use super::SettingsError;
use crate::db::DbLimits;
use crate::storage::StorageLimits;
use std::time::Duration;

pub(super) fn db_limits(number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>) -> Result<DbLimits, SettingsError> {
    Ok(DbLimits {
        statement_timeout: Duration::from_secs(number("WAYBILL_DB_STATEMENT_TIMEOUT_SECS", 5)?.max(1)),
        acquire_timeout: Duration::from_secs(number("WAYBILL_DB_ACQUIRE_TIMEOUT_SECS", 5)?.max(1)),
    })
}

pub(super) fn storage_limits(number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>) -> Result<StorageLimits, SettingsError> {
    Ok(StorageLimits {
        timeout: Duration::from_secs(number("WAYBILL_STORAGE_TIMEOUT_SECS", 10)?.max(1)),
        retries: number("WAYBILL_STORAGE_RETRIES", 2)? as usize,
    })
}
