//! The staff back office under `/staff` (CONTRACT §5), one page per file. Pages read through
//! server functions; changes go through plain HTML forms to the server's `/staff` routes,
//! which work without JavaScript and answer with a redirect back.
//!
//! Staff pages are rendered on the server only and never hydrated: the customer's
//! WebAssembly bundle stays free of back office code (half its size), and the few things
//! that want a script (copy, drag and drop, upload progress) get `public/staff.js`. The
//! browser build has stand-ins of the same names, so the route table is the same.
#[cfg(not(feature = "ssr"))]
mod browser_stand_ins;
#[cfg(not(feature = "ssr"))]
pub use browser_stand_ins::*;

#[cfg(feature = "ssr")]
mod alerts_page;
#[cfg(feature = "ssr")]
mod api_keys_page;
#[cfg(feature = "ssr")]
mod audit_page;
#[cfg(feature = "ssr")]
mod carriers_page;
#[cfg(feature = "ssr")]
mod deliveries_page;
#[cfg(feature = "ssr")]
mod delivery_page;
#[cfg(feature = "ssr")]
mod layout;
#[cfg(feature = "ssr")]
mod login_page;
#[cfg(feature = "ssr")]
mod parcel_page;
#[cfg(feature = "ssr")]
mod pod_upload;
#[cfg(feature = "ssr")]
mod search_page;
#[cfg(feature = "ssr")]
mod webhooks_page;
#[cfg(feature = "ssr")]
mod widgets;

#[cfg(feature = "ssr")]
pub use alerts_page::StaffAlertsPage;
#[cfg(feature = "ssr")]
pub use api_keys_page::StaffApiKeysPage;
#[cfg(feature = "ssr")]
pub use audit_page::StaffAuditPage;
#[cfg(feature = "ssr")]
pub use carriers_page::StaffCarriersPage;
#[cfg(feature = "ssr")]
pub use deliveries_page::{StaffDeliveriesPage, StaffQuarantinePage};
#[cfg(feature = "ssr")]
pub use delivery_page::StaffDeliveryPage;
#[cfg(feature = "ssr")]
pub use layout::StaffLayout;
#[cfg(feature = "ssr")]
pub use login_page::StaffLoginPage;
#[cfg(feature = "ssr")]
pub use parcel_page::StaffParcelPage;
#[cfg(feature = "ssr")]
pub use search_page::StaffSearchPage;
#[cfg(feature = "ssr")]
pub use webhooks_page::StaffWebhooksPage;
