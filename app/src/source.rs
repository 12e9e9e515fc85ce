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
}

/// How the source is handed to components through Leptos context.
pub type SharedTrackingSource = Arc<dyn TrackingSource>;
