//! Waybill's schema as ordered sea-orm migrations; each runs unchanged on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261123_000001_initial;
mod m20261123_000002_staff;
mod m20261124_000003_list_indexes;
mod m20261201_000004_origin_and_void;
mod m20261201_000005_lookup_keys;
mod m20261201_000006_staff_note;
mod m20261202_000007_staff_credentials;
mod m20261203_000008_server_instance;
mod m20261203_000009_raw_bodies;
mod m20261203_000010_raw_segments;
mod m20261203_000011_parcel_views;
mod m20261203_000012_outbound;
mod m20261203_000013_mail;
mod m20261204_000014_mail_brand;
mod m20261204_000015_relay_rows;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261123_000002_staff::Migration),
            Box::new(m20261124_000003_list_indexes::Migration),
            Box::new(m20261201_000004_origin_and_void::Migration),
            Box::new(m20261201_000005_lookup_keys::Migration),
            Box::new(m20261201_000006_staff_note::Migration),
            Box::new(m20261202_000007_staff_credentials::Migration),
            Box::new(m20261203_000008_server_instance::Migration),
            Box::new(m20261203_000009_raw_bodies::Migration),
            Box::new(m20261203_000010_raw_segments::Migration),
            Box::new(m20261203_000011_parcel_views::Migration),
            Box::new(m20261203_000012_outbound::Migration),
            Box::new(m20261203_000013_mail::Migration),
            Box::new(m20261204_000014_mail_brand::Migration),
            Box::new(m20261204_000015_relay_rows::Migration),
        ]
    }
}
