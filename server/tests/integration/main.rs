//! Waybill's integration tests, one module per subject, linked into one test binary so
//! that a change to the server links the tests once instead of once per file (the times
//! before and after are in docs/BENCHMARKS.md). Each module starts its own server on port 0
//! (`common::spawn_app`) against its own database, so they run side by side.
#[macro_use]
mod common;
mod arrival;
mod behind_a_proxy;
mod brands_and_zones;
mod cached_public_reads;
mod carrier_secrets;
mod carrier_webhooks;
mod crash_recovery;
mod customer_wording;
mod database_outage;
mod deliveries_that_cannot_apply;
mod depot_webhook;
mod every_carrier_on_every_surface;
mod full_disk;
mod hostile_input;
mod hung_backends;
mod lookup;
mod mail_brands;
mod mail_notifications;
mod next_step;
mod old_deliveries_in_segments;
mod one_door_for_writes;
mod order_independence;
mod outbound_after_a_void;
mod outbound_event_ids;
mod outbound_hostile_receivers;
mod outbound_webhooks;
mod pod_metadata;
mod public_surfaces_show_no_personal_data;
mod query_plans;
mod relay_faults;
mod replay;
mod replay_beside_a_server;
mod s3_storage;
mod silent_sockets;
mod slow_clients;
mod staff_accounts;
mod staff_alerts;
mod staff_credentials;
mod staff_webhook_forms;
mod staff_work;
mod test_script;
mod tracking_pages;
mod two_clicks_on_one_delivery;
mod two_instances;
mod wrong_clocks;
