//! Copies of POD images made for viewing, never replacing the original (whose SHA-256 is
//! the evidence): images without their metadata (`clean_copy`), and small thumbnails. Each
//! is made on first request and kept in the object store under `derived/`.
use super::clean_copy::{decode, encode, without_metadata};
use super::PodStore;
use bytes::Bytes;
use object_store::path::Path;
use object_store::ObjectStoreExt;

/// Which copy a page asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Full size, without metadata.
    Full,
    /// At most `THUMB_SIZE` pixels on the longer side.
    Thumb,
}

pub const THUMB_SIZE: u32 = 320;

#[derive(Debug, thiserror::Error)]
pub enum DerivedError {
    #[error("the object store failed: {0}")]
    Store(#[from] object_store::Error),
    #[error("the image could not be processed: {0}")]
    Image(String),
}

impl From<super::clean_copy::ImageError> for DerivedError {
    fn from(error: super::clean_copy::ImageError) -> Self {
        Self::Image(error.0)
    }
}

/// The bytes and type to serve for `variant` of an image, or `None` for a type that is no
/// image (PDF), served as it is. An image whose metadata cannot be removed (HEIC, a file
/// no decoder reads) is an `Image` error: the caller must not show the original inline.
pub async fn served_copy(
    store: &PodStore,
    pod_id: &str,
    storage_key: &str,
    content_type: &str,
    variant: Variant,
) -> Result<Option<(Bytes, &'static str)>, DerivedError> {
    if !content_type.starts_with("image/") {
        return Ok(None);
    }
    let derived = Path::from(format!("derived/{pod_id}/{}", if variant == Variant::Full { "clean" } else { "thumb" }));
    match store.inner().get(&derived).await {
        // The copy's type is read from its bytes: a clean copy may be a re-encoded PNG.
        Ok(found) => {
            let bytes = found.bytes().await?;
            if let Some(kind) = super::sniff(&bytes[..bytes.len().min(super::sniff::SNIFF_LEN)]) {
                return Ok(Some((bytes, kind.mime())));
            }
        }
        Err(object_store::Error::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let original = store.get(storage_key).await?.bytes().await?;
    let content_type = content_type.to_string();
    // Decoding and encoding are CPU work: keep them off the async worker threads.
    let (made, made_type) = tokio::task::spawn_blocking(move || match variant {
        Variant::Full => without_metadata(&content_type, original).map_err(DerivedError::from),
        Variant::Thumb => match thumbnail(&original)? {
            Some(small) => Ok(small),
            // Already small: the thumbnail is the clean full-size copy.
            None => without_metadata(&content_type, original).map_err(DerivedError::from),
        },
    })
    .await
    .map_err(|e| DerivedError::Image(e.to_string()))??;
    store.inner().put(&derived, made.clone().into()).await?;
    Ok(Some((made, made_type)))
}

/// A small copy (PNG for images with transparency, else JPEG), without metadata; `None`
/// when the image already fits (it is never scaled up).
pub fn thumbnail(original: &[u8]) -> Result<Option<(Bytes, &'static str)>, DerivedError> {
    let image = decode(original)?;
    if image.width() <= THUMB_SIZE && image.height() <= THUMB_SIZE {
        return Ok(None);
    }
    let small = image.thumbnail(THUMB_SIZE, THUMB_SIZE);
    if small.color().has_alpha() {
        Ok(encode(&small, image::ImageFormat::Png).map(|b| Some((b, "image/png")))?)
    } else {
        Ok(encode(&small, image::ImageFormat::Jpeg).map(|b| Some((b, "image/jpeg")))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real JPEG with an EXIF segment carrying a GPS marker string.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(640, 480, image::Rgb([200, 30, 30])).write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        let plain = out.into_inner();
        let exif = b"Exif\0\0GPSLatitude=52.3676;GPSLongitude=4.9041";
        let mut with_exif = plain[..2].to_vec();
        with_exif.extend_from_slice(&[0xFF, 0xE1]);
        with_exif.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        with_exif.extend_from_slice(exif);
        with_exif.extend_from_slice(&plain[2..]);
        with_exif
    }

    #[test]
    fn served_jpegs_lose_their_gps_metadata_but_stay_valid() {
        let original = jpeg_with_exif();
        assert!(original.windows(11).any(|w| w == b"GPSLatitude"));
        let clean = super::super::clean_copy::strip_jpeg(Bytes::from(original)).unwrap();
        assert!(!clean.windows(11).any(|w| w == b"GPSLatitude"));
        assert_eq!(image::load_from_memory(&clean).unwrap().width(), 640);
    }

    #[test]
    fn thumbnails_fit_the_box_and_keep_the_aspect() {
        let (thumb, kind) = thumbnail(&jpeg_with_exif()).unwrap().expect("a smaller copy");
        assert_eq!(kind, "image/jpeg");
        let decoded = image::load_from_memory(&thumb).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 240));
        assert!(!thumb.windows(11).any(|w| w == b"GPSLatitude"));
    }

    #[test]
    fn a_small_image_is_never_scaled_up() {
        let signature = include_bytes!("../../tests/fixtures/pod-signature.png");
        assert!(thumbnail(signature).unwrap().is_none());
    }

    #[test]
    fn a_broken_image_is_an_error_not_a_panic() {
        assert!(thumbnail(b"\xFF\xD8\xFF\xE0 not really a jpeg").is_err());
        assert!(super::super::clean_copy::strip_jpeg(Bytes::from_static(b"nope")).is_err());
    }
}
