//! Waybill's server: carrier webhooks, the ingest pipeline, persistence, POD storage and
//! the HTTP routes around the Leptos pages. `main.rs` is only the command line.
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
