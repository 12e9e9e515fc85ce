//! The object store that holds POD files, chosen by `WAYBILL_STORAGE_URL`: local files
//! (default), `memory://`, or S3 with the standard `AWS_*` variables. S3 calls have a
//! bounded time and a bounded number of retries (`StorageLimits`), so that a store that
//! accepts connections and never answers costs a request seconds and a `503`, not minutes.
mod clean_copy;
mod derived;
mod health;
pub(crate) mod sniff;
mod sweep;
mod upload;

pub use derived::{served_copy, DerivedError, Variant};
pub use health::StorageHealth;
pub use sniff::{sniff, SniffedType};
pub use sweep::{sweep, SweepError, SweepSummary};
pub use upload::{sanitize_file_name, store_pod_stream, PodUploadError, StoredPod};

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig};
use std::sync::Arc;
use std::time::Duration;

/// Time limits of the object store's calls (`WAYBILL_STORAGE_TIMEOUT_SECS`,
/// `WAYBILL_STORAGE_RETRIES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageLimits {
    /// Longest one call (connect included) may take.
    pub timeout: Duration,
    /// Retries of a call that failed in a way a retry may cure.
    pub retries: usize,
}

impl Default for StorageLimits {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(10), retries: 2 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageConfigError {
    #[error("WAYBILL_STORAGE_URL {0:?}: expected file://PATH, memory:// or s3://BUCKET/PREFIX")]
    Scheme(String),
    #[error("WAYBILL_STORAGE_URL: cannot use directory {path}: {source}")]
    Directory { path: String, source: std::io::Error },
    #[error("WAYBILL_STORAGE_URL: {0}")]
    Store(#[from] object_store::Error),
}

/// The POD object store, cheap to clone.
#[derive(Clone, Debug)]
pub struct PodStore {
    inner: Arc<dyn ObjectStore>,
}

impl PodStore {
    /// [`Self::open_with`] the default limits.
    pub fn open(url: &str, aws: &[(String, String)]) -> Result<Self, StorageConfigError> {
        Self::open_with(url, aws, StorageLimits::default())
    }

    /// Opens the store a storage URL names; `aws` are the `AWS_*` settings for S3.
    pub fn open_with(url: &str, aws: &[(String, String)], limits: StorageLimits) -> Result<Self, StorageConfigError> {
        let inner: Arc<dyn ObjectStore> = if let Some(path) = url.strip_prefix("file://") {
            // `file://data/pod` is relative to the working directory, `file:///srv/pod` absolute.
            let dir = std::path::Path::new(if path.is_empty() { "." } else { path });
            std::fs::create_dir_all(dir).map_err(|source| StorageConfigError::Directory { path: dir.display().to_string(), source })?;
            let dir = dir.canonicalize().map_err(|source| StorageConfigError::Directory { path: dir.display().to_string(), source })?;
            Arc::new(LocalFileSystem::new_with_prefix(dir)?)
        } else if url.starts_with("memory://") {
            Arc::new(InMemory::new())
        } else if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let retry = RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: limits.retries,
                // All tries of one call together stay within this.
                retry_timeout: limits.timeout * (limits.retries as u32 + 1),
            };
            let client = ClientOptions::new().with_timeout(limits.timeout).with_connect_timeout(limits.timeout);
            let mut builder = AmazonS3Builder::new().with_bucket_name(bucket).with_client_options(client).with_retry(retry);
            for (key, value) in aws {
                if let Ok(key) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                    builder = builder.with_config(key, value);
                }
            }
            let s3 = builder.build()?;
            let prefix = prefix.trim_matches('/');
            if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(PrefixStore::new(s3, prefix))
            }
        } else {
            return Err(StorageConfigError::Scheme(url.to_string()));
        };
        Ok(Self { inner })
    }

    pub fn inner(&self) -> &Arc<dyn ObjectStore> {
        &self.inner
    }

    pub async fn get(&self, key: &str) -> Result<object_store::GetResult, object_store::Error> {
        self.inner.get(&Path::from(key)).await
    }
}
