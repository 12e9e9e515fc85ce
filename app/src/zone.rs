//! Times in the brand's time zone (`WAYBILL_DEFAULT_TIMEZONE`, an IANA name), as the server
//! renders them, with the zone named ("23:00 CET"). The browser then shows its own zone
//! (`components::LocalTime`); the zone database is compiled into the server only, so the
//! WebAssembly bundle stays small and falls back to UTC where it must compute a time itself.
use crate::i18n::{format_wall, Lang};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Whether `zone` is an IANA zone name Waybill can render in.
#[cfg(feature = "ssr")]
pub fn is_known(zone: &str) -> bool {
    zone.parse::<chrono_tz::Tz>().is_ok()
}

/// The wall-clock time in `zone` and the zone's abbreviation there and then.
fn wall_clock(time: DateTime<Utc>, zone: &str) -> (NaiveDateTime, String) {
    #[cfg(feature = "ssr")]
    if let Ok(tz) = zone.parse::<chrono_tz::Tz>() {
        let local = time.with_timezone(&tz);
        return (local.naive_local(), local.format("%Z").to_string());
    }
    let _ = zone;
    (time.naive_utc(), "UTC".to_string())
}

/// "8 Oct 2025, 23:00 CEST" (or the time alone) in `zone`.
pub fn format_in_zone(lang: Lang, time: DateTime<Utc>, zone: &str, time_only: bool) -> String {
    let (wall, abbreviation) = wall_clock(time, zone);
    format_wall(lang, wall, &abbreviation, time_only)
}

/// The calendar day of `time` in `zone`.
pub fn day_in_zone(time: DateTime<Utc>, zone: &str) -> NaiveDate {
    wall_clock(time, zone).0.date()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_time_is_rendered_in_the_zone_with_the_zone_named_summer_and_winter() {
        assert_eq!(format_in_zone(Lang::En, at("2025-12-08T22:00:00Z"), "Europe/Amsterdam", false), "8 Dec 2025, 23:00 CET");
        assert_eq!(format_in_zone(Lang::Nl, at("2025-07-08T22:00:00Z"), "Europe/Amsterdam", true), "00:00 CEST");
        assert_eq!(format_in_zone(Lang::En, at("2025-07-08T22:00:00Z"), "UTC", false), "8 Jul 2025, 22:00 UTC");
    }

    #[test]
    fn the_day_follows_the_zone_and_an_unknown_zone_is_utc() {
        assert_eq!(day_in_zone(at("2025-12-08T23:30:00Z"), "Europe/Amsterdam").to_string(), "2025-12-09");
        assert_eq!(day_in_zone(at("2025-12-08T23:30:00Z"), "Mars/Olympus").to_string(), "2025-12-08");
        assert!(is_known("America/New_York") && !is_known("Mars/Olympus"));
    }
}
