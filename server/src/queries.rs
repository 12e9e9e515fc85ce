//! The queries on the hot paths — a customer's lookup, a share link, the status recompute
//! after every delivery, the staff list — built in one place so that `server/tests/integration/query_plans.rs`
//! can ask both databases how they would run each one and check that an index serves it
//! (issue 7: lookups at 1M parcels must cost about what they cost at 10k).
use crate::db::json_rows::{packed, select_packed};
use crate::entity::{courier_position, parcel, parcel_reference, parcel_view, pod_file, raw_delivery, share_link, tracking_event};
use app::carrier::Carrier;
use app::model::TrackingStatus;
use app::staff::ParcelQuery;
use sea_orm::sea_query::{Alias, Expr, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement};

/// A number as a customer's lookup compares it (`app::lookup::lookup_key` computes the same
/// in Rust), over `{column}`; the migration `m20261201_000005_lookup_keys` indexes exactly
/// this expression.
const LOOKUP_KEY_SQL: &str = "UPPER(REPLACE(REPLACE({column}, '-', ''), ' ', ''))";

/// `column` holds `number`, case, spaces and dashes aside (served by the lookup-key indexes).
pub fn number_is(column: &str, number: &str) -> SimpleExpr {
    lookup_key_is(column, &app::lookup::lookup_key(number))
}

/// `column`'s lookup key equals `key`.
fn lookup_key_is(column: &str, key: &str) -> SimpleExpr {
    // The expression as literal SQL (a bound '-' would not match the index's expression on
    // SQLite), the key as a bound value.
    Expr::expr(Expr::cust(LOOKUP_KEY_SQL.replace("{column}", column))).eq(key.to_string())
}

/// Ids of the parcels that have `reference` as another number (case, spaces and dashes aside).
pub fn referencing(reference: &str) -> Select<parcel_reference::Entity> {
    parcel_reference::Entity::find()
        .select_only()
        .column(parcel_reference::Column::ParcelId)
        .filter(lookup_key_is("reference", &app::lookup::lookup_key(reference)))
}

/// The written views (`parcel_view`) of the parcels with this tracking number (case,
/// spaces and dashes aside), or any of `ids`, in the order the page lists them.
///
/// Without ids the filter is the number alone: an always-false `OR id IN ()` made SQLite
/// walk a whole index for its order instead of looking the number up.
pub fn views_by_number(number: &str, ids: Vec<i64>) -> Select<parcel_view::Entity> {
    let by_number = parcel_view::Column::NumberKey.eq(app::lookup::lookup_key(number));
    let filter = if ids.is_empty() { by_number } else { by_number.or(parcel_view::Column::ParcelId.is_in(ids)) };
    parcel_view::Entity::find().filter(filter).order_by_asc(parcel_view::Column::Carrier).order_by_asc(parcel_view::Column::ParcelId)
}

/// A parcel's timeline, newest first (ties: the later journey step first).
pub fn events_newest_first(parcel_id: i64) -> Select<tracking_event::Entity> {
    newest_first(tracking_event::Entity::find().filter(tracking_event::Column::ParcelId.eq(parcel_id)))
}

/// The standing events of several parcels, each parcel's newest first (the refresh of a
/// commit batch's public views, `ingest::public_view`).
pub fn standing_events_of(parcel_ids: Vec<i64>) -> Select<tracking_event::Entity> {
    newest_first(tracking_event::Entity::find().filter(tracking_event::Column::ParcelId.is_in(parcel_ids)))
        .filter(tracking_event::Column::VoidedAt.is_null())
}

/// The timeline order: carrier time, then the later journey step, then the dedupe key.
fn newest_first(events: Select<tracking_event::Entity>) -> Select<tracking_event::Entity> {
    events
        .order_by_desc(tracking_event::Column::OccurredAt)
        .order_by_desc(tracking_event::Column::StepRank)
        .order_by_desc(tracking_event::Column::DedupeKey)
}

/// A parcel's timeline as customers see it (and as the status follows it): without the
/// events staff voided.
pub fn standing_events_newest_first(parcel_id: i64) -> Select<tracking_event::Entity> {
    events_newest_first(parcel_id).filter(tracking_event::Column::VoidedAt.is_null())
}

