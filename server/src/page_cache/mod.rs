//! Rendered public bodies (the tracking page and the tracking JSON), kept compressed in
//! memory per (surface, path, language, brand, encoding), so that a customer's reload costs
//! a lookup instead of a render. Bounded by `WAYBILL_PAGE_CACHE_BYTES` (moka weighs each
//! entry by its size) and by `WAYBILL_PAGE_CACHE_TTL_SECS`.
//!
//! A body is stored with the [`Stamp`] its lookup key had *before* it was rendered, and
//! served only while that stamp is current (`changes::ParcelChanges`). A commit on this
//! instance moves the stamp before the delivery is answered, and one on another instance
//! as soon as its notification arrives; so nothing older than this instance's last commit
//! is ever served, and a render that raced a commit is simply not served again.
mod prepare;

pub use prepare::{compress, prepare, Prepared};

use crate::changes::{ParcelChanges, Stamp};
use crate::settings::public_reads::PublicReads;
use axum::http::{HeaderMap, HeaderValue};
use bytes::Bytes;
use std::sync::Arc;

/// Which public surface a body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Surface {
    /// `/track/{n}`, HTML.
    Page,
    /// `/api/v1/track/{n}`.
    Json,
}

/// A content coding a client accepts, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best coding `Accept-Encoding` allows: brotli, then gzip, then none.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let accepted = |coding: &str| {
            headers.get_all(axum::http::header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
                |item| {
                    let mut parts = item.split(';').map(str::trim);
                    let name = parts.next().unwrap_or_default();
                    let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
                    name.eq_ignore_ascii_case(coding) && !refused
                },
            )
        };
        if accepted("br") {
            Self::Brotli
        } else if accepted("gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Self::Brotli => Some("br"),
            Self::Gzip => Some("gzip"),
            Self::Identity => None,
        }
    }
}

/// What a cached body is filed under. `variant` holds what else the body depends on: the
/// language, the brand's host and the page's `?all=1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub surface: Surface,
    /// The tracking number as lookups compare it: the key its stamp is read for.
    pub lookup_key: String,
    pub variant: String,
    pub encoding: Encoding,
}

/// One cached body, encoded as its key says.
#[derive(Debug)]
pub struct CachedBody {
    pub stamp: Stamp,
    /// The headers the body is served with (type, policy, language), without caching ones.
    pub headers: HeaderMap,
    /// A weak validator of the body's content (the same for every encoding).
    pub etag: String,
    pub body: Bytes,
}

/// Bytes an entry costs beyond its body: key, headers, moka's own bookkeeping.
const ENTRY_OVERHEAD: usize = 512;

#[derive(Clone)]
pub struct PageCache {
    entries: Option<moka::sync::Cache<CacheKey, Arc<CachedBody>>>,
    changes: ParcelChanges,
    cache_control: HeaderValue,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("bytes", &self.weighted_size()).finish_non_exhaustive()
    }
}

impl PageCache {
    pub fn new(settings: &PublicReads, changes: ParcelChanges) -> Self {
        let entries = (settings.cache_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(settings.cache_bytes)
                .weigher(|key: &CacheKey, body: &Arc<CachedBody>| {
                    u32::try_from(body.body.len() + key.lookup_key.len() + key.variant.len() + ENTRY_OVERHEAD).unwrap_or(u32::MAX)
                })
                .time_to_live(settings.cache_ttl)
                .build()
        });
        let cache_control = HeaderValue::from_str(&settings.cache_control()).unwrap_or(HeaderValue::from_static("no-cache"));
        Self { entries, changes, cache_control }
    }

    /// The `Cache-Control` public bodies are served with (`WAYBILL_PUBLIC_MAX_AGE_SECS`,
    /// `WAYBILL_PUBLIC_STALE_SECS`).
    pub fn cache_control(&self) -> &HeaderValue {
        &self.cache_control
    }

    /// Where `lookup_key` stands now, to store a body rendered from here on; `None` when
    /// nothing may be stored (no cache, or this instance may be missing changes).
    pub fn stamp(&self, lookup_key: &str) -> Option<Stamp> {
        self.entries.as_ref()?;
        self.changes.stamp(lookup_key)
    }

    /// The cached body for `key`, if it is still current.
    pub fn get(&self, key: &CacheKey) -> Option<Arc<CachedBody>> {
        let entries = self.entries.as_ref()?;
        let body = entries.get(key)?;
        if self.changes.is_current(&key.lookup_key, body.stamp) {
            return Some(body);
        }
        entries.invalidate(key);
        None
    }

    pub fn insert(&self, key: CacheKey, body: Arc<CachedBody>) {
        if let Some(entries) = &self.entries {
            entries.insert(key, body);
        }
    }

    /// Bytes held now, as the weigher counts them (after moka's pending work).
    pub fn weighted_size(&self) -> u64 {
        self.entries.as_ref().map_or(0, |entries| {
            entries.run_pending_tasks();
            entries.weighted_size()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::ParcelChange;
    use std::time::Duration;

    fn settings(bytes: u64) -> PublicReads {
        PublicReads {
            cache_bytes: bytes,
            cache_ttl: Duration::from_secs(60),
            max_age: Duration::from_secs(30),
            stale_while_revalidate: Duration::from_secs(60),
        }
    }

    fn key(n: usize) -> CacheKey {
        CacheKey { surface: Surface::Page, lookup_key: format!("N{n}"), variant: "en".into(), encoding: Encoding::Brotli }
    }

    fn body(cache: &PageCache, n: usize, bytes: usize) -> Arc<CachedBody> {
        let stamp = cache.stamp(&format!("N{n}")).unwrap();
        Arc::new(CachedBody { stamp, headers: HeaderMap::new(), etag: "W/\"x\"".into(), body: Bytes::from(vec![b'x'; bytes]) })
    }

    #[test]
    fn the_cache_never_holds_more_bytes_than_its_bound() {
        let bound = 1024 * 1024;
        let cache = PageCache::new(&settings(bound), ParcelChanges::new());
        for n in 0..2000 {
            cache.insert(key(n), body(&cache, n, 10_000));
            if n % 100 == 0 {
                assert!(cache.weighted_size() <= bound, "{} bytes after {n} entries", cache.weighted_size());
            }
        }
        let held = cache.weighted_size();
        assert!(held <= bound && held > bound / 2, "{held} bytes held, bound {bound}");
    }

    #[test]
    fn a_body_is_served_until_its_parcel_changes_publicly() {
        let changes = ParcelChanges::new();
        let cache = PageCache::new(&settings(1 << 20), changes.clone());
        cache.insert(key(1), body(&cache, 1, 100));
        assert!(cache.get(&key(1)).is_some());
        changes.publish(&[ParcelChange { parcel_id: 7, keys: vec!["N1".into()], public: false }]);
        assert!(cache.get(&key(1)).is_some(), "only the courier moved");
        changes.publish(&[ParcelChange { parcel_id: 7, keys: vec!["N1".into()], public: true }]);
        assert!(cache.get(&key(1)).is_none());
    }

    #[test]
    fn brotli_is_preferred_and_a_refused_coding_is_not_used() {
        let headers = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(axum::http::header::ACCEPT_ENCODING, value.parse().unwrap());
            h
        };
        assert_eq!(Encoding::negotiate(&headers("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(Encoding::negotiate(&headers("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(&headers("identity")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Encoding::Identity);
    }
}
