//! How a typed tracking number is compared with the stored ones: phone keyboards capitalize
//! the first letter ("Wb-demo-1002"), people copy numbers with spaces ("WB DEMO 1002") or
//! leave the dashes out. The stored number stays exactly as the carrier sent it; only the
//! comparison ignores case, spaces and dashes (the database indexes the same expression,
//! `server::queries`).

/// The key a lookup compares: upper case, without white space and dashes.
pub fn lookup_key(number: &str) -> String {
    number.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

#[cfg(test)]
mod tests {
    use super::lookup_key;

    #[test]
    fn case_spaces_and_dashes_do_not_matter() {
        for typed in ["WB-DEMO-1002", "wb-demo-1002", "Wb-demo-1002", "WB DEMO 1002", " wbdemo1002 ", "WB-DEMO 1002"] {
            assert_eq!(lookup_key(typed), "WBDEMO1002", "{typed:?}");
        }
        assert_eq!(lookup_key("del_WBDEMO3001"), "DEL_WBDEMO3001", "underscores and dots are part of a number");
        assert_ne!(lookup_key("WB-DEMO-1002"), lookup_key("WB-DEMO-1003"));
    }
}
