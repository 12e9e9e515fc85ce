//! Decides a POD file's type from its first bytes, never from the name or the client's
//! content type. Only the types CONTRACT §5 lists are accepted.
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SniffedType {
    Jpeg,
    Png,
    Webp,
    Gif,
    Heic,
    Pdf,
}

impl SniffedType {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
            Self::Heic => "image/heic",
            Self::Pdf => "application/pdf",
        }
    }
}

impl fmt::Display for SniffedType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

/// How many leading bytes `sniff` wants to see (fewer is fine for a shorter file): the
/// magic bytes, and room to spot markup hiding behind them.
pub const SNIFF_LEN: usize = 1024;

/// Markup that has no business in an image's first kilobyte: a file that starts with image
/// magic and carries these is a polyglot (an image header glued to a page or a script).
const MARKUP: [&[u8]; 8] = [b"<script", b"<html", b"<svg", b"<!doctype", b"<iframe", b"<body", b"<object", b"javascript:"];

fn contains_markup(head: &[u8]) -> bool {
    let lower = head.to_ascii_lowercase();
    MARKUP.iter().any(|needle| lower.windows(needle.len()).any(|w| w == *needle))
}
const MIN_LEN: usize = 8;

/// The accepted type the bytes start with, if any.
pub fn sniff(head: &[u8]) -> Option<SniffedType> {
    // No real image or PDF is this short; refusing it keeps a few magic bytes alone from
    // passing as a file.
    if head.len() < MIN_LEN {
        return None;
    }
    let kind = infer::get(head)?;
    if kind.mime_type().starts_with("image/") && contains_markup(head) {
        return None;
    }
    match kind.mime_type() {
        "image/jpeg" => Some(SniffedType::Jpeg),
        "image/png" if head.starts_with(b"\x89PNG\r\n\x1a\n") => Some(SniffedType::Png),
        "image/webp" => Some(SniffedType::Webp),
        // infer accepts a bare "GIF"; insist on a full version header.
        "image/gif" if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") => Some(SniffedType::Gif),
        "image/heif" | "image/heic" => Some(SniffedType::Heic),
        "application/pdf" => Some(SniffedType::Pdf),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_fixture_is_a_png() {
        assert_eq!(sniff(include_bytes!("../../tests/fixtures/pod-signature.png")), Some(SniffedType::Png));
    }

    #[test]
    fn jpeg_and_pdf_magic_are_recognised() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0]), Some(SniffedType::Jpeg));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(SniffedType::Pdf));
    }

    #[test]
    fn html_svg_and_text_posing_as_images_are_refused() {
        assert_eq!(sniff(b"<html><script>alert(1)</script></html>"), None);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"GIF"), None);
        assert_eq!(sniff(b"GIF89a\x01\x00\x01\x00"), Some(SniffedType::Gif));
        // Polyglots: image magic in front of a page or a script.
        assert_eq!(sniff(b"GIF89a/*\x00\x00*/=1;<script>alert(1)</script>"), None);
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00<html><body onload=alert(1)>"), None);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\x00\x00<SVG onload=alert(1)>"), None);
    }
}
