//! The audit log of staff actions, newest first.
use crate::staff::AuditRow;
use leptos::prelude::*;

#[server(prefix = "/leptos", endpoint = "staff_audit_log")]
pub async fn audit_log(page: u64) -> Result<(Vec<AuditRow>, u64), ServerFnError> {
    let (_, source) = super::require_staff()?;
    source.audit_log(page.max(1)).await.map_err(super::unavailable)
}
