//! Carriers as people know them ("KeyDelivery", "Uber Direct"), for the pages; URLs, the
//! database and the JSON API keep the lower-case code (CONTRACT §2, §4).

/// The display name of a carrier code; an unknown code is shown as it is.
pub fn carrier_name(code: &str) -> &str {
    match code {
        "deliverect" => "Deliverect",
        "uber" => "Uber Direct",
        "depot" => "Depot",
        "peddler" => "Peddler",
        "keydelivery" => "KeyDelivery",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::carrier_name;

    #[test]
    fn carriers_are_shown_by_their_own_spelling() {
        assert_eq!(carrier_name("keydelivery"), "KeyDelivery");
        assert_eq!(carrier_name("uber"), "Uber Direct");
        assert_eq!(carrier_name("fedex"), "fedex");
    }
}
