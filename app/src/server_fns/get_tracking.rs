//! Loads the public view of every parcel with one tracking number, in the visitor's language.
use crate::model::TrackingPageData;
use leptos::prelude::*;

/// `lang` is the page's `?lang=` choice, if any; otherwise the browser's language is used.
/// Long timelines are cut to the newest events unless `all` (the page's `?all=1`).
#[server(prefix = "/leptos", endpoint = "get_tracking")]
pub async fn get_tracking(tracking_number: String, lang: Option<String>, all: bool) -> Result<TrackingPageData, ServerFnError> {
    let source = expect_context::<crate::source::SharedTrackingSource>();
    let lang = crate::i18n::request_language(lang.as_deref());
    let mut parcels = source.parcels_by_number(&tracking_number).await.map_err(|_| ServerFnError::new(super::UNAVAILABLE))?;
    let zone = crate::brand::request_brand().time_zone;
    for parcel in &mut parcels {
        super::ready_for_page(parcel, lang, &zone, all);
    }
    let unreadable_updates =
        parcels.is_empty() && source.has_unreadable_updates(&tracking_number).await.map_err(|_| ServerFnError::new(super::UNAVAILABLE))?;
    Ok(TrackingPageData { lang, parcels, unreadable_updates })
}
