//! A rendered body made fit to be served to many: the same bytes for every visitor (and for
//! a CDN), with a validator, and compressed once per coding.
//!
//! A page is rendered with a fresh nonce on its own scripts (`app::security`). A body
//! served to many cannot keep a per-response nonce, so the scripts that carried this
//! render's nonce, and only those, are allowed by their SHA-256 instead, and the nonce is
//! taken out. A script anyone slipped into the page would not carry the nonce, so it is
//! not allowed either way.
use super::{Encoding, Surface};
use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::io::Write;

/// A body as every visitor gets it, before compression.
#[derive(Debug)]
pub struct Prepared {
    pub headers: HeaderMap,
    pub etag: String,
    pub identity: Bytes,
    /// False when the render's nonce is still somewhere in it (a place this does not know
    /// of): such a body is served to its own request only, never kept.
    pub shareable: bool,
}

/// The headers of the rendered response that describe its body; the rest (length,
/// caching, cookies) are the cache's to set.
const KEPT: [header::HeaderName; 2] = [header::CONTENT_TYPE, header::CONTENT_LANGUAGE];

pub fn prepare(surface: Surface, rendered: &HeaderMap, body: Bytes) -> Prepared {
    let mut headers = HeaderMap::new();
    for name in KEPT {
        if let Some(value) = rendered.get(&name) {
            headers.insert(name, value.clone());
        }
    }
    let nonce = rendered.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).and_then(nonce_of);
    let mut shareable = true;
    let identity = match (surface, nonce) {
        (Surface::Page, Some(nonce)) => {
            let html = String::from_utf8_lossy(&body);
            let (html, hashes) = without_nonce(&html, &nonce);
            if let Ok(policy) = HeaderValue::from_str(&app::security::content_security_policy_with_hashes(&hashes)) {
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            shareable = !html.contains(&nonce);
            Bytes::from(html)
        }
        _ => body,
    };
    let digest = Sha256::digest(&identity);
    let etag = format!("W/\"{}\"", hex::encode(&digest[..12]));
    Prepared { headers, etag, identity, shareable }
}

/// The nonce in a policy's `'nonce-…'` source.
fn nonce_of(policy: &str) -> Option<String> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(policy[start..start + length].to_string())
}

/// The page without `nonce` attributes, and the SHA-256 (base64) of each inline script
/// that carried this nonce.
fn without_nonce(html: &str, nonce: &str) -> (String, Vec<String>) {
    let attribute = format!(" nonce=\"{nonce}\"");
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        let after = &rest[at..];
        let Some(open_end) = after.find('>') else { break };
        let open = &after[..open_end];
        let content_start = open_end + 1;
        let Some(content_length) = after[content_start..].find("</script") else { break };
        if open.contains(&attribute) && !open.contains(" src=") {
            let content = &after[content_start..content_start + content_length];
            hashes.push(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(content.as_bytes())));
        }
        rest = &after[content_start + content_length..];
    }
    // leptos 0.8 also writes the nonce as the preloads' `crossorigin` value, which a
    // browser reads as `anonymous` (an unknown value is); said so plainly instead.
    let html = html.replace(&attribute, "").replace(&format!(" crossorigin=\"{nonce}\""), " crossorigin=\"anonymous\"");
    (html, hashes)
}

/// `identity` in `encoding`, at a level worth its cost for a body served many times.
pub fn compress(encoding: Encoding, identity: &[u8]) -> std::io::Result<Bytes> {
    match encoding {
        Encoding::Identity => Ok(Bytes::copy_from_slice(identity)),
        Encoding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(identity.len() / 3), flate2::Compression::new(6));
            encoder.write_all(identity)?;
            Ok(Bytes::from(encoder.finish()?))
        }
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(identity.len() / 3);
            {
                let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                encoder.write_all(identity)?;
                encoder.flush()?;
            }
            Ok(Bytes::from(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn rendered(policy: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(policy).unwrap());
        headers.insert(header::SET_COOKIE, HeaderValue::from_static("lang=nl"));
        headers
    }

    #[test]
    fn only_the_scripts_with_this_renders_nonce_are_allowed_by_hash_and_the_nonce_is_gone() {
        let page = r#"<link rel="modulepreload" href="/pkg/w.js" crossorigin="N1"><script type="module" nonce="N1">import('/pkg/w.js')</script><p>x</p><script>alert(1)</script><script nonce="N1">__R=1</script>"#;
        let prepared = prepare(Surface::Page, &rendered(&app::security::content_security_policy("N1")), Bytes::from(page));
        let html = std::str::from_utf8(&prepared.identity).unwrap();
        assert!(!html.contains("N1") && prepared.shareable, "{html}");
        assert!(html.contains(r#"crossorigin="anonymous""#), "{html}");
        let policy = prepared.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        let hash = |s: &str| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes())));
        assert!(policy.contains(&hash("import('/pkg/w.js')")) && policy.contains(&hash("__R=1")), "{policy}");
        assert!(!policy.contains(&hash("alert(1)")), "a script without the nonce is not allowed");
        assert!(!policy.contains("nonce") && !policy.contains("unsafe-inline"), "{policy}");
        assert!(prepared.headers.get(header::SET_COOKIE).is_none(), "no cookie is served to many");
        assert!(prepared.etag.starts_with("W/\""));
    }

    #[test]
    fn a_page_with_its_nonce_left_elsewhere_is_not_shared() {
        let page = r#"<script nonce="N2">x</script><meta content="N2">"#;
        let prepared = prepare(Surface::Page, &rendered(&app::security::content_security_policy("N2")), Bytes::from(page));
        assert!(!prepared.shareable);
    }

    #[test]
    fn the_validator_follows_the_content_not_the_nonce() {
        let page = |nonce: &str| format!(r#"<script nonce="{nonce}">x</script>"#);
        let a = prepare(Surface::Page, &rendered(&app::security::content_security_policy("A")), Bytes::from(page("A")));
        let b = prepare(Surface::Page, &rendered(&app::security::content_security_policy("B")), Bytes::from(page("B")));
        assert_eq!(a.etag, b.etag);
        let c = prepare(Surface::Json, &HeaderMap::new(), Bytes::from_static(b"{}"));
        assert_ne!(a.etag, c.etag);
    }

    #[test]
    fn compressed_bodies_decompress_to_the_same_bytes() {
        let body = "tracking page ".repeat(500);
        let mut text = String::new();
        flate2::read::GzDecoder::new(&compress(Encoding::Gzip, body.as_bytes()).unwrap()[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, body);
        let mut text = String::new();
        brotli::Decompressor::new(&compress(Encoding::Brotli, body.as_bytes()).unwrap()[..], 4096).read_to_string(&mut text).unwrap();
        assert_eq!(text, body);
    }
}
