//! The parcel search of `/staff`.
use crate::staff::{ParcelQuery, ParcelSearchPage};
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_search_parcels")]
pub async fn search_parcels(query: ParcelQuery) -> Result<ParcelSearchPage, ServerFnError> {
    let (_, source) = super::require_staff()?;
    source.search_parcels(&query).await.map_err(super::unavailable)
}
