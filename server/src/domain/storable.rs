//! Normalized text that every supported database stores. A carrier's JSON may carry any
//! string JSON allows: `\u0000` (which PostgreSQL `text` refuses, so the delivery would fail
//! on every retry), other control characters, or a megabyte in one field. The raw body
//! keeps every byte as it came; what the timeline, the pages and the indexes get is cut
//! to this shape once, here, for every carrier and for staff work alike.
//!
//! Texts the public page shows (descriptions, the carriers' own wordings, places) also lose
//! what is personal data whatever field it came in: coordinates, phone numbers in
//! international or Dutch form, and email addresses become "…".
use super::{NormalizedDelivery, NormalizedEvent};
use regex::Regex;
use std::sync::LazyLock;

/// Longest a timeline text (description, headline) is kept, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest a short field (status text, substatus, place, courier, reference) is kept.
pub const MAX_SHORT_CHARS: usize = 200;
/// Longest a URL of remote POD is kept; a longer one is dropped, not cut (a cut URL is wrong).
pub const MAX_URL_CHARS: usize = 2048;

/// `text` without NUL and other control characters (tabs and line breaks become spaces
/// in short fields, and stay in long ones), cut to `max` characters.
pub fn storable_text(text: &str, max: usize, keep_lines: bool) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut kept = 0;
    for c in text.chars() {
        if kept >= max {
            break;
        }
        kept += 1;
        match c {
            '\n' | '\t' | '\r' if keep_lines => out.push(c),
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() => kept -= 1,
            c => out.push(c),
        }
    }
    out
}

/// A public place name, or `None` when the carrier gave none: empty, the word "null", or
/// coordinates (a doorstep is personal data; positions go to the courier, share link only).
pub fn public_place(location: &str) -> Option<String> {
    let place = storable_text(location, MAX_SHORT_CHARS, false).trim().to_string();
    if place.is_empty() || place.eq_ignore_ascii_case("null") || looks_like_coordinates(&place) {
        return None;
    }
    Some(public_text(&place)).filter(|p| p.trim() != HIDDEN)
}

/// What replaces personal data inside a public text.
const HIDDEN: &str = "…";

/// Coordinates (decimal point or comma), phone numbers (`+31 6 12345678`, `0612345678`) and
/// email addresses inside a text.
static PERSONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // A pair where one number has at least three decimals: the other may be as short as
        // "54.69" or "54" (a carrier's or a formatter's rounding), and still locates a person.
        r"-?\d{1,3}[.,]\d{3,}\s*[,;/ ]\s*-?\d{1,3}(?:[.,]\d+)?",
        r"|-?\d{1,3}(?:[.,]\d+)?\s*[,;/ ]\s*-?\d{1,3}[.,]\d{3,}",
        r"|\+\d[\d\s().-]{6,}\d",
        r"|\b0[1-9](?:[\s-]?\d){8}\b",
        r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    ))
    .expect("a valid pattern")
});

/// `text` with coordinates, phone numbers and email addresses replaced by "…".
pub fn public_text(text: &str) -> String {
    PERSONAL.replace_all(text, HIDDEN).into_owned()
}

/// "52.34100, 4.82364", "52.341 4.823", "52,341 4,823", "lat 52.3 lng 4.8": two or more
/// decimal numbers and nothing but separators and axis names around them.
fn looks_like_coordinates(text: &str) -> bool {
    let rest: String = text.to_ascii_lowercase().replace("lat", " ").replace("lng", " ").replace("lon", " ");
    let numbers = |parts: Vec<&str>| {
        parts.len() >= 2 && parts.iter().all(|p| p.replace(',', ".").parse::<f64>().is_ok()) && parts.iter().any(|p| p.contains(['.', ',']))
    };
    let words = |separators: &[char]| -> Vec<&str> {
        rest.split(|c: char| separators.contains(&c) || c.is_whitespace()).filter(|p| !p.is_empty()).collect()
    };
    numbers(words(&[',', ';', '/', ':'])) || numbers(words(&[';', '/', ':']))
}

