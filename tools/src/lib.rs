//! What measures and demonstrates Waybill, kept out of the server binary (`waybill`), whose
//! dependencies are what serving needs: `bench` starts the `waybill` built beside
//! `waybill-tools` (or `WAYBILL_BIN`) and measures it; `demo` posts every carrier's sample
//! journey to a running server through its webhooks; `generate` writes synthetic parcels
//! straight into the database (the benchmark's scale run and the query-plan tests use it);
//! `disk` measures the bytes on disk per delivery of each carrier; `env` tells scripts and
//! the browser tests about the carriers. `demo`, `disk` and `env` read every carrier from
//! the carrier profiles (`server::carriers::profiles()`), never from a list of their own.
pub mod bench;
pub mod demo;
pub mod disk;
pub mod env;
pub mod generate;
