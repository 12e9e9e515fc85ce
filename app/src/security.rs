//! The Content-Security-Policy of every page: scripts only from this origin or with this
//! response's nonce (Leptos puts it on its hydration scripts), WebAssembly allowed to
//! compile (`'wasm-unsafe-eval'`), no inline scripts otherwise, no framing.
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;

/// The policy for a page whose scripts carry `nonce`. Images may come from the carriers'
/// own https URLs (Uber's verification pictures).
pub fn content_security_policy(nonce: &str) -> String {
    policy(&format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"))
}

/// The policy for a page served to many (`server::page_cache`): its own inline scripts
/// allowed by their SHA-256 (base64) instead of a per-response nonce.
pub fn content_security_policy_with_hashes(hashes: &[String]) -> String {
    let sources: String = hashes.iter().map(|h| format!(" 'sha256-{h}'")).collect();
    policy(&format!("'self'{sources} 'wasm-unsafe-eval'"))
}

/// The policy for an HTML response that was not given one with a nonce (the server adds
/// it, see `security_headers`): scripts from this origin only, none inline, so a page
/// rendered that way works as it does without JavaScript.
pub fn content_security_policy_without_nonce() -> String {
    policy("'self'")
}

fn policy(script_src: &str) -> String {
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; \
         img-src 'self' data: https:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Creates this response's nonce and sends the matching policy header.
pub fn provide_content_security_policy() {
    provide_nonce();
    if let (Some(nonce), Some(response)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce.to_string())) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_hydration_but_no_inline_script_without_the_nonce() {
        let policy = content_security_policy("abc");
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn the_policy_without_a_nonce_allows_no_inline_script_at_all() {
        let policy = content_security_policy_without_nonce();
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(!policy.contains("nonce") && !policy.contains("unsafe"));
        assert_eq!(
            policy.replace("script-src 'self';", ""),
            content_security_policy("n").replace("script-src 'self' 'nonce-n' 'wasm-unsafe-eval';", "")
        );
    }
}
