//! The staff back office under `/staff` (CONTRACT §5), one page per file. Pages read through
//! server functions; changes go through plain HTML forms to the server's `/staff` routes,
//! which work without JavaScript and answer with a redirect back.
mod audit_page;
mod carriers_page;
mod delivery_page;
mod deliveries_page;
mod layout;
mod login_page;
mod parcel_page;
mod pod_upload;
mod search_page;
mod widgets;

pub use audit_page::StaffAuditPage;
pub use carriers_page::StaffCarriersPage;
pub use deliveries_page::{StaffDeliveriesPage, StaffQuarantinePage};
pub use delivery_page::StaffDeliveryPage;
pub use layout::StaffLayout;
pub use login_page::StaffLoginPage;
pub use parcel_page::StaffParcelPage;
pub use search_page::StaffSearchPage;
