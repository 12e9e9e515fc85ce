//! Images without their metadata, for customers: a photo's EXIF carries the GPS position of
//! the doorstep and the camera; PNG text chunks and WebP XMP can carry the same. Each type
//! has its segments removed where they live (JPEG APPn and COM, PNG eXIf/tEXt/iTXt/zTXt/tIME,
//! WebP EXIF/XMP); a file the stripper cannot parse is decoded and encoded again, which
//! keeps pixels only. A file neither works for is an error, and the caller fails closed
//! (an attachment, never inline with its metadata).
use bytes::Bytes;

/// The bytes to show for `original` of `content_type`, without metadata, and their type.
/// An image this module could not read, clean or write, and why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImageError(pub String);

pub fn without_metadata(content_type: &str, original: Bytes) -> Result<(Bytes, &'static str), ImageError> {
    let stripped = match content_type {
        "image/jpeg" => strip_jpeg(original.clone()).map(|b| (b, "image/jpeg")),
        "image/png" => strip_png(original.clone()).map(|b| (b, "image/png")),
        "image/webp" => strip_webp(original.clone()).map(|b| (b, "image/webp")),
        // GIF comment and application extensions: no stripper, so a PNG of its first frame.
        "image/gif" => Err(ImageError("GIF extensions are not stripped".into())),
        other => return Err(ImageError(format!("metadata cannot be removed from {other}"))),
    };
    match stripped {
        Ok(clean) => Ok(clean),
        Err(reason) => {
            tracing::debug!(%reason, content_type, "re-encoding a POD image to drop its metadata");
            let format = if content_type == "image/jpeg" { image::ImageFormat::Jpeg } else { image::ImageFormat::Png };
            let mime = if format == image::ImageFormat::Jpeg { "image/jpeg" } else { "image/png" };
            encode(&decode(&original)?, format).map(|b| (b, mime))
        }
    }
}

/// Drops every application segment that can carry metadata (APP1: EXIF and XMP with the
/// camera and GPS position; APP3-APP13 and APP15, IPTC among them) and comments (COM).
/// Kept: APP0 (JFIF), APP2 (the ICC colour profile) and APP14 (Adobe's colour transform),
/// which say how to show the pixels and nothing about who or where.
pub fn strip_jpeg(original: Bytes) -> Result<Bytes, ImageError> {
    use img_parts::jpeg::{markers, Jpeg};
    let metadata = |marker: u8| {
        marker == markers::COM || (markers::APP1..=markers::APP15).contains(&marker) && ![markers::APP2, markers::APP14].contains(&marker)
    };
    let mut jpeg = Jpeg::from_bytes(original.clone()).map_err(|e| ImageError(e.to_string()))?;
    if !jpeg.segments().iter().any(|s| metadata(s.marker())) {
        // Nothing to remove: the file goes out byte for byte as it came.
        return Ok(original);
    }
    jpeg.segments_mut().retain(|s| !metadata(s.marker()));
    Ok(jpeg.encoder().bytes())
}

/// Drops `eXIf` (EXIF), `tEXt`/`iTXt`/`zTXt` (text, XMP) and `tIME` chunks.
pub fn strip_png(original: Bytes) -> Result<Bytes, ImageError> {
    use img_parts::png::Png;
    const METADATA: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"iTXt", *b"zTXt", *b"tIME"];
    let mut png = Png::from_bytes(original.clone()).map_err(|e| ImageError(e.to_string()))?;
    if png.chunks().iter().all(|c| !METADATA.contains(&c.kind())) {
        return Ok(original);
    }
    for kind in METADATA {
        png.remove_chunks_by_type(kind);
    }
    Ok(png.encoder().bytes())
}

/// Drops the `EXIF` and `XMP ` chunks (and clears their flags in `VP8X`).
pub fn strip_webp(original: Bytes) -> Result<Bytes, ImageError> {
    use img_parts::webp::{WebP, CHUNK_EXIF, CHUNK_XMP};
    use img_parts::ImageEXIF;
    let mut webp = WebP::from_bytes(original.clone()).map_err(|e| ImageError(e.to_string()))?;
    if !webp.has_chunk(CHUNK_XMP) && !webp.has_chunk(CHUNK_EXIF) {
        return Ok(original);
    }
    webp.remove_chunks_by_id(CHUNK_XMP);
    // Also recomputes the VP8X flags from the chunks that are left.
    webp.set_exif(None);
    Ok(webp.encoder().bytes())
}

