//! The brands the customer pages show, read at start-up: the default brand from
//! `WAYBILL_BRAND_*` (and `WAYBILL_DEFAULT_TIMEZONE`), and further brands by host from the
//! TOML file `WAYBILL_BRANDS_FILE`. Every brand is checked before the server starts: its
//! colours must meet WCAG AA contrast (4.5:1) where the pages use them, its zone must be an
//! IANA name, its language one Waybill speaks. A failure names the brand and the field.
use super::SettingsError;
use app::brand::{host_name, Brand, Brands};
use app::i18n::Lang;
use palette::color_difference::Wcag21RelativeContrast;
use palette::Srgb;
use serde::Deserialize;
use std::str::FromStr;

/// WCAG 2.1 AA for normal text.
const MIN_CONTRAST: f32 = 4.5;

/// What an accent colour is drawn on: the page and card backgrounds of each scheme
/// (`style/main.css`), and it is the background of button text in the card colour.
const LIGHT_BACKGROUNDS: [(&str, &str); 2] = [("#ffffff", "the white card and button text"), ("#f6f7f9", "the light page")];
const DARK_BACKGROUNDS: [(&str, &str); 2] = [("#1b2026", "the dark card and button text"), ("#111418", "the dark page")];

/// One brand as the file writes it; unset language and zone are the default brand's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandEntry {
    hosts: Vec<String>,
    name: String,
    logo_url: Option<String>,
    favicon_url: Option<String>,
    accent: Option<String>,
    accent_dark: Option<String>,
    support: Option<String>,
    footer: Option<String>,
    language: Option<String>,
    time_zone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandsFile {
    #[serde(default)]
    brand: Vec<BrandEntry>,
}

pub fn brands_from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Brands, SettingsError> {
    let env_error = |name: &'static str| move |reason: String| SettingsError { name, reason };
    let default = Brand {
        name: get("WAYBILL_BRAND_NAME").unwrap_or_else(|| "Waybill".into()),
        logo_url: get("WAYBILL_BRAND_LOGO_URL"),
        favicon_url: get("WAYBILL_BRAND_FAVICON_URL"),
        accent: get("WAYBILL_BRAND_ACCENT")
            .map(|c| accent(&c, &LIGHT_BACKGROUNDS))
            .transpose()
            .map_err(env_error("WAYBILL_BRAND_ACCENT"))?,
        accent_dark: get("WAYBILL_BRAND_ACCENT_DARK")
            .map(|c| accent(&c, &DARK_BACKGROUNDS))
            .transpose()
            .map_err(env_error("WAYBILL_BRAND_ACCENT_DARK"))?,
        support: get("WAYBILL_BRAND_SUPPORT"),
        footer: get("WAYBILL_BRAND_FOOTER"),
        language: get("WAYBILL_BRAND_LANGUAGE")
            .map(|l| language(&l))
            .transpose()
            .map_err(env_error("WAYBILL_BRAND_LANGUAGE"))?
            .unwrap_or_default(),
        time_zone: get("WAYBILL_DEFAULT_TIMEZONE")
            .map(|z| zone(&z))
            .transpose()
            .map_err(env_error("WAYBILL_DEFAULT_TIMEZONE"))?
            .unwrap_or_else(|| "UTC".into()),
    };
    let mut brands = Brands { default, by_host: Default::default() };
    if let Some(path) = get("WAYBILL_BRANDS_FILE") {
        let file_error = |reason: String| SettingsError { name: "WAYBILL_BRANDS_FILE", reason: format!("{path}: {reason}") };
        let text = std::fs::read_to_string(&path).map_err(|e| file_error(format!("cannot be read ({e})")))?;
        let file: BrandsFile = toml::from_str(&text).map_err(|e| file_error(e.to_string()))?;
        for entry in file.brand {
            let name = entry.name.clone();
            let brand =
                from_entry(&entry, &brands.default).map_err(|(field, reason)| file_error(format!("brand {name:?}, {field}: {reason}")))?;
            if entry.hosts.is_empty() {
                return Err(file_error(format!("brand {name:?} names no hosts")));
            }
            for host in &entry.hosts {
                if brands.by_host.insert(host_name(host), brand.clone()).is_some() {
                    return Err(file_error(format!("host {host:?} is given to two brands")));
                }
            }
        }
    }
    Ok(brands)
}

fn from_entry(entry: &BrandEntry, default: &Brand) -> Result<Brand, (&'static str, String)> {
    if entry.name.trim().is_empty() {
        return Err(("name", "is empty".into()));
    }
    Ok(Brand {
        name: entry.name.clone(),
        logo_url: entry.logo_url.clone(),
        favicon_url: entry.favicon_url.clone(),
        accent: entry.accent.as_deref().map(|c| accent(c, &LIGHT_BACKGROUNDS)).transpose().map_err(|e| ("accent", e))?,
        accent_dark: entry.accent_dark.as_deref().map(|c| accent(c, &DARK_BACKGROUNDS)).transpose().map_err(|e| ("accent_dark", e))?,
        support: entry.support.clone(),
        footer: entry.footer.clone(),
        language: entry.language.as_deref().map(language).transpose().map_err(|e| ("language", e))?.unwrap_or(default.language),
        time_zone: entry
            .time_zone
            .as_deref()
            .map(zone)
            .transpose()
            .map_err(|e| ("time_zone", e))?
            .unwrap_or_else(|| default.time_zone.clone()),
    })
}

