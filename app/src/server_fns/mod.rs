//! Server functions the pages load their data through; one per file.
mod get_shared_parcel;
mod get_tracking;
pub mod staff;

pub use get_shared_parcel::get_shared_parcel;
pub use get_tracking::get_tracking;

/// What the browser is told when the read model is unavailable; the cause is logged on the
/// server, never sent.
pub const UNAVAILABLE: &str = "tracking is temporarily unavailable";

/// Readies a parcel for a customer page (server only): texts in `lang`, each event's day in
/// the brand's zone (the browser groups by it while hydrating, so both render the same days),
/// and a long timeline cut unless `all`.
#[cfg(feature = "ssr")]
fn ready_for_page(parcel: &mut crate::model::ParcelView, lang: crate::i18n::Lang, zone: &str, all: bool) {
    crate::localize::localize(parcel, lang);
    for event in &mut parcel.events {
        event.day = Some(crate::zone::day_in_zone(event.occurred_at, zone));
    }
    if !all {
        parcel.truncate_timeline(crate::model::PAGE_EVENTS);
    }
}