impl NormalizedEvent {
    fn make_storable(&mut self) {
        self.substatus = storable_text(&self.substatus, MAX_SHORT_CHARS, false);
        self.raw_status = storable_text(&self.raw_status, MAX_SHORT_CHARS, false);
        self.dedupe_key = storable_text(&self.dedupe_key, MAX_TEXT_CHARS, false);
        self.description =
            self.description.as_deref().map(|d| public_text(&storable_text(d, MAX_TEXT_CHARS, true))).filter(|d| !d.trim().is_empty());
        self.location = self.location.as_deref().and_then(public_place);
        self.texts = std::mem::take(&mut self.texts)
            .into_iter()
            .map(|(language, mut text)| {
                text.headline = text.headline.map(|h| public_text(&storable_text(&h, MAX_SHORT_CHARS, false)));
                text.description = text.description.map(|d| public_text(&storable_text(&d, MAX_TEXT_CHARS, true)));
                (storable_text(&language, 16, false), text)
            })
            .collect();
    }
}

impl NormalizedDelivery {
    /// Cuts every text this delivery will write to a storable shape (see the module doc).
    pub fn make_storable(&mut self) {
        for event in &mut self.events {
            event.make_storable();
        }
        for reference in &mut self.references {
            *reference = storable_text(reference, MAX_SHORT_CHARS, false);
        }
        self.references.retain(|r| !r.is_empty());
        if let Some(courier) = &mut self.courier {
            courier.name = courier.name.as_deref().map(|n| storable_text(n, MAX_SHORT_CHARS, false));
            courier.vehicle = courier.vehicle.as_deref().map(|v| storable_text(v, MAX_SHORT_CHARS, false));
        }
        for pod in &mut self.remote_pods {
            pod.url = pod.url.take().filter(|u| u.chars().count() <= MAX_URL_CHARS && !u.chars().any(char::is_control));
            pod.value = pod.value.as_deref().map(|v| storable_text(v, MAX_SHORT_CHARS, false));
        }
        self.recorded_by = self.recorded_by.as_deref().map(|r| storable_text(r, MAX_SHORT_CHARS, false));
        self.staff_note = self.staff_note.as_deref().map(|n| storable_text(n, MAX_TEXT_CHARS, true)).filter(|n| !n.trim().is_empty());
        for void in &mut self.voids {
            void.reason = void.reason.as_deref().map(|r| storable_text(r, MAX_TEXT_CHARS, true)).filter(|r| !r.trim().is_empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_control_characters_are_removed_and_long_text_is_cut() {
        assert_eq!(storable_text("Left\u{0}at\u{7}door", 100, false), "Leftatdoor");
        assert_eq!(storable_text("two\nlines", 100, true), "two\nlines");
        assert_eq!(storable_text("two\nlines", 100, false), "two lines");
        assert_eq!(storable_text(&"é".repeat(5000), MAX_TEXT_CHARS, true).chars().count(), MAX_TEXT_CHARS);
        // Not a control character: kept (the pages escape it for scripts).
        assert_eq!(storable_text("a\u{2028}b", 100, false), "a\u{2028}b");
    }

    #[test]
    fn coordinates_and_empty_places_are_no_public_place() {
        for hidden in ["52.34100, 4.82364", "52.341 4.823", "lat 52.3, lng 4.8", "-74.0094,40.7205", "null", "  ", "NULL"] {
            assert_eq!(public_place(hidden), None, "{hidden}");
        }
        for kept in ["Amsterdam depot", "Utrecht", "Hub 12", "Schiphol, NL"] {
            assert_eq!(public_place(kept).as_deref(), Some(kept));
        }
        assert_eq!(public_place("52,3410 4,8236"), None, "decimal commas too");
    }

    #[test]
    fn phone_numbers_emails_and_coordinates_inside_a_text_are_hidden() {
        let text = "Left with neighbour, call +31 6 1234 5678 or 0612345678, mail jo@example.nl, at 52.34012, 4.82311";
        assert_eq!(public_text(text), "Left with neighbour, call … or …, mail …, at …");
        // Dates, times, counts and tracking numbers are no personal data.
        for kept in ["Delivered 2025-10-08 10:15", "2 of 3 parcels", "Scan at hub 12", "Article ARP1000052447", "Partial delivery"] {
            assert_eq!(public_text(kept), kept);
        }
        // A property test's find: the second number rounded short still makes a position.
        assert_eq!(public_text("at 11.04952, 54.69"), "at …");
        assert_eq!(public_text("at 54.69, 11.04952"), "at …");
        assert_eq!(public_text("at 11.04952 54"), "at …");
        assert_eq!(public_text("between 10.15, 11.30"), "between 10.15, 11.30", "two short numbers are no position");
    }
}
