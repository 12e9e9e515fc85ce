//! The languages Waybill speaks, and reading a browser's `Accept-Language`.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Nl => "nl",
        }
    }

    /// The first supported language in an `Accept-Language` header, by its q-values; `None`
    /// when it asks for none that Waybill speaks.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut ranked: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                Some((q, i, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal).then(a.1.cmp(&b.1)));
        ranked.into_iter().filter(|(q, _, _)| *q > 0.0).find_map(|(_, _, tag)| {
            match tag.split('-').next().map(str::to_ascii_lowercase).as_deref() {
                Some("nl") => Some(Self::Nl),
                Some("en") => Some(Self::En),
                _ => None,
            }
        })
    }
}

impl Lang {
    /// `en` or `nl`; anything else is `None`.
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "nl" => Some(Self::Nl),
            _ => None,
        }
    }
}