/// A `#rrggbb` colour that meets AA contrast on every background it is drawn on.
fn accent(text: &str, backgrounds: &[(&str, &str)]) -> Result<String, String> {
    let text = text.trim();
    let colour = parse_colour(text).ok_or_else(|| format!("{text:?} is not a colour such as #0b5cad"))?;
    for (background, what) in backgrounds {
        let ratio = colour.relative_contrast(parse_colour(background).unwrap_or_default());
        if ratio < MIN_CONTRAST {
            return Err(format!("{text} has a contrast of {ratio:.2}:1 against {what} ({background}); WCAG AA needs {MIN_CONTRAST}:1"));
        }
    }
    Ok(text.to_ascii_lowercase())
}

fn parse_colour(text: &str) -> Option<Srgb<f32>> {
    let hex = text.strip_prefix('#')?;
    (hex.len() == 6).then_some(())?;
    Srgb::<u8>::from_str(text).ok().map(|c| c.into_format())
}

fn language(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("{text:?} is not a language Waybill speaks (en, nl)"))
}

fn zone(text: &str) -> Result<String, String> {
    let text = text.trim();
    if app::zone::is_known(text) {
        Ok(text.to_string())
    } else {
        Err(format!("{text:?} is not an IANA time zone such as Europe/Amsterdam"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn brands(vars: &[(&str, &str)]) -> Result<Brands, SettingsError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        brands_from_lookup(&|k: &str| map.get(k).cloned())
    }

    #[test]
    fn without_settings_the_brand_is_waybill_in_utc() {
        let b = brands(&[]).unwrap();
        assert_eq!(b.default, Brand::default());
        assert!(b.by_host.is_empty());
    }

    #[test]
    fn an_accent_that_fails_aa_contrast_is_refused_naming_the_field_and_the_ratio() {
        let err = brands(&[("WAYBILL_BRAND_ACCENT", "#ffd700")]).unwrap_err();
        assert_eq!(err.name, "WAYBILL_BRAND_ACCENT");
        assert!(err.reason.contains("#ffd700 has a contrast of 1.") && err.reason.contains("4.5:1"), "{}", err.reason);
        assert!(brands(&[("WAYBILL_BRAND_ACCENT", "#0b5cad")]).is_ok(), "Waybill's own accent passes");
        assert_eq!(brands(&[("WAYBILL_BRAND_ACCENT_DARK", "#0b5cad")]).unwrap_err().name, "WAYBILL_BRAND_ACCENT_DARK", "too dark on dark");
        assert!(brands(&[("WAYBILL_BRAND_ACCENT", "blue")]).unwrap_err().reason.contains("not a colour"));
    }

    #[test]
    fn an_unknown_zone_or_language_is_refused() {
        assert_eq!(brands(&[("WAYBILL_DEFAULT_TIMEZONE", "Europe/Atlantis")]).unwrap_err().name, "WAYBILL_DEFAULT_TIMEZONE");
        assert_eq!(brands(&[("WAYBILL_DEFAULT_TIMEZONE", "Europe/Amsterdam")]).unwrap().default.time_zone, "Europe/Amsterdam");
        assert_eq!(brands(&[("WAYBILL_BRAND_LANGUAGE", "de")]).unwrap_err().name, "WAYBILL_BRAND_LANGUAGE");
    }

    #[test]
    fn the_brands_file_gives_each_host_its_brand_and_a_bad_entry_names_brand_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brands.toml");
        std::fs::write(&path, "[[brand]]\nhosts = [\"track.tulip.example\"]\nname = \"Tulip\"\naccent = \"#7a1f5c\"\n").unwrap();
        let file = path.to_string_lossy().to_string();
        let b = brands(&[("WAYBILL_BRANDS_FILE", &file), ("WAYBILL_DEFAULT_TIMEZONE", "Europe/Amsterdam")]).unwrap();
        let tulip = b.for_host(Some("Track.Tulip.Example:443"));
        assert_eq!((tulip.name.as_str(), tulip.time_zone.as_str()), ("Tulip", "Europe/Amsterdam"));
        assert_eq!(b.for_host(Some("elsewhere.example")).name, "Waybill");

        std::fs::write(&path, "[[brand]]\nhosts = [\"a.example\"]\nname = \"Sunny\"\naccent = \"#ffff00\"\n").unwrap();
        let err = brands(&[("WAYBILL_BRANDS_FILE", &file)]).unwrap_err();
        assert_eq!(err.name, "WAYBILL_BRANDS_FILE");
        assert!(err.reason.contains("brand \"Sunny\", accent: #ffff00 has a contrast"), "{}", err.reason);
        std::fs::write(&path, "[[brand]]\nhosts = [\"a.example\"]\nname = \"X\"\ncolour = \"#000000\"\n").unwrap();
        assert!(brands(&[("WAYBILL_BRANDS_FILE", &file)]).unwrap_err().reason.contains("colour"), "unknown fields are refused");
    }
}
