//! The secrets among the settings: each carrier's credential (with an optional previous
//! value, so a rotation needs no window of `401`s), the database URL (which may carry a
//! password) and the `AWS_*` variables. All of them are kept in `secrecy` wrappers, so no
//! `Debug` output or log line shows them.
use super::SettingsError;
use crate::domain::Carrier;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::fmt;

/// Shortest carrier secret accepted at start-up: a short one can be guessed.
pub const MIN_SECRET_BYTES: usize = 16;

/// A configured secret; its `Debug` never shows the value.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// A carrier's credential: the current value, and the previous one while carriers move over.
#[derive(Clone, Debug)]
pub struct CarrierSecret {
    pub current: Secret,
    pub previous: Option<Secret>,
}

impl CarrierSecret {
    pub fn new(current: impl Into<String>) -> Self {
        Self { current: Secret::new(current), previous: None }
    }

    /// The values to try, the current one first.
    pub fn candidates(&self) -> impl Iterator<Item = (SecretSlot, &Secret)> {
        std::iter::once((SecretSlot::Current, &self.current)).chain(self.previous.iter().map(|p| (SecretSlot::Previous, p)))
    }
}

/// Which of a carrier's two values a request was authenticated with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretSlot {
    Current,
    Previous,
}

/// Each configured carrier's secret.
#[derive(Clone, Debug, Default)]
pub struct CarrierSecrets(HashMap<Carrier, CarrierSecret>);

impl CarrierSecrets {
    /// Reads every carrier's variable and its previous one (named in its profile); each
    /// must be at least [`MIN_SECRET_BYTES`] long.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let mut secrets = Self::default();
        for profile in crate::carriers::profiles() {
            let (current_name, previous_name) = (profile.secret_variable, profile.previous_secret_variable);
            let current = get(current_name).map(|v| checked(current_name, v)).transpose()?;
            let previous = get(previous_name).map(|v| checked(previous_name, v)).transpose()?;
            match (current, previous) {
                (Some(current), previous) => secrets.set(profile.carrier, Some(CarrierSecret { current, previous })),
                (None, Some(_)) => {
                    return Err(SettingsError {
                        name: previous_name,
                        reason: format!("is set but {current_name} is not; set the new value in {current_name}"),
                    })
                }
                (None, None) => {}
            }
        }
        Ok(secrets)
    }

    pub fn get(&self, carrier: Carrier) -> Option<&CarrierSecret> {
        self.0.get(&carrier)
    }

    /// Sets (or, with `None`, removes) a carrier's secret.
    pub fn set(&mut self, carrier: Carrier, secret: Option<CarrierSecret>) {
        match secret {
            Some(secret) => self.0.insert(carrier, secret),
            None => self.0.remove(&carrier),
        };
    }

    /// The variable an operator sets to configure this carrier's secret.
    pub fn variable(carrier: Carrier) -> &'static str {
        crate::carriers::profile(carrier).secret_variable
    }

    /// The variable that holds the previous value during a rotation.
    pub fn previous_variable(carrier: Carrier) -> &'static str {
        crate::carriers::profile(carrier).previous_secret_variable
    }
}

fn checked(name: &'static str, value: String) -> Result<Secret, SettingsError> {
    let bytes = value.len();
    if bytes < MIN_SECRET_BYTES {
        return Err(SettingsError {
            name,
            reason: format!(
                "is {bytes} bytes long; at least {MIN_SECRET_BYTES} are needed (for example the output of `openssl rand -hex 32`)"
            ),
        });
    }
    Ok(Secret::new(value))
}

/// The `AWS_*` variables, for the S3 store builder; `Debug` shows their names only.
#[derive(Clone, Default)]
pub struct AwsVars(Vec<(String, Secret)>);

impl AwsVars {
    pub fn from_all(all: &[(String, String)]) -> Self {
        Self(all.iter().filter(|(k, _)| k.starts_with("AWS_")).map(|(k, v)| (k.clone(), Secret::new(v.clone()))).collect())
    }

    /// The pairs as the store builder takes them.
    pub fn expose(&self) -> Vec<(String, String)> {
        self.0.iter().map(|(k, v)| (k.clone(), v.expose().to_string())).collect()
    }
}

impl fmt::Debug for AwsVars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter().map(|(k, _)| format!("{k}=[redacted]"))).finish()
    }
}
