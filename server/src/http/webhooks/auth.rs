//! Webhook authentication, done before anything is stored. Comparisons run in constant
//! time so that response timing tells an attacker nothing about the secret. Each carrier's
//! current secret is tried first, then its previous one (a rotation in progress); the
//! caller learns which one matched.
use crate::carriers::{Auth, CarrierProfile};
use crate::domain::Carrier;
use crate::http::ApiError;
use crate::settings::{CarrierSecret, CarrierSecrets, SecretSlot, Settings};
use axum::http::{header, HeaderMap};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The carrier's secret; `None` only in dev mode with the secret unset, where requests are
/// accepted unauthenticated. Otherwise an unset secret is `503`, naming the variable.
pub fn configured_secret(settings: &Settings, carrier: Carrier) -> Result<Option<&CarrierSecret>, ApiError> {
    match settings.secrets.get(carrier) {
        Some(secret) => Ok(Some(secret)),
        None if settings.dev => {
            tracing::warn!(%carrier, "WAYBILL_DEV=1: accepting an unauthenticated webhook");
            Ok(None)
        }
        None => {
            Err(ApiError::NotConfigured(format!("webhooks from {carrier} are not configured: set {}", CarrierSecrets::variable(carrier))))
        }
    }
}

/// Authenticates a request as `profile`'s carrier with its `secret` (from
/// [`configured_secret`]), the way its profile says; which of its values matched. A multipart
/// carrier is authenticated before its body is read, so its scheme never needs the body.
pub fn authenticate(
    secret: &CarrierSecret,
    profile: &CarrierProfile,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<SecretSlot, ApiError> {
    Ok(match profile.auth {
        Auth::Hmac { headers: names } => verify_hmac(secret, headers, names, body)?,
        Auth::HeaderToken { headers: names } => {
            let token = names.iter().find_map(|name| headers.get(*name)?.to_str().ok()).map(str::trim);
            verify_token(secret, token, &format!("{} header", names.first().copied().unwrap_or("token")))?
        }
        Auth::QueryToken { parameter } => {
            let token =
                query.and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == parameter).map(|(_, v)| v.into_owned()));
            verify_token(secret, token.as_deref(), &format!("{parameter} query parameter"))?
        }
        Auth::Bearer => bearer(secret, headers)?,
    })
}

/// Checks `Authorization: Bearer <token>` against the carrier's secret.
fn bearer(secret: &CarrierSecret, headers: &HeaderMap) -> Result<SecretSlot, ApiError> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer token".into()))?;
    let presented = presented.trim().as_bytes();
    matching(secret, |value| constant_time_eq(presented, value.as_bytes()))
        .ok_or_else(|| ApiError::Unauthorized("invalid bearer token".into()))
}

/// The first of the carrier's values (current, then previous) that `matches`. Both are
/// always compared, so timing does not tell which one exists or matched.
fn matching(secret: &CarrierSecret, matches: impl Fn(&str) -> bool) -> Option<SecretSlot> {
    let results: Vec<(SecretSlot, bool)> = secret.candidates().map(|(slot, value)| (slot, matches(value.expose()))).collect();
    results.into_iter().find(|(_, ok)| *ok).map(|(slot, _)| slot)
}

/// Longest signature or token header looked at; longer ones are simply wrong.
const MAX_CREDENTIAL_LEN: usize = 512;

/// Checks a hex HMAC-SHA256 of the raw body (an optional `sha256=` prefix is allowed),
/// taken from the first of `header_names` present.
pub fn verify_hmac(secret: &CarrierSecret, headers: &HeaderMap, header_names: &[&str], body: &[u8]) -> Result<SecretSlot, ApiError> {
    let (name, presented) = header_names
        .iter()
        .find_map(|name| Some((*name, headers.get(*name)?.to_str().ok()?)))
        .ok_or_else(|| ApiError::Unauthorized(format!("missing signature header {}", header_names[0])))?;
    let invalid = || ApiError::Unauthorized(format!("invalid signature in {name}"));
    let presented = presented.trim();
    if presented.len() > MAX_CREDENTIAL_LEN {
        return Err(invalid());
    }
    let presented = presented.strip_prefix("sha256=").unwrap_or(presented);
    let signature = hex::decode(presented).map_err(|_| invalid())?;
    matching(secret, |key| {
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).is_ok_and(|mut mac| {
            mac.update(body);
            mac.verify_slice(&signature).is_ok()
        })
    })
    .ok_or_else(invalid)
}

