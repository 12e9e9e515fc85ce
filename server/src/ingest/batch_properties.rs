//! Property tests of the one write path (`write_batch` → `apply_batch`), on SQLite and
//! PostgreSQL, with deliveries of every carrier and staff entries (manual events and
//! voids), repeats, unreadable bodies and POD files:
//! - against a plain model of what each parcel should end up as: the status of the standing
//!   event with the latest carrier time (ties to the later journey step), `updated_at` the
//!   latest carrier time of any standing event, one event per dedupe key;
//! - and batches of any size leave exactly what one delivery per batch leaves: parcels,
//!   statuses, events, references, POD entries, courier trails, each raw delivery's outcome.
use super::input::{parse_input, RawInput};
use super::write_batch::write_batch;
use crate::carriers::Adapters;
use crate::domain::{Carrier, NormalizedDelivery, Origin, TrackingStatus};
use crate::entity::{courier_position, parcel, parcel_reference, pod_file, raw_delivery, share_link, tracking_event};
use crate::storage::StoredPod;
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One generated delivery: carrier, parcel, minute of carrier time, a status pick, a POD pick.
#[derive(Clone, Debug)]
struct Pick {
    carrier: u8,
    parcel: u8,
    minute: u32,
    status: usize,
    pod: Option<u8>,
}

fn at(minute: u32) -> String {
    format!("2025-10-08T{:02}:{:02}:00Z", 10 + minute / 60, minute % 60)
}

/// The `n`th delivery of a run (POD uploads get ids of their own, as real uploads do).
fn input(n: usize, pick: &Pick) -> RawInput {
    let (carrier, body) = match pick.carrier {
        0 => {
            let mut body: serde_json::Value =
                serde_json::from_str(include_str!("../../tests/fixtures/uber-courier-update.json")).unwrap_or_default();
            let id = format!("del_eq_{}", pick.parcel);
            body["created"] = json!(at(pick.minute));
            body["id"] = json!(format!("evt_{}", pick.minute));
            body["delivery_id"] = json!(id);
            body["data"]["id"] = json!(id);
            body["data"]["status"] = json!(["pending", "pickup", "pickup_complete", "dropoff", "delivered"][pick.status % 5]);
            body["data"]["dropoff_eta"] = json!(at(pick.minute + 20));
            body["location"] = json!({"lat": 40.0 + f64::from(pick.minute) / 100.0, "lng": -74.0});
            (Carrier::Uber, body.to_string())
        }
        1 => {
            let status = ["OUT_FOR_DELIVERY", "DELIVERED", "FAILED_ATTEMPT", "SOMETHING_ODD"][pick.status % 4];
            let body = json!({"carrierTrackingNumber": format!("PD-EQ-{}", pick.parcel), "status": status, "ts": at(pick.minute),
                "location": {"lat": 52.0 + f64::from(pick.minute) / 100.0, "lng": 4.8}, "metaData": format!("REF-{}", pick.status % 2)});
            (Carrier::Peddler, body.to_string())
        }
        2 => {
            let descriptions = ["Accepted", "In transit", "Out for delivery", "Delivered"];
            let items: Vec<_> = (0..=pick.status % 3)
                .map(|k| json!({"time": at(pick.minute + 7 * k as u32).replace('T', " ").replace('Z', ""), "context": descriptions[(pick.status + k) % 4], "order_status_description": descriptions[(pick.status + k) % 4]}))
                .collect();
            (
                Carrier::Keydelivery,
                json!({"event": "update", "tracking_number": format!("KD-EQ-{}", pick.parcel), "items": items}).to_string(),
            )
        }
        3 => {
            let code = [83, 87, 90][pick.status % 3];
            let body = json!({"received": at(pick.minute), "orderId": format!("DLV-EQ-{}", pick.parcel),
                "courier": {"firstName": "Sam", "lastName": "J", "status": code}, "deliveryTime": at(pick.minute + 30)});
            (Carrier::Deliverect, body.to_string())
        }
        5 => {
            let status = ["in_transit", "failed_attempt", "delivered"][pick.status % 3];
            let entry = json!({"recorded_by": "staff@example.com", "tracking_number": format!("PD-EQ-{}", pick.parcel),
                "event": {"id": format!("m{}", pick.minute % 4), "occurred_at": at(pick.minute), "status": status, "note": "called"}});
            return staff(n, entry);
        }
        6 => {
            let entry = json!({"recorded_by": "staff@example.com", "tracking_number": format!("PD-EQ-{}", pick.parcel),
                "void": {"dedupe_key": format!("manual:m{}", pick.status % 4), "reason": "wrong"}});
            return staff(n, entry);
        }
        _ => (Carrier::Peddler, "{ not json".to_string()),
    };
    let pod = pick.pod.map(|file| StoredPod {
        id: format!("pod-{n}"),
        key: format!("pods/{file}"),
        sha256: format!("{file:064}"),
        bytes: 10,
        content_type: "image/png".into(),
        original_name: None,
    });
    RawInput {
        carrier,
        origin: Origin::Carrier,
        received_at: "2026-01-01T00:00:00Z".parse().unwrap_or_default(),
        headers: json!({}),
        content_type: Some("application/json".into()),
        body: body.into(),
        pod,
    }
}

