//! Carrier timestamps. RFC 3339 is the norm; a time without a zone is read as UTC (and
//! documented as such), since that is what the carriers here mean by it.
use super::ParseError;
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

/// Parses `text` as the time in field `field`; years outside 1970–2200 are refused as
/// typos rather than stored as real dates.
pub fn parse_carrier_time(field: &str, text: &str) -> Result<DateTime<Utc>, ParseError> {
    let trimmed = text.trim();
    let parsed = DateTime::parse_from_rfc3339(trimmed)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(trimmed, format).ok())
                .map(|naive| naive.and_utc())
                .ok_or(())
        })
        .map_err(|_| ParseError::new(field, format!("{trimmed:?} is not a valid time; expected RFC 3339 such as 2025-10-08T10:15:00Z")))?;
    if !(1970..=2200).contains(&parsed.year()) {
        return Err(ParseError::new(field, format!("{trimmed:?} is out of range (year {})", parsed.year())));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_converted_to_utc_and_zoneless_times_are_read_as_utc() {
        let with_offset = parse_carrier_time("t", "2025-10-08T12:15:00+02:00").unwrap();
        let zoneless = parse_carrier_time("t", "2025-10-08 10:15:00").unwrap();
        assert_eq!(with_offset, zoneless);
        assert_eq!(with_offset.to_rfc3339(), "2025-10-08T10:15:00+00:00");
    }

    #[test]
    fn nonsense_and_out_of_range_times_name_the_field() {
        assert_eq!(parse_carrier_time("form_data.track_datetime", "yesterday").unwrap_err().field, "form_data.track_datetime");
        assert!(parse_carrier_time("t", "2025-13-45T10:00:00Z").is_err());
        assert!(parse_carrier_time("t", "9999-01-01T00:00:00Z").unwrap_err().reason.contains("out of range"));
    }
}
