//! Tests of every adapter at once: each profile is the carrier's own, and no body, however
//! broken, makes an adapter panic. The fuzzed fixtures are every profile's `samples.fixtures`,
//! so a new carrier is fuzzed as soon as its file exists.
use super::*;
use proptest::prelude::*;
use proptest::sample::Index;

fn adapters() -> Adapters {
    Adapters::new(FixedOffset::east_opt(0).unwrap())
}

#[test]
fn every_carrier_has_its_own_profile_paths_and_secret_variable() {
    let mut paths = std::collections::HashSet::new();
    let mut variables = std::collections::HashSet::new();
    for carrier in Carrier::ALL.iter().copied() {
        let profile = profile(carrier);
        assert_eq!(profile.carrier, carrier, "{carrier}'s profile is its own");
        assert_eq!(adapters().get(carrier).carrier(), carrier, "{carrier}'s adapter is its own");
        assert!(!profile.paths.is_empty() && profile.paths.iter().all(|p| p.starts_with('/') && paths.insert(*p)), "{carrier}");
        assert!(profile.secret_variable.starts_with("WAYBILL_") && variables.insert(profile.secret_variable), "{carrier}");
        assert_eq!(profile.previous_secret_variable, format!("{}_PREVIOUS", profile.secret_variable));
    }
    assert_eq!(profile(Carrier::Keydelivery).name, "KeyDelivery");
}

/// Every carrier's fixtures, from its profile.
fn fixtures() -> Vec<(Carrier, &'static str)> {
    profiles().flat_map(|p| p.samples.fixtures.iter().map(move |f| (p.carrier, f.body))).collect()
}

#[test]
fn every_carrier_has_a_fixture_to_fuzz() {
    let fuzzed: std::collections::HashSet<Carrier> = fixtures().into_iter().map(|(carrier, _)| carrier).collect();
    assert_eq!(fuzzed, Carrier::ALL.iter().copied().collect());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_any_adapter(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for carrier in Carrier::ALL.iter().copied() {
            let _ = adapters().get(carrier).parse(&body, Utc::now());
        }
    }

    #[test]
    fn fixtures_with_one_byte_changed_never_panic(index in 0usize..4096, byte in any::<u8>(), which in any::<Index>()) {
        let (carrier, text) = *which.get(&fixtures());
        let mut body = text.as_bytes().to_vec();
        let i = index % body.len();
        body[i] = byte;
        let _ = adapters().get(carrier).parse(&body, Utc::now());
    }

    #[test]
    fn fixture_fields_replaced_by_any_json_value_never_panic(which in any::<Index>(), field in 0usize..64, value in any_json()) {
        let (carrier, text) = *which.get(&fixtures());
        let mut json: serde_json::Value = serde_json::from_str(text).unwrap();
        if let Some(obj) = json.as_object_mut() {
            let keys: Vec<String> = obj.keys().cloned().collect();
            let key = &keys[field % keys.len()];
            obj.insert(key.clone(), value);
        }
        let _ = adapters().get(carrier).parse(json.to_string().as_bytes(), Utc::now());
    }
}

fn any_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let body = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for carrier in Carrier::ALL.iter().copied() {
        assert!(adapters().get(carrier).parse(body.as_bytes(), Utc::now()).is_err());
    }
}

#[test]
fn status_text_becomes_a_snake_case_key() {
    assert_eq!(snake_key("RTS- Return to Sender"), "rts_return_to_sender");
    assert_eq!(snake_key("  Received in   Depo "), "received_in_depo");
    assert_eq!(snake_key("--"), "");
}
