//! Waybill's server. Carriers' webhooks (`http::webhooks`, each carrier's adapter in
//! `carriers`) go through the one write path (`ingest`), which writes parcels, their
//! public views and the outbox events of their transitions (`outbox`) in one transaction;
//! after the migrations, every database write of the process, that path's and every other
//! (staff actions, sessions, the heartbeat, alerts, the relay), goes through one door
//! (`db::Writer`). From the outbox the relay's protocol (`relay`) carries events to
//! merchants' webhooks (`outbound`) and to customers' mail (`mail`, which also sends the
//! staff alert mail queued with each alert); pages and JSON read through
//! the read model and the page cache; POD files live in `storage`. `main.rs` is only the
//! command line.
pub mod alerts;
pub mod audit;
pub mod carriers;
pub mod changes;
pub mod cli;
pub mod db;
pub mod domain;
pub mod entity;
pub mod http;
pub mod ingest;
pub mod instances;
pub mod mail;
pub mod outbound;
pub mod outbox;
pub mod page_cache;
pub mod queries;
pub mod read_model;
pub mod relay;
pub mod router;
pub mod serve;
pub mod settings;
pub mod staff;
pub mod startup;
pub mod state;
pub mod storage;
