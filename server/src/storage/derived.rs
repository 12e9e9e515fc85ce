//! Copies of POD images made for viewing, never replacing the original (whose SHA-256 is
//! the evidence): JPEGs without their EXIF/GPS metadata, and small thumbnails. Each is made
//! on first request and kept in the object store under `derived/`.
use super::PodStore;
use bytes::Bytes;
use object_store::path::Path;
use object_store::ObjectStoreExt;

/// Which copy a page asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Full size; JPEGs lose their metadata segments.
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

/// The bytes and type to serve for `variant`, or `None` when the original is served as it
/// is (non-JPEG full size, or a type that cannot be thumbnailed, such as PDF or HEIC).
pub async fn served_copy(
    store: &PodStore,
    pod_id: &str,
    storage_key: &str,
    content_type: &str,
    variant: Variant,
) -> Result<Option<(Bytes, &'static str)>, DerivedError> {
    let (name, output_type, source_type) = match (variant, content_type) {
        (Variant::Full, "image/jpeg") => ("clean.jpg", "image/jpeg", "image/jpeg"),
        (Variant::Thumb, "image/jpeg") => ("thumb.jpg", "image/jpeg", "image/jpeg"),
        (Variant::Thumb, "image/webp") => ("thumb.jpg", "image/jpeg", "image/webp"),
        (Variant::Thumb, "image/png") => ("thumb.png", "image/png", "image/png"),
        (Variant::Thumb, "image/gif") => ("thumb.png", "image/png", "image/gif"),
        _ => return Ok(None),
    };
    let derived = Path::from(format!("derived/{pod_id}/{name}"));
    match store.inner().get(&derived).await {
        Ok(found) => return Ok(Some((found.bytes().await?, output_type))),
        Err(object_store::Error::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let original = store.get(storage_key).await?.bytes().await?;
    // Decoding and encoding are CPU work: keep them off the async worker threads.
    let (made, made_type) = tokio::task::spawn_blocking(move || match variant {
        Variant::Full => strip_jpeg_metadata(original).map(|b| (b, output_type)),
        Variant::Thumb => match thumbnail(&original, output_type)? {
            Some(small) => Ok((small, output_type)),
            // Already small: the thumbnail is the file itself (a JPEG without metadata).
            None if source_type == "image/jpeg" => strip_jpeg_metadata(original).map(|b| (b, source_type)),
            None => Ok((original, source_type)),
        },
    })
    .await
    .map_err(|e| DerivedError::Image(e.to_string()))??;
    if made_type != output_type {
        // Not cached under the thumbnail's name, whose type would then be wrong.
        return Ok(Some((made, made_type)));
    }
    store.inner().put(&derived, made.clone().into()).await?;
    Ok(Some((made, made_type)))
}

/// Drops the APP1 (EXIF, XMP: camera, GPS position) and APP13 (IPTC) segments.
pub fn strip_jpeg_metadata(original: Bytes) -> Result<Bytes, DerivedError> {
    use img_parts::jpeg::{markers, Jpeg};
    let mut jpeg = Jpeg::from_bytes(original).map_err(|e| DerivedError::Image(e.to_string()))?;
    jpeg.remove_segments_by_marker(markers::APP1);
    jpeg.remove_segments_by_marker(markers::APP13);
    Ok(jpeg.encoder().bytes())
}

/// A small copy, decoded under explicit limits so a crafted file cannot exhaust memory;
/// `None` when the image already fits (it is never scaled up).
pub fn thumbnail(original: &[u8], output_type: &str) -> Result<Option<Bytes>, DerivedError> {
    let error = |e: image::ImageError| DerivedError::Image(e.to_string());
    let mut reader =
        image::ImageReader::new(std::io::Cursor::new(original)).with_guessed_format().map_err(|e| DerivedError::Image(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(error)?;
    if image.width() <= THUMB_SIZE && image.height() <= THUMB_SIZE {
        return Ok(None);
    }
    let image = image.thumbnail(THUMB_SIZE, THUMB_SIZE);
    let mut out = std::io::Cursor::new(Vec::new());
    if output_type == "image/png" {
        image.write_to(&mut out, image::ImageFormat::Png).map_err(error)?;
    } else {
        image.to_rgb8().write_to(&mut out, image::ImageFormat::Jpeg).map_err(error)?;
    }
    Ok(Some(Bytes::from(out.into_inner())))
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
        let clean = strip_jpeg_metadata(Bytes::from(original)).unwrap();
        assert!(!clean.windows(11).any(|w| w == b"GPSLatitude"));
        assert_eq!(image::load_from_memory(&clean).unwrap().width(), 640);
    }

    #[test]
    fn thumbnails_fit_the_box_and_keep_the_aspect() {
        let thumb = thumbnail(&jpeg_with_exif(), "image/jpeg").unwrap().expect("a smaller copy");
        let decoded = image::load_from_memory(&thumb).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (320, 240));
        assert!(!thumb.windows(11).any(|w| w == b"GPSLatitude"));
    }

    #[test]
    fn a_small_image_is_never_scaled_up() {
        let signature = include_bytes!("../../tests/fixtures/pod-signature.png");
        assert!(thumbnail(signature, "image/png").unwrap().is_none());
    }

    #[test]
    fn a_broken_image_is_an_error_not_a_panic() {
        assert!(thumbnail(b"\xFF\xD8\xFF\xE0 not really a jpeg", "image/jpeg").is_err());
        assert!(strip_jpeg_metadata(Bytes::from_static(b"nope")).is_err());
    }
}
