//! What a customer's share link serves of a POD file: images without the metadata that can
//! place the doorstep (PNG text and EXIF chunks, WebP EXIF and XMP, as JPEG's EXIF before
//! them), an image whose metadata cannot be removed only as an attachment, and PDFs in a
//! sandbox. Staff still get every file byte for byte.
use crate::common;

use bytes::Bytes;
use common::depot_form;

const GPS: &[u8] = b"GPSLatitude=52.3676";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn encoded(format: image::ImageFormat, width: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(width, 40, image::Rgb([10, 120, 200]))).write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A PNG carrying the marker in a tEXt and an eXIf chunk.
fn png_with_gps() -> Vec<u8> {
    use img_parts::png::{Png, PngChunk};
    let mut png = Png::from_bytes(Bytes::from(encoded(image::ImageFormat::Png, 500))).unwrap();
    png.chunks_mut().insert(1, PngChunk::new(*b"tEXt", Bytes::from([b"Comment\0".as_slice(), GPS].concat())));
    png.chunks_mut().insert(1, PngChunk::new(*b"eXIf", Bytes::from([b"MM\0*".as_slice(), GPS].concat())));
    png.encoder().bytes().to_vec()
}

/// A WebP carrying the marker in its EXIF and XMP chunks.
fn webp_with_gps() -> Vec<u8> {
    use img_parts::riff::{RiffChunk, RiffContent};
    use img_parts::ImageEXIF;
    let mut webp = img_parts::webp::WebP::from_bytes(Bytes::from(encoded(image::ImageFormat::WebP, 500))).unwrap();
    webp.set_exif(Some(Bytes::from([b"MM\0*".as_slice(), GPS].concat())));
    webp.chunks_mut().push(RiffChunk::new(*b"XMP ", RiffContent::Data(Bytes::from_static(GPS))));
    webp.encoder().bytes().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_links_serve_pngs_and_webps_without_their_gps_metadata() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    for (number, file, name, mime) in
        [("META-PNG", png_with_gps(), "photo.png", "image/png"), ("META-WEBP", webp_with_gps(), "photo.webp", "image/webp")]
    {
        assert!(contains(&file, GPS), "{name}: the sample carries the marker");
        let form = depot_form(number, "Delivered", "2025-10-08T10:15:00Z");
        assert_eq!(app.post_depot(&form, Some((&file, name))).await.status(), 200, "{name}");
        let token = app.share_token(number).await;
        let url = app.shared_pod_url(&token).await;
        for size in ["", "?size=thumb"] {
            let served = app.get(&format!("{url}{size}")).await;
            assert_eq!(served.status(), 200);
            assert_eq!(served.headers()["content-disposition"], "inline");
            let bytes = served.bytes().await.unwrap();
            assert!(!contains(&bytes, GPS), "{name}{size}: no GPS in what the customer gets");
            assert!(image::load_from_memory(&bytes).is_ok(), "{name}{size}: still an image");
        }
        let full = app.get(&url).await;
        assert_eq!(full.headers()["content-type"], mime, "the type is kept when the chunks could be removed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_whose_metadata_cannot_be_removed_goes_to_customers_only_as_an_attachment() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    // HEIC: accepted (CONTRACT §5), but nothing here can read or strip it.
    let mut heic = vec![0, 0, 0, 0x18];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(GPS);
    heic.resize(600, 0);
    let form = depot_form("META-HEIC", "Delivered", "2025-10-08T10:15:00Z");
    assert_eq!(app.post_depot(&form, Some((&heic, "photo.heic"))).await.status(), 200);
    let token = app.share_token("META-HEIC").await;
    let id = app.query_text("SELECT id FROM pod_file").await;
    let served = app.get(&format!("/t/{token}/pod/{id}")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-disposition"], "attachment", "never inline with its metadata");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdfs_are_served_in_a_sandbox() {
    let app = common::spawn_app(common::Backend::Sqlite).await;
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let form = depot_form("META-PDF", "Delivered", "2025-10-08T10:15:00Z");
    assert_eq!(app.post_depot(&form, Some((pdf, "pod.pdf"))).await.status(), 200);
    let token = app.share_token("META-PDF").await;
    let id = app.query_text("SELECT id FROM pod_file").await;
    let served = app.get(&format!("/t/{token}/pod/{id}")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert_eq!(served.headers()["content-disposition"], "inline");
    assert_eq!(served.headers()["content-security-policy"], "sandbox");
    assert_eq!(&served.bytes().await.unwrap()[..], pdf, "a PDF is not rewritten");
}
