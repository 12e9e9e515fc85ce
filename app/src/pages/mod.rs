//! The routed pages; one per file.
mod home_page;
mod not_found_page;
mod share_page;
pub mod staff;
mod track_page;

pub use home_page::HomePage;
pub use not_found_page::NotFoundPage;
pub use share_page::SharePage;
pub use track_page::TrackPage;
