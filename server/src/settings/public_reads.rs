//! How public pages, JSON and assets are cached: in this process (`page_cache`), and by
//! browsers, proxies and CDNs (`Cache-Control`).
use super::SettingsError;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicReads {
    /// Most bytes of cached bodies this process keeps (`WAYBILL_PAGE_CACHE_BYTES`; `0`: no
    /// cache).
    pub cache_bytes: u64,
    /// Longest a cached body is served (`WAYBILL_PAGE_CACHE_TTL_SECS`): what a page says
    /// about time ("late", "no news for 8 days") is judged at most this long ago. Changes
    /// replace it at once.
    pub cache_ttl: Duration,
    /// `max-age` of the public page and JSON (`WAYBILL_PUBLIC_MAX_AGE_SECS`).
    pub max_age: Duration,
    /// `stale-while-revalidate` of the same (`WAYBILL_PUBLIC_STALE_SECS`).
    pub stale_while_revalidate: Duration,
}

impl PublicReads {
    /// The `Cache-Control` of the public page and JSON.
    pub fn cache_control(&self) -> String {
        format!("public, max-age={}, stale-while-revalidate={}", self.max_age.as_secs(), self.stale_while_revalidate.as_secs())
    }
}

pub(super) fn public_reads(number: &dyn Fn(&'static str, u64) -> Result<u64, SettingsError>) -> Result<PublicReads, SettingsError> {
    Ok(PublicReads {
        cache_bytes: number("WAYBILL_PAGE_CACHE_BYTES", 64 * 1024 * 1024)?,
        cache_ttl: Duration::from_secs(number("WAYBILL_PAGE_CACHE_TTL_SECS", 60)?.max(1)),
        max_age: Duration::from_secs(number("WAYBILL_PUBLIC_MAX_AGE_SECS", 30)?),
        stale_while_revalidate: Duration::from_secs(number("WAYBILL_PUBLIC_STALE_SECS", 60)?),
    })
}

/// The file cargo-leptos writes beside the server binary when it hashes the assets' names;
/// leptos reads it there to name them in every page.
pub const HASH_FILE: &str = "hash.txt";

/// `LEPTOS_HASH_FILES` (as cargo-leptos sets it), or else whether the hash file is there.
pub(super) fn hash_files(value: Option<&str>) -> Result<bool, SettingsError> {
    let beside_binary =
        || std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE))).is_some_and(|file| file.is_file());
    match value.map(str::trim) {
        None => Ok(beside_binary()),
        Some("true") if !beside_binary() => Err(SettingsError {
            name: "LEPTOS_HASH_FILES",
            reason: format!("is true, but there is no {HASH_FILE} beside the binary (copy it from where cargo-leptos built it)"),
        }),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(SettingsError { name: "LEPTOS_HASH_FILES", reason: format!("{other:?} is not true or false") }),
    }
}
