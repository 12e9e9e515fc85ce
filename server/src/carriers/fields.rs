//! Reading fields out of a JSON body with errors that name the field and say why.
use super::ParseError;
use serde_json::{Map, Value};

/// Parses a body that must be a JSON object; `what` names it in errors (e.g. `form_data`).
pub fn json_object(body: &[u8], what: &str) -> Result<Map<String, Value>, ParseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::new(what, "is empty; expected a JSON object"));
    }
    let text = std::str::from_utf8(body).map_err(|e| ParseError::new(what, format!("is not valid UTF-8 ({e})")))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ParseError::new(what, format!("expected a JSON object, got {}", kind(&other)))),
        Err(e) => Err(ParseError::new(what, format!("is not valid JSON ({e})"))),
    }
}

/// The tracking number at `path` in a JSON body, if there is a valid one.
pub fn identifier_at(body: &[u8], path: &[&str]) -> Option<String> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    for key in path {
        value = value.get_mut(*key)?.take();
    }
    let text = match value {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    crate::domain::TrackingNumber::parse(&text).ok().map(|n| n.to_string())
}

/// A required string (numbers are accepted and written as text, since some carriers send
/// identifiers as numbers).
pub fn required_text(obj: &Map<String, Value>, prefix: &str, name: &str) -> Result<String, ParseError> {
    optional_text(obj, prefix, name)?.ok_or_else(|| ParseError::new(path(prefix, name), "is required"))
}

/// An optional string; `null` and blank count as absent.
pub fn optional_text(obj: &Map<String, Value>, prefix: &str, name: &str) -> Result<Option<String>, ParseError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(ParseError::new(path(prefix, name), format!("expected a string, got {}", kind(other)))),
    }
}

/// An optional nested object; `null` counts as absent.
pub fn optional_object<'a>(obj: &'a Map<String, Value>, prefix: &str, name: &str) -> Result<Option<&'a Map<String, Value>>, ParseError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(other) => Err(ParseError::new(path(prefix, name), format!("expected an object, got {}", kind(other)))),
    }
}

/// An optional whole number (a numeric string is accepted too).
pub fn optional_integer(obj: &Map<String, Value>, prefix: &str, name: &str) -> Result<Option<i64>, ParseError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(other) => Err(ParseError::new(path(prefix, name), format!("expected a whole number, got {}", kind(other)))),
    }
}

/// An optional `{"lat":…,"lng":…}` with both in range; anything else is absent.
pub fn optional_position(obj: &Map<String, Value>, name: &str) -> Option<crate::domain::Position> {
    let inner = obj.get(name)?.as_object()?;
    let lat = inner.get("lat")?.as_f64()?;
    let lng = inner.get("lng")?.as_f64()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)).then_some(crate::domain::Position { lat, lng })
}

pub fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field_and_the_problem() {
        let obj = json_object(br#"{"a": 1, "b": [1], "c": " "}"#, "form_data").unwrap();
        assert_eq!(required_text(&obj, "form_data", "a").unwrap(), "1");
        assert_eq!(required_text(&obj, "form_data", "b").unwrap_err().to_string(), "form_data.b: expected a string, got an array");
        assert_eq!(required_text(&obj, "form_data", "c").unwrap_err().to_string(), "form_data.c: is required");
    }

    #[test]
    fn non_objects_and_broken_json_are_refused() {
        assert!(json_object(b"[1,2]", "body").unwrap_err().reason.contains("got an array"));
        assert!(json_object(b"{", "body").unwrap_err().reason.contains("not valid JSON"));
        assert!(json_object(b"\xff\xfe", "body").unwrap_err().reason.contains("UTF-8"));
        assert!(json_object(b"  ", "body").unwrap_err().reason.contains("empty"));
    }
}
