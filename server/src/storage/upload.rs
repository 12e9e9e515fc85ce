//! Streams one uploaded file into the object store: sniffed from its first bytes, hashed
//! and counted on the way, never held whole in memory, and aborted past the size limit.
//! The file is written under an upload key first and then moved to its content address
//! (`pod/sha256/…`, from its SHA-256), so the same file sent again (a carrier's retry, a
//! re-sent POD) is one object, and `waybill sweep` can remove what no row refers to.
use super::{sniff, PodStore, SniffedType};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use object_store::path::Path;
use object_store::{ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

/// A file that is in the object store, described as the database and the raw delivery
/// archive record it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredPod {
    pub id: String,
    pub key: String,
    pub sha256: String,
    pub bytes: u64,
    pub content_type: String,
    pub original_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PodUploadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not an accepted type (JPEG, PNG, WebP, GIF, HEIC or PDF, judged by its content)")]
    UnsupportedType,
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("reading the upload failed: {0}")]
    Body(String),
    #[error("the object store failed: {0}")]
    Store(#[from] object_store::Error),
}

/// Multipart bodies (webhooks and staff uploads): a size limit hit while reading the
/// file is the file being too large, anything else a broken body.
impl From<multer::Error> for PodUploadError {
    fn from(e: multer::Error) -> Self {
        match e {
            multer::Error::FieldSizeExceeded { limit, .. } | multer::Error::StreamSizeExceeded { limit } => Self::TooLarge { limit },
            other => Self::Body(other.to_string()),
        }
    }
}

impl From<std::io::Error> for PodUploadError {
    fn from(e: std::io::Error) -> Self {
        Self::Body(e.to_string())
    }
}

/// Parts of this size go to the store; at most `MAX_PARTS_IN_FLIGHT` are buffered.
const PART_SIZE: usize = 5 * 1024 * 1024;
const MAX_PARTS_IN_FLIGHT: usize = 2;

/// Keeps the last path segment, drops control characters, caps the length.
pub fn sanitize_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim().trim_start_matches('.').trim();
    (!clean.is_empty()).then(|| clean.to_string())
}

/// Stores `body` under a new server-generated key and returns what was stored.
pub async fn store_pod_stream<S, E>(
    store: &PodStore,
    mut body: S,
    original_name: Option<&str>,
    max_bytes: u64,
) -> Result<StoredPod, PodUploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<PodUploadError>,
{
    // Gather just enough of the start to judge the type before anything is written.
    let mut head = Vec::with_capacity(super::sniff::SNIFF_LEN);
    let mut ended = false;
    while head.len() < super::sniff::SNIFF_LEN {
        match body.next().await {
            Some(chunk) => head.extend_from_slice(&chunk.map_err(Into::into)?),
            None => {
                ended = true;
                break;
            }
        }
    }
    if head.is_empty() {
        return Err(PodUploadError::Empty);
    }
    if head.len() as u64 > max_bytes {
        return Err(PodUploadError::TooLarge { limit: max_bytes });
    }
    let kind: SniffedType = sniff(&head).ok_or(PodUploadError::UnsupportedType)?;

    let id = uuid::Uuid::new_v4().to_string();
    let upload_key = format!("pod/uploads/{}/{id}", chrono::Utc::now().format("%Y/%m/%d"));
    let location = Path::from(upload_key.as_str());
    let upload = store.inner().put_multipart(&location).await?;
    let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
    let mut hasher = Sha256::new();
    let mut total = head.len() as u64;
    hasher.update(&head);
    writer.write(&head);

    let result: Result<(), PodUploadError> = async {
        if ended {
            return Ok(());
        }
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(Into::into)?;
            total += chunk.len() as u64;
            if total > max_bytes {
                return Err(PodUploadError::TooLarge { limit: max_bytes });
            }
            hasher.update(&chunk);
            writer.wait_for_capacity(MAX_PARTS_IN_FLIGHT).await?;
            writer.put(chunk);
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        // Best effort: a partial upload left behind is removed by `waybill sweep`.
        let _ = writer.abort().await;
        return Err(e);
    }
    writer.finish().await?;
    let sha256 = hex::encode(hasher.finalize());
    let key = content_key(&sha256);
    move_to_content_address(store, &location, &Path::from(key.as_str())).await?;
    Ok(StoredPod {
        id,
        key,
        sha256,
        bytes: total,
        content_type: kind.mime().to_string(),
        original_name: original_name.and_then(sanitize_file_name),
    })
}

