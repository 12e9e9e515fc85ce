//! Building blocks of the tracking pages; one component per file.
mod courier_card;
mod courier_map;
mod http_status;
mod parcel_card;
mod pod_gallery;
mod progress;
mod site_footer;
mod status_page;
mod subscribe_form;
mod timeline;
mod track_form;

pub use courier_card::CourierCard;
pub use courier_map::CourierMap;
pub use http_status::set_http_status;
pub use parcel_card::ParcelCard;
pub use pod_gallery::PodGallery;
pub use progress::Progress;
pub use site_footer::SiteFooter;
pub use status_page::StatusPage;
pub use subscribe_form::SubscribeForm;
pub use timeline::Timeline;
pub use track_form::TrackForm;
mod language_switch;
mod live_updates;
mod local_time;

pub use language_switch::LanguageSwitch;
pub use live_updates::use_live_updates;
pub use local_time::LocalTime;
