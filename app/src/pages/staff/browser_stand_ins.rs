//! Stand-ins for the staff pages in the browser build. Staff pages are server-rendered
//! without hydration scripts, so these never run; they keep the route table identical.
use leptos::prelude::*;

macro_rules! stand_ins {
    ($($name:ident),*) => {$(
        #[component]
        pub fn $name() -> impl IntoView {}
    )*};
}

stand_ins!(
    StaffAlertsPage,
    StaffApiKeysPage,
    StaffAuditPage,
    StaffCarriersPage,
    StaffDeliveriesPage,
    StaffQuarantinePage,
    StaffDeliveryPage,
    StaffLayout,
    StaffLoginPage,
    StaffParcelPage,
    StaffSearchPage,
    StaffWebhooksPage
);
