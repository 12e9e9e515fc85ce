//! The shop's own brand on the customer pages: its name (header, title, `og:` tags), logo,
//! accent colours (served as CSS custom properties by `/brand.css`), support link, footer,
//! default language and time zone.
//!
//! The server reads the brands once at start-up (`WAYBILL_BRAND_*`, or `WAYBILL_BRANDS_FILE`
//! for several) and checks them; each request gets the brand of its `Host` (`Brands::for_host`),
//! which `App` hands to the browser with the page (a `SharedValue`), so that the hydrated page
//! renders what the server rendered.
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One brand, as the pages use it. Colours are `#rrggbb`, checked at start-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub name: String,
    /// An image URL (https, or a path on this site).
    pub logo_url: Option<String>,
    pub favicon_url: Option<String>,
    /// Links and buttons in the light scheme.
    pub accent: Option<String>,
    /// Links and buttons in the dark scheme; Waybill's own when unset.
    pub accent_dark: Option<String>,
    /// Where customers get help: a URL or an e-mail address.
    pub support: Option<String>,
    pub footer: Option<String>,
    /// For visitors whose browser asks for no language Waybill speaks.
    pub language: Lang,
    /// The IANA zone the server renders times in, before the browser shows its own.
    pub time_zone: String,
}

impl Default for Brand {
    fn default() -> Self {
        Self {
            name: "Waybill".into(),
            logo_url: None,
            favicon_url: None,
            accent: None,
            accent_dark: None,
            support: None,
            footer: None,
            language: Lang::En,
            time_zone: "UTC".into(),
        }
    }
}

impl Brand {
    /// The support link's target: `mailto:` for an address, the URL otherwise.
    pub fn support_href(&self) -> Option<String> {
        let support = self.support.as_deref()?.trim();
        if support.contains('@') && !support.contains("://") && !support.starts_with("mailto:") {
            Some(format!("mailto:{support}"))
        } else {
            Some(support.to_string())
        }
    }

    /// What the support link says: the address or the URL without its scheme.
    pub fn support_label(&self) -> Option<String> {
        let support = self.support.as_deref()?.trim();
        let bare = support.trim_start_matches("mailto:").trim_start_matches("https://").trim_start_matches("http://");
        Some(bare.trim_end_matches('/').to_string())
    }

    /// The stylesheet `/brand.css` serves for this brand: only its own colours, each for the
    /// scheme it was checked in (`html:root` outranks the main stylesheet's `:root`, which
    /// the page loads after this one).
    pub fn stylesheet(&self) -> String {
        let mut css = String::new();
        if let Some(accent) = &self.accent {
            css.push_str(&format!("@media not (prefers-color-scheme: dark) {{ html:root {{ --accent: {accent}; }} }}\n"));
        }
        if let Some(accent) = &self.accent_dark {
            css.push_str(&format!("@media (prefers-color-scheme: dark) {{ html:root {{ --accent: {accent}; }} }}\n"));
        }
        css
    }

    pub fn has_stylesheet(&self) -> bool {
        self.accent.is_some() || self.accent_dark.is_some()
    }
}

/// Every brand, and which host shows which; an unknown host gets the default.
#[derive(Clone, Debug, Default)]
pub struct Brands {
    pub default: Brand,
    /// By lower-case host name, without a port.
    pub by_host: HashMap<String, Brand>,
}

impl Brands {
    /// The brand for a `Host` header value (`shop.example:8080` is `shop.example`).
    pub fn for_host(&self, host: Option<&str>) -> &Brand {
        host.map(host_name).and_then(|h| self.by_host.get(&h)).unwrap_or(&self.default)
    }

    /// The brand host a `Host` header value names (lower case, no port), or `None` when it
    /// names no brand of its own (the default brand).
    pub fn brand_host(&self, host: Option<&str>) -> Option<String> {
        host.map(host_name).filter(|h| self.by_host.contains_key(h))
    }
}

/// `Shop.Example:8080` → `shop.example`; IPv6 literals keep their brackets.
pub fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => &host[..i],
        _ => host,
    };
    name.to_ascii_lowercase()
}

/// How the brands reach the pages on the server, through Leptos context.
pub type SharedBrands = std::sync::Arc<Brands>;

/// The brand of the request being rendered (server only; the default without a request).
#[cfg(feature = "ssr")]
pub fn request_brand() -> Brand {
    use leptos::prelude::use_context;
    let Some(brands) = use_context::<SharedBrands>() else {
        return Brand::default();
    };
    let parts = use_context::<http::request::Parts>();
    let host = parts.as_ref().and_then(|p| p.headers.get(http::header::HOST)).and_then(|v| v.to_str().ok());
    brands.for_host(host).clone()
}

/// The brand the page is rendered with: from the context `App` provides, Waybill's otherwise.
pub fn use_brand() -> Brand {
    leptos::prelude::use_context::<Brand>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_with_a_port_or_in_capitals_finds_its_brand_and_an_unknown_one_the_default() {
        let shop = Brand { name: "Shop".into(), ..Brand::default() };
        let brands = Brands { default: Brand::default(), by_host: [("shop.example".to_string(), shop)].into_iter().collect() };
        assert_eq!(brands.for_host(Some("Shop.Example:8080")).name, "Shop");
        assert_eq!(brands.for_host(Some("other.example")).name, "Waybill");
        assert_eq!(brands.for_host(None).name, "Waybill");
        assert_eq!(host_name("[::1]:3000"), "[::1]");
    }

    #[test]
    fn support_is_a_mail_link_for_an_address_and_the_url_otherwise() {
        let mail = Brand { support: Some("help@shop.example".into()), ..Brand::default() };
        assert_eq!(mail.support_href().as_deref(), Some("mailto:help@shop.example"));
        let web = Brand { support: Some("https://shop.example/help/".into()), ..Brand::default() };
        assert_eq!(web.support_href().as_deref(), Some("https://shop.example/help/"));
        assert_eq!(web.support_label().as_deref(), Some("shop.example/help"));
    }

    #[test]
    fn the_stylesheet_sets_only_the_colours_the_brand_has() {
        assert_eq!(Brand::default().stylesheet(), "");
        let css = Brand { accent: Some("#123456".into()), ..Brand::default() }.stylesheet();
        assert_eq!(css, "@media not (prefers-color-scheme: dark) { html:root { --accent: #123456; } }\n");
    }
}