/// Decodes under explicit limits, so a crafted file cannot exhaust memory.
pub fn decode(original: &[u8]) -> Result<image::DynamicImage, ImageError> {
    let mut reader =
        image::ImageReader::new(std::io::Cursor::new(original)).with_guessed_format().map_err(|e| ImageError(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| ImageError(e.to_string()))
}

/// Encodes pixels only (the encoders write no metadata).
pub fn encode(image: &image::DynamicImage, format: image::ImageFormat) -> Result<Bytes, ImageError> {
    let mut out = std::io::Cursor::new(Vec::new());
    let written =
        if format == image::ImageFormat::Jpeg { image.to_rgb8().write_to(&mut out, format) } else { image.write_to(&mut out, format) };
    written.map_err(|e| ImageError(e.to_string()))?;
    Ok(Bytes::from(out.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPS: &[u8] = b"GPSLatitude=52.3676";

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn encoded(format: image::ImageFormat) -> Vec<u8> {
        let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(64, 48, image::Rgb([200, 30, 30])));
        encode(&image, format).unwrap().to_vec()
    }

    /// A PNG with an eXIf, a tEXt and an iTXt chunk after IHDR, each naming a GPS position.
    fn png_with_metadata() -> Vec<u8> {
        use img_parts::png::{Png, PngChunk};
        let mut png = Png::from_bytes(Bytes::from(encoded(image::ImageFormat::Png))).unwrap();
        let chunks = [
            (*b"eXIf", [b"MM\0*".as_slice(), GPS].concat()),
            (*b"tEXt", [b"Comment\0".as_slice(), GPS].concat()),
            (*b"iTXt", [b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), GPS].concat()),
        ];
        for (i, (kind, data)) in chunks.into_iter().enumerate() {
            png.chunks_mut().insert(1 + i, PngChunk::new(kind, Bytes::from(data)));
        }
        png.encoder().bytes().to_vec()
    }

    /// A lossless WebP with EXIF and XMP chunks (and the VP8X header that announces them).
    fn webp_with_metadata() -> Vec<u8> {
        let plain = encoded(image::ImageFormat::WebP);
        let mut webp = img_parts::webp::WebP::from_bytes(Bytes::from(plain)).unwrap();
        use img_parts::ImageEXIF;
        webp.set_exif(Some(Bytes::from([b"MM\0*".as_slice(), GPS].concat())));
        let xmp = img_parts::riff::RiffChunk::new(*b"XMP ", img_parts::riff::RiffContent::Data(Bytes::from_static(GPS)));
        webp.chunks_mut().push(xmp);
        webp.encoder().bytes().to_vec()
    }

    #[test]
    fn pngs_lose_their_exif_and_text_chunks_and_stay_valid() {
        let original = png_with_metadata();
        assert!(contains(&original, GPS), "the sample carries the marker");
        let (clean, mime) = without_metadata("image/png", Bytes::from(original)).unwrap();
        assert_eq!(mime, "image/png");
        assert!(!contains(&clean, GPS));
        assert_eq!(image::load_from_memory(&clean).unwrap().width(), 64);
    }

    #[test]
    fn webps_lose_their_exif_and_xmp_and_stay_valid() {
        let original = webp_with_metadata();
        assert!(contains(&original, GPS), "the sample carries the marker");
        let (clean, mime) = without_metadata("image/webp", Bytes::from(original)).unwrap();
        assert_eq!(mime, "image/webp");
        assert!(!contains(&clean, GPS));
        assert_eq!(image::load_from_memory(&clean).unwrap().width(), 64);
    }

    #[test]
    fn a_jpeg_the_stripper_cannot_parse_is_re_encoded_without_its_metadata() {
        // A valid JPEG, then a comment segment with the marker and garbage img-parts refuses
        // after the end-of-image marker... simplest: a JPEG whose APP1 length is wrong.
        let mut jpeg = encoded(image::ImageFormat::Jpeg);
        let mut app1 = vec![0xFF, 0xE1, 0xFF, 0xFF];
        app1.extend_from_slice(GPS);
        jpeg.splice(2..2, app1);
        let result = without_metadata("image/jpeg", Bytes::from(jpeg));
        match result {
            Ok((clean, _)) => assert!(!contains(&clean, GPS), "whatever is served has no metadata"),
            Err(ImageError(_)) => {} // the caller then serves an attachment
        }
    }

    #[test]
    fn jpeg_comments_and_iptc_go_and_the_colour_profile_stays() {
        use img_parts::jpeg::{markers, Jpeg, JpegSegment};
        let mut jpeg = Jpeg::from_bytes(Bytes::from(encoded(image::ImageFormat::Jpeg))).unwrap();
        for (marker, data) in [(markers::COM, GPS), (markers::APP13, GPS), (markers::APP2, b"ICC_PROFILE\0".as_slice())] {
            jpeg.segments_mut().insert(1, JpegSegment::new_with_contents(marker, Bytes::copy_from_slice(data)));
        }
        let (clean, _) = without_metadata("image/jpeg", jpeg.encoder().bytes()).unwrap();
        assert!(!contains(&clean, GPS));
        assert!(contains(&clean, b"ICC_PROFILE"));
        assert!(image::load_from_memory(&clean).is_ok());
    }

    #[test]
    fn a_file_without_metadata_is_served_byte_for_byte() {
        let signature = Bytes::from_static(include_bytes!("../../tests/fixtures/pod-signature.png"));
        assert_eq!(without_metadata("image/png", signature.clone()).unwrap().0, signature);
        let jpeg = Bytes::from(encoded(image::ImageFormat::Jpeg));
        assert_eq!(without_metadata("image/jpeg", jpeg.clone()).unwrap().0, jpeg);
    }

    #[test]
    fn types_without_a_stripper_are_an_error_so_the_caller_fails_closed() {
        assert!(without_metadata("image/heic", Bytes::from_static(b"....ftypheic")).is_err());
        assert!(without_metadata("image/png", Bytes::from_static(b"not a png at all")).is_err());
        let gif = encoded(image::ImageFormat::Gif);
        let (clean, mime) = without_metadata("image/gif", Bytes::from(gif)).unwrap();
        assert_eq!(mime, "image/png", "a GIF is shown as a PNG of its first frame");
        assert!(image::load_from_memory(&clean).is_ok());
    }
}
