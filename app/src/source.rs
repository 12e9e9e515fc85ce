//! The server side's read access for the pages, as a trait: the app crate stays free of
//! database code, and the server crate provides an implementation as Leptos context.
use crate::model::{ParcelView, SharedParcelView};
use std::sync::Arc;

/// The read model failed for a reason the visitor cannot fix (database or store down).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceUnavailable;

/// Loads what the tracking pages show.
#[async_trait::async_trait]
pub trait TrackingSource: Send + Sync + 'static {
    /// Every parcel with this tracking number, one per carrier; empty when none exists.
    async fn parcels_by_number(&self, tracking_number: &str) -> Result<Vec<ParcelView>, SourceUnavailable>;
    /// Whether deliveries for this number arrived but could not be read (quarantined).
    async fn has_unreadable_updates(&self, tracking_number: &str) -> Result<bool, SourceUnavailable>;
    /// The parcel behind a live (not revoked) share token.
    async fn parcel_by_share_token(&self, token: &str) -> Result<Option<SharedParcelView>, SourceUnavailable>;
    /// Whether share links offer updates by mail.
    fn mail_updates(&self) -> bool {
        false
    }
}

/// How the source is handed to components through Leptos context.
pub type SharedTrackingSource = Arc<dyn TrackingSource>;

/// Loads what the staff pages show. Callers check that a staff member is signed in.
#[async_trait::async_trait]
pub trait StaffSource: Send + Sync + 'static {
    async fn search_parcels(&self, query: &crate::staff::ParcelQuery) -> Result<crate::staff::ParcelSearchPage, SourceUnavailable>;
    async fn parcel_detail(
        &self,
        carrier: &str,
        tracking_number: &str,
    ) -> Result<Option<crate::staff::StaffParcelDetail>, SourceUnavailable>;
    async fn deliveries(&self, query: &crate::staff::DeliveryQuery) -> Result<crate::staff::DeliveryPage, SourceUnavailable>;
    async fn delivery(&self, id: i64) -> Result<Option<crate::staff::DeliveryDetail>, SourceUnavailable>;
    /// One page (1-based) of the audit log, newest first, and the number of pages.
    async fn audit_log(&self, page: u64) -> Result<(Vec<crate::staff::AuditRow>, u64), SourceUnavailable>;
    async fn carrier_health(&self) -> Result<Vec<crate::staff::CarrierHealth>, SourceUnavailable>;
    /// Every staff API key, newest first (never the key itself).
    async fn api_keys(&self) -> Result<Vec<crate::staff::ApiKeyRow>, SourceUnavailable>;
    /// Every merchant webhook endpoint with its newest attempts.
    async fn webhook_endpoints(&self) -> Result<Vec<crate::staff::WebhookEndpointRow>, SourceUnavailable>;
    /// How many webhook endpoints are disabled.
    async fn disabled_webhooks(&self) -> Result<u64, SourceUnavailable>;
    /// The newest staff alerts, newest first.
    async fn alerts(&self) -> Result<Vec<crate::staff::AlertRow>, SourceUnavailable>;
    /// How many staff alerts were raised in the last 24 hours.
    async fn recent_alerts(&self) -> Result<u64, SourceUnavailable>;
    /// Whether webhooks without a configured secret are accepted (`WAYBILL_DEV=1`).
    fn dev_mode(&self) -> bool;
}

/// How the staff source is handed to components through Leptos context.
pub type SharedStaffSource = Arc<dyn StaffSource>;
