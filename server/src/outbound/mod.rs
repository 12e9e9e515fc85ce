//! What Waybill tells others, from the one write path outward:
//! 1. outbox: when a delivery changes a parcel, the write path writes one `outbound_event`
//!    per transition in the same transaction (`crate::outbox`, from `ingest::transitions`:
//!    kind, stable id, typed payload); the alerts add `alert.*` events there too;
//! 2. pull: `GET /api/v1/events?after=` reads the outbox in commit order
//!    (`http::events_api`);
//! 3. hand-out: each instance's worker (`sender`) turns new events into one delivery per
//!    endpoint that wants them (`handout`; endpoints are managed in `endpoints`);
//! 4. send: it claims due deliveries (`claims`), signs and sends each once per attempt
//!    (`signature`, `attempt`, only to allowed destinations: `destination`), and records
//!    the attempt and the next try; while ingest is busy it steps back (`ingest_first`).
pub mod attempt;
pub mod claims;
pub mod destination;
pub mod endpoints;
pub mod handout;
pub mod ingest_first;
pub mod resend;
pub mod sender;
pub mod signature;