/// A staff entry on a Peddler parcel, as the staff actions archive it.
fn staff(n: usize, entry: serde_json::Value) -> RawInput {
    RawInput {
        carrier: Carrier::Peddler,
        origin: Origin::Staff,
        received_at: at(200 + n as u32).parse().unwrap_or_default(),
        headers: json!({}),
        content_type: Some(super::staff_entry::STAFF_CONTENT_TYPE.into()),
        body: entry.to_string().into(),
        pod: None,
    }
}

/// The administrative PostgreSQL URL the integration tests use too.
fn postgres_admin_url() -> String {
    std::env::var("WAYBILL_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A fresh, migrated database: a SQLite file in `dir`, or a PostgreSQL database `name`
/// (made here; the caller drops it with [`drop_postgres`]).
pub(super) async fn fresh(dir: &std::path::Path, name: &str, postgres: bool) -> DatabaseConnection {
    let url = if postgres {
        let admin_url = postgres_admin_url();
        let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
        sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("CREATE DATABASE \"{name}\"")).await.unwrap();
        format!("{}/{name}", admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base))
    } else {
        format!("sqlite://{}/{name}.db?mode=rwc", dir.display())
    };
    let db = crate::db::connect(&url).await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    db
}

pub(super) async fn drop_postgres(db: DatabaseConnection, name: &str) {
    let _ = db.close().await;
    let admin = sea_orm::Database::connect(&postgres_admin_url()).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.unwrap();
}

/// Everything the deliveries wrote, with database ids replaced by what they stand for.
async fn dump(db: &DatabaseConnection) -> Vec<String> {
    let parcels = parcel::Entity::find().all(db).await.unwrap();
    let name: HashMap<i64, String> = parcels.iter().map(|p| (p.id, format!("{}/{}", p.carrier, p.tracking_number))).collect();
    let mut out: Vec<String> = parcels.into_iter().map(|p| format!("{:?}", parcel::Model { id: 0, ..p })).collect();
    for e in tracking_event::Entity::find().all(db).await.unwrap() {
        out.push(format!("{} {:?}", name[&e.parcel_id], tracking_event::Model { id: 0, parcel_id: 0, ..e }));
    }
    for r in parcel_reference::Entity::find().all(db).await.unwrap() {
        out.push(format!("{} reference {}", name[&r.parcel_id], r.reference));
    }
    for p in pod_file::Entity::find().all(db).await.unwrap() {
        let id = if p.storage_key.is_empty() { String::new() } else { p.id.clone() };
        out.push(format!("{} {:?}", name[&p.parcel_id], pod_file::Model { id, parcel_id: 0, ..p }));
    }
    for c in courier_position::Entity::find().all(db).await.unwrap() {
        out.push(format!("{} {:?}", name[&c.parcel_id], courier_position::Model { id: 0, parcel_id: 0, ..c }));
    }
    for l in share_link::Entity::find().all(db).await.unwrap() {
        out.push(format!("{} share link", name[&l.parcel_id]));
    }
    // The written read model too (how often it was rewritten depends on the batches).
    for v in crate::entity::parcel_view::Entity::find().all(db).await.unwrap() {
        out.push(format!("{} view {} {}", name[&v.parcel_id], v.number_key, v.document));
    }
    for r in raw_delivery::Entity::find().all(db).await.unwrap() {
        out.push(format!("raw {} {} {:?} {:?}", r.id, r.outcome.as_str(), r.tracking_number, r.error));
    }
    out.sort();
    out
}

/// Writes `inputs` in batches of `size`, a transaction each, to a fresh database.
async fn write_in_batches(db: &DatabaseConnection, adapters: &Adapters, inputs: &[RawInput], size: usize) {
    for chunk in inputs.chunks(size.max(1)) {
        let parsed: Vec<_> = chunk.iter().map(|i| parse_input(adapters, &Default::default(), i)).collect();
        let order: Vec<usize> = (0..chunk.len()).collect();
        let txn = db.begin().await.unwrap();
        write_batch(&txn, chunk.iter(), &parsed, &order, "test").await.unwrap();
        txn.commit().await.unwrap();
    }
}