/// Checks a shared token presented as-is (a header value or a query parameter).
pub fn verify_token(secret: &CarrierSecret, presented: Option<&str>, what: &str) -> Result<SecretSlot, ApiError> {
    let presented = presented.ok_or_else(|| ApiError::Unauthorized(format!("missing {what}")))?;
    let invalid = || ApiError::Unauthorized(format!("invalid {what}"));
    if presented.len() > MAX_CREDENTIAL_LEN {
        return Err(invalid());
    }
    matching(secret, |value| constant_time_eq(presented.as_bytes(), value.as_bytes())).ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The depot's check as its webhook makes it: the configured secret, then its profile's scheme.
    fn verify_bearer(settings: &Settings, carrier: Carrier, headers: &HeaderMap) -> Result<Option<SecretSlot>, ApiError> {
        match configured_secret(settings, carrier)? {
            Some(secret) => authenticate(secret, crate::carriers::profile(carrier), headers, None, &[]).map(Some),
            None => Ok(None),
        }
    }

    fn settings(token: Option<&str>, dev: bool) -> Settings {
        let mut s = Settings::from_lookup(|_| None, &[]).unwrap();
        s.secrets.set(Carrier::Depot, token.map(CarrierSecret::new));
        s.dev = dev;
        s
    }

    fn bearer(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn the_right_token_passes_and_a_wrong_or_missing_one_is_401() {
        let s = settings(Some("t0ken"), false);
        assert!(verify_bearer(&s, Carrier::Depot, &bearer("Bearer t0ken")).is_ok());
        assert_eq!(verify_bearer(&s, Carrier::Depot, &bearer("Bearer t0ke")).unwrap_err().status(), 401);
        assert_eq!(verify_bearer(&s, Carrier::Depot, &HeaderMap::new()).unwrap_err().status(), 401);
    }

    fn signed(name: &str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        h
    }

    #[test]
    fn a_correct_hmac_passes_and_any_other_signature_is_401() {
        let secret = CarrierSecret::new("key");
        let body = br#"{"a":1}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(body);
        let good = hex::encode(mac.finalize().into_bytes());
        assert!(verify_hmac(&secret, &signed("x-sig", &good), &["x-sig"], body).is_ok());
        assert!(verify_hmac(&secret, &signed("x-sig", &good.to_uppercase()), &["x-sig"], body).is_ok());
        assert!(verify_hmac(&secret, &signed("x-alt", &good), &["x-sig", "x-alt"], body).is_ok());
        // Re-serialized JSON under the original signature is refused.
        assert!(verify_hmac(&secret, &signed("x-sig", &good), &["x-sig"], br#"{ "a": 1 }"#).is_err());
        for bad in ["", "abc", &good[..63], &"ab".repeat(5000), "zz"] {
            assert_eq!(verify_hmac(&secret, &signed("x-sig", bad), &["x-sig"], body).unwrap_err().status(), 401, "{bad:.20}");
        }
        assert!(verify_hmac(&secret, &HeaderMap::new(), &["x-sig"], body).is_err());
    }

    #[test]
    fn the_previous_value_is_accepted_beside_the_current_one_and_says_so() {
        let mut s = settings(Some("new-depot-token-0001"), false);
        let mut depot = s.secrets.get(Carrier::Depot).cloned();
        if let Some(depot) = depot.as_mut() {
            depot.previous = Some(crate::settings::Secret::new("old-depot-token-0001"));
        }
        s.secrets.set(Carrier::Depot, depot);
        assert_eq!(verify_bearer(&s, Carrier::Depot, &bearer("Bearer new-depot-token-0001")).unwrap(), Some(SecretSlot::Current));
        assert_eq!(verify_bearer(&s, Carrier::Depot, &bearer("Bearer old-depot-token-0001")).unwrap(), Some(SecretSlot::Previous));
        assert_eq!(verify_bearer(&s, Carrier::Depot, &bearer("Bearer other-depot-token-01")).unwrap_err().status(), 401);
        let rotating = CarrierSecret { current: crate::settings::Secret::new("new"), previous: Some(crate::settings::Secret::new("key")) };
        let body = b"{}";
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(body);
        let old_signature = hex::encode(mac.finalize().into_bytes());
        assert_eq!(verify_hmac(&rotating, &signed("x-sig", &old_signature), &["x-sig"], body).unwrap(), SecretSlot::Previous);
        assert_eq!(verify_token(&rotating, Some("key"), "token").unwrap(), SecretSlot::Previous);
        assert_eq!(verify_token(&rotating, Some("new"), "token").unwrap(), SecretSlot::Current);
    }

    #[test]
    fn an_unset_token_is_503_naming_the_variable_unless_in_dev_mode() {
        let err = verify_bearer(&settings(None, false), Carrier::Depot, &HeaderMap::new()).unwrap_err();
        assert_eq!(err.status(), 503);
        assert!(err.to_string().contains("WAYBILL_DEPOT_TOKEN"));
        assert_eq!(verify_bearer(&settings(None, true), Carrier::Depot, &HeaderMap::new()).unwrap(), None);
    }
}