/// Where a file with this SHA-256 (hex) lives.
pub fn content_key(sha256: &str) -> String {
    format!("pod/sha256/{}/{sha256}", &sha256[..2.min(sha256.len())])
}

/// Moves the finished upload to its content address, or drops it when an identical file is
/// there already. Two uploads of one file racing both write the same bytes, so a plain
/// rename (which replaces) is safe where the store has no rename-if-absent.
async fn move_to_content_address(store: &PodStore, upload: &Path, content: &Path) -> Result<(), object_store::Error> {
    match store.inner().head(content).await {
        Ok(_) => store.inner().delete(upload).await,
        Err(object_store::Error::NotFound { .. }) => store.inner().rename(upload, content).await,
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;

    fn chunks(parts: Vec<&'static [u8]>) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        stream::iter(parts.into_iter().map(|p| Ok(Bytes::from_static(p))))
    }

    #[test]
    fn file_names_lose_their_directories_and_control_characters() {
        assert_eq!(sanitize_file_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(sanitize_file_name("C:\\photos\\pod\0.jpg").as_deref(), Some("pod.jpg"));
        assert_eq!(sanitize_file_name("..").as_deref(), None);
    }

    #[tokio::test]
    async fn a_png_split_across_chunks_is_stored_byte_exact_with_its_hash() {
        let store = PodStore::open("memory://", &[]).unwrap();
        let png: &'static [u8] = include_bytes!("../../tests/fixtures/pod-signature.png");
        let (a, b) = png.split_at(5);
        let stored = store_pod_stream(&store, chunks(vec![a, b]), Some("sig.png"), 1_000).await.unwrap();
        assert_eq!(stored.content_type, "image/png");
        assert_eq!(stored.bytes, png.len() as u64);
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(png)));
        let back = store.get(&stored.key).await.unwrap().bytes().await.unwrap();
        assert_eq!(&back[..], png);
    }

    #[tokio::test]
    async fn the_same_file_sent_twice_is_one_object_at_its_content_address() {
        let store = PodStore::open("memory://", &[]).unwrap();
        let png: &'static [u8] = include_bytes!("../../tests/fixtures/pod-signature.png");
        let first = store_pod_stream(&store, chunks(vec![png]), Some("a.png"), 1_000).await.unwrap();
        let again = store_pod_stream(&store, chunks(vec![png]), Some("b.png"), 1_000).await.unwrap();
        assert_ne!(first.id, again.id, "two uploads, two records");
        assert_eq!(first.key, again.key, "one content address");
        assert_eq!(first.key, format!("pod/sha256/{}/{}", &first.sha256[..2], first.sha256));
        let objects: Vec<_> = futures::TryStreamExt::try_collect(store.inner().list(None)).await.unwrap();
        assert_eq!(objects.len(), 1, "no upload left behind, one object: {objects:?}");
    }

    #[tokio::test]
    async fn html_posing_as_an_image_is_refused_before_anything_is_written() {
        let store = PodStore::open("memory://", &[]).unwrap();
        let err = store_pod_stream(&store, chunks(vec![b"<html>hi</html>"]), Some("x.jpg"), 1_000).await.unwrap_err();
        assert!(matches!(err, PodUploadError::UnsupportedType));
    }

    #[tokio::test]
    async fn a_file_over_the_limit_is_refused() {
        let store = PodStore::open("memory://", &[]).unwrap();
        let png: &'static [u8] = include_bytes!("../../tests/fixtures/pod-signature.png");
        let err = store_pod_stream(&store, chunks(vec![png, png]), None, png.len() as u64 + 10).await.unwrap_err();
        assert!(matches!(err, PodUploadError::TooLarge { .. }));
    }
}