/// The event that sets a parcel's status: the known, standing status with the latest
/// carrier time.
pub fn latest_known_event(parcel_id: i64) -> Select<tracking_event::Entity> {
    standing_events_newest_first(parcel_id).filter(tracking_event::Column::Status.ne(TrackingStatus::Unknown)).limit(1)
}

/// The live share link with this token.
pub fn live_share_link(token: &str) -> Select<share_link::Entity> {
    share_link::Entity::find().filter(share_link::Column::Token.eq(token)).filter(share_link::Column::RevokedAt.is_null())
}

/// A parcel's live share link (mails and the mail links point customers there).
pub fn live_share_link_of(parcel_id: i64) -> Select<share_link::Entity> {
    share_link::Entity::find().filter(share_link::Column::ParcelId.eq(parcel_id)).filter(share_link::Column::RevokedAt.is_null())
}

/// A parcel's POD files, oldest first.
pub fn pods_of(parcel_id: i64) -> Select<pod_file::Entity> {
    pod_file::Entity::find()
        .filter(pod_file::Column::ParcelId.eq(parcel_id))
        .order_by_asc(pod_file::Column::CreatedAt)
        .order_by_asc(pod_file::Column::Id)
}

/// How many of a courier's newest positions a share link shows as the trail.
pub const TRAIL_LENGTH: u64 = 50;

/// A parcel's courier trail: its newest `TRAIL_LENGTH` positions, newest first.
pub fn courier_trail(parcel_id: i64) -> Select<courier_position::Entity> {
    courier_position::Entity::find()
        .filter(courier_position::Column::ParcelId.eq(parcel_id))
        .order_by_desc(courier_position::Column::RecordedAt)
        .limit(TRAIL_LENGTH)
}

/// Integer ids as an SQL list. The ids come from the database, never from a request; the
/// two batch queries below read best as plain SQL with correlated subqueries.
fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// The name of the one column of [`known_pods`], which tells its row apart from the other
/// rows of a commit batch's first hand-off.
pub const KNOWN_POD: &str = "known_pods";

/// The POD entries, as (parcel, sha256), that the parcels `parcel_ids` selects already
/// have, packed in one row (`db::json_rows`): a commit batch reads them so as not to send
/// inserts that would change nothing (`ingest::batch_parcels`). Carriers that repeat their
/// proof in every update (Uber) make this a row or two per parcel if not packed.
pub fn known_pods(backend: DbBackend, parcel_ids: sea_orm::sea_query::SelectStatement) -> Statement {
    let query = Query::select()
        .expr_as(Expr::cust(packed(backend, "parcel_id, sha256")), Alias::new(KNOWN_POD))
        .from(pod_file::Entity)
        .and_where(Expr::col(pod_file::Column::ParcelId).in_subquery(parcel_ids))
        .to_owned();
    backend.build(&query)
}

/// For each parcel of a commit batch, packed in one row (`db::json_rows`): `[id, time of
/// the oldest position its trail shows, whether a position twice the trail's length back
/// is present]` (the trail is then due a trim).
pub fn trail_ends(backend: DbBackend, parcel_ids: impl IntoIterator<Item = i64>) -> Statement {
    let nth = |offset: u64| {
        format!(
            "(SELECT c.recorded_at FROM courier_position c WHERE c.parcel_id = p.id ORDER BY c.recorded_at DESC LIMIT 1 OFFSET {offset})"
        )
    };
    let columns = format!("p.id, {}, {} IS NOT NULL", nth(TRAIL_LENGTH - 1), nth(2 * TRAIL_LENGTH - 1));
    let sql = select_packed(backend, &columns, &format!("FROM parcel p WHERE p.id IN ({})", id_list(parcel_ids)));
    Statement::from_string(backend, sql)
}

/// Which of these courier positions, as (parcel, time), are stored already, packed in one
/// row (`db::json_rows`): `[parcel id]` each.
pub fn stored_positions(backend: DbBackend, positions: &[(i64, chrono::DateTime<chrono::Utc>)]) -> Statement {
    use courier_position::Column as C;
    let mut any = Condition::any();
    for &(parcel_id, at) in positions {
        any = any.add(C::ParcelId.eq(parcel_id).and(C::RecordedAt.eq(at)));
    }
    let query = Query::select().expr(Expr::cust(packed(backend, "parcel_id"))).from(courier_position::Entity).cond_where(any).to_owned();
    backend.build(&query)
}