/// What each parcel should end up as, by the plain rule, from the parsed deliveries in
/// order: (status, updated_at, standing events).
fn model(deliveries: &[NormalizedDelivery]) -> Parcels {
    let mut events: BTreeMap<String, HashMap<String, (DateTime<Utc>, TrackingStatus)>> = BTreeMap::new();
    let mut voided: HashMap<String, HashSet<String>> = HashMap::new();
    for d in deliveries {
        let name = format!("{}/{}", d.carrier.as_str(), d.tracking_number.as_str());
        let kept = events.entry(name.clone()).or_default();
        for e in &d.events {
            let entry = kept.entry(e.dedupe_key.clone()).or_insert((e.occurred_at, e.status));
            if e.occurred_at < entry.0 {
                *entry = (e.occurred_at, e.status);
            }
        }
        for v in &d.voids {
            if kept.contains_key(&v.dedupe_key) {
                voided.entry(name.clone()).or_default().insert(v.dedupe_key.clone());
            }
        }
    }
    events
        .into_iter()
        .map(|(name, kept)| {
            let gone = voided.get(&name).cloned().unwrap_or_default();
            let standing: Vec<_> = kept.iter().filter(|(k, _)| !gone.contains(*k)).map(|(_, v)| *v).collect();
            let status = standing
                .iter()
                .filter(|(_, s)| *s != TrackingStatus::Unknown)
                .max_by_key(|(at, s)| (*at, s.step_rank()))
                .map_or(TrackingStatus::Unknown, |(_, s)| *s);
            (name, (status, standing.iter().map(|(at, _)| *at).max(), standing.len()))
        })
        .collect()
}

/// The same as `model`, read from the database.
async fn stored(db: &DatabaseConnection) -> Parcels {
    let events = tracking_event::Entity::find().all(db).await.unwrap();
    parcel::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| {
            let standing = events.iter().filter(|e| e.parcel_id == p.id && e.voided_at.is_none()).count();
            let updated = (standing > 0).then_some(p.updated_at);
            (format!("{}/{}", p.carrier, p.tracking_number), (p.status, updated, standing))
        })
        .collect()
}

/// Writes `picks` one delivery per batch and in batches of `size`; returns both dumps, and
/// the model beside what the database holds.
async fn both_ways(picks: &[Pick], size: usize, postgres: bool) -> (Vec<String>, Vec<String>, Modelled) {
    let dir = tempfile::tempdir().unwrap();
    let names = [format!("waybill_batch_{}", uuid::Uuid::new_v4().simple()), format!("waybill_batch_{}", uuid::Uuid::new_v4().simple())];
    let (one_by_one, batched) = (fresh(dir.path(), &names[0], postgres).await, fresh(dir.path(), &names[1], postgres).await);
    let adapters = Adapters::new(chrono::FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
    let inputs: Vec<RawInput> = picks.iter().enumerate().map(|(n, pick)| input(n, pick)).collect();
    write_in_batches(&one_by_one, &adapters, &inputs, 1).await;
    write_in_batches(&batched, &adapters, &inputs, size).await;
    let parsed: Vec<NormalizedDelivery> = inputs.iter().filter_map(|i| parse_input(&adapters, &Default::default(), i).0.ok()).collect();
    let modelled = (model(&parsed), stored(&batched).await);
    let dumps = (dump(&one_by_one).await, dump(&batched).await);
    if postgres {
        drop_postgres(one_by_one, &names[0]).await;
        drop_postgres(batched, &names[1]).await;
    }
    (dumps.0, dumps.1, modelled)
}

type Parcels = BTreeMap<String, (TrackingStatus, Option<DateTime<Utc>>, usize)>;
type Modelled = (Parcels, Parcels);

fn pick() -> impl Strategy<Value = Pick> {
    (0u8..7, 0u8..4, 0u32..40, 0usize..8, proptest::option::weighted(0.2, 0u8..3)).prop_map(|(carrier, parcel, minute, status, pod)| Pick {
        carrier: if carrier == 4 && status > 1 { 1 } else { carrier },
        parcel,
        minute,
        status,
        pod,
    })
}

/// Both dumps and the model of one generated case, on a fresh runtime (proptest calls are
/// synchronous).
fn dumps_of(picks: &[Pick], size: usize, postgres: bool) -> (Vec<String>, Vec<String>, Modelled) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(both_ways(picks, size, postgres))
}

fn picks() -> impl Strategy<Value = (Vec<Pick>, usize)> {
    (proptest::collection::vec(pick(), 1..60), 1usize..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]
    #[test]
    fn every_parcel_ends_as_the_plain_model_says_whatever_the_batches((picks, size) in picks()) {
        let (one_by_one, batched, (model, stored)) = dumps_of(&picks, size, false);
        prop_assert_eq!(model, stored);
        prop_assert_eq!(one_by_one, batched);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]
    #[test]
    fn on_postgres_too_every_parcel_ends_as_the_plain_model_says((picks, size) in picks()) {
        let (one_by_one, batched, (model, stored)) = dumps_of(&picks, size, true);
        prop_assert_eq!(model, stored);
        prop_assert_eq!(one_by_one, batched);
    }
}

#[test]
fn a_long_courier_trail_is_trimmed_the_same_way_in_batches() {
    // 130 pings of one parcel, each batch with one ping of it among pings of other parcels.
    let picks: Vec<Pick> =
        (0..260u32).map(|n| Pick { carrier: 0, parcel: (n % 2) as u8 * 3, minute: n / 2, status: 1, pod: None }).collect();
    let (one_by_one, batched, _) = dumps_of(&picks, 2, false);
    assert_eq!(one_by_one, batched);
    let positions = batched.iter().filter(|line| line.contains("Model { id: 0, parcel_id: 0, recorded_at")).count();
    assert!((100..=200).contains(&positions), "two trails of at most 100 positions each: {positions}");
}
