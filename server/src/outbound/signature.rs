//! Standard Webhooks signing: a `whsec_` secret is base64 of the key; each attempt is
//! signed over `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256, sent as
//! `v1,<base64>` in `webhook-signature` (several, space-separated, while a rotated-out
//! secret is still valid).
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The prefix of every endpoint secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// Bytes of key in a new secret.
const KEY_BYTES: usize = 32;

/// A new endpoint secret, `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let mut key = [0u8; KEY_BYTES];
    rand::rng().fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// A stored secret that is not `whsec_` and base64.
#[derive(Debug, thiserror::Error)]
#[error("the endpoint's secret is not a whsec_ secret")]
pub struct MalformedSecret;

/// `v1,<signature>` of one attempt.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, MalformedSecret> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX).ok_or(MalformedSecret)?).map_err(|_| MalformedSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| MalformedSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_webhooks_example_signs_as_the_specification_shows() {
        // The example of the Standard Webhooks specification (its README, "Signature scheme").
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signed = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn new_secrets_are_whsec_base64_of_32_bytes_and_differ() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(STANDARD.decode(a.strip_prefix(SECRET_PREFIX).unwrap()).unwrap().len(), KEY_BYTES);
        assert!(sign("plain", "id", 1, b"x").is_err());
    }
}