/// For each parcel of a commit batch: the latest carrier time of its events, and the event
/// that sets its status (in the order of [`latest_known_event`]).
pub fn current_statuses(backend: DbBackend, parcel_ids: impl IntoIterator<Item = i64>) -> Statement {
    let sql = format!(
        "SELECT p.id, (SELECT MAX(m.occurred_at) FROM tracking_event m WHERE m.parcel_id = p.id AND m.voided_at IS NULL) AS latest, \
         e.status, e.substatus, e.occurred_at FROM parcel p LEFT JOIN tracking_event e ON e.id = \
         (SELECT k.id FROM tracking_event k WHERE k.parcel_id = p.id AND k.status <> '{}' AND k.voided_at IS NULL \
          ORDER BY k.occurred_at DESC, k.step_rank DESC, k.dedupe_key DESC LIMIT 1) \
         WHERE p.id IN ({})",
        TrackingStatus::Unknown.as_str(),
        id_list(parcel_ids)
    );
    Statement::from_string(backend, sql)
}

/// Quarantined deliveries that name this tracking number ("updates pending").
pub fn quarantined_for(number: &str) -> Select<raw_delivery::Entity> {
    raw_delivery::Entity::find()
        .filter(lookup_key_is("tracking_number", &app::lookup::lookup_key(number)))
        .filter(raw_delivery::Column::Outcome.eq(app::outcome::Outcome::Quarantined))
}

/// Every query above with sample values, by name, as `backend` would receive it, and the
/// staff list's first page (all parcels, and one status) as `staff::search_matching` reads it.
pub fn hot_queries(backend: DbBackend) -> Vec<(&'static str, Statement)> {
    let first_page = |status: Option<&str>| {
        let query = ParcelQuery { status: status.map(str::to_string), ..Default::default() };
        crate::staff::search_matching(&query).limit(crate::staff::SEARCH_PAGE_SIZE).build(backend)
    };
    let mut queries = vec![
        ("lookup by another reference", referencing("ORDER-1").build(backend)),
        ("lookup by tracking number", views_by_number("GEN-0000001", Vec::new()).build(backend)),
        ("lookup by number or reference", views_by_number("GEN-0000001", vec![1, 2]).build(backend)),
        ("timeline of a parcel", standing_events_newest_first(1).build(backend)),
        ("status recompute", latest_known_event(1).build(backend)),
        ("share link", live_share_link("token").build(backend)),
        ("POD of a parcel", pods_of(1).build(backend)),
        ("courier trail", courier_trail(1).build(backend)),
        ("updates pending", quarantined_for("GEN-0000001").build(backend)),
        (
            "find or create a parcel",
            parcel::Entity::find()
                .filter(parcel::Column::Carrier.eq(Carrier::Depot))
                .filter(parcel::Column::TrackingNumber.eq("GEN-0000001"))
                .build(backend),
        ),
        ("trail ends of a commit batch", trail_ends(backend, [1, 2])),
        (
            "courier positions a commit batch has",
            stored_positions(backend, &[(1, chrono::DateTime::UNIX_EPOCH), (2, chrono::DateTime::UNIX_EPOCH)]),
        ),
        ("statuses of a commit batch", current_statuses(backend, [1, 2])),
        ("staff list, newest first", first_page(None)),
        ("staff list, one status", first_page(Some("in_transit"))),
    ];
    // Read by the single SQLite writer only (see `ingest::batch_parcels`).
    if backend == DbBackend::Sqlite {
        let batch = parcel::Entity::find()
            .select_only()
            .column(parcel::Column::Id)
            .filter(parcel::Column::Carrier.eq(Carrier::Depot))
            .filter(parcel::Column::TrackingNumber.is_in(["GEN-0000001", "GEN-0000002"]));
        queries.push(("POD a commit batch's parcels have", known_pods(backend, batch.into_query())));
    }
    queries
}
