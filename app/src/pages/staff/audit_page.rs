//! `/staff/audit`: every staff action, newest first: who, what, on what, and when.
use super::widgets::{utc, Pager};
use crate::route::query_param;
use crate::server_fns::staff::audit_log;
use leptos::prelude::*;
use leptos_meta::Title;

/// What an audit code means, as staff read it.
fn action_label(code: &str) -> String {
    match code {
        "login" => "Signed in",
        "logout" => "Signed out",
        "upload_pod" => "Uploaded POD",
        "manual_event" => "Added an event",
        "void_event" => "Voided an event",
        "rotate_share_link" => "Rotated the share link",
        "reprocess_delivery" => "Re-processed a delivery",
        "discard_delivery" => "Discarded a delivery",
        "export_parcels" => "Exported parcels",
        "revoke_api_key" => "Revoked an API key",
        other => return other.replace('_', " "),
    }
    .to_string()
}

#[component]
pub fn StaffAuditPage() -> impl IntoView {
    let page = query_param("page");
    let page = move || page().and_then(|p| p.parse::<u64>().ok()).unwrap_or(1);
    let rows = Resource::new(page.clone(), audit_log);
    view! {
        <Title text="Audit log · Waybill staff"/>
        <section class="staff-audit">
            <h1>"Audit log"</h1>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || { let page = page(); Suspend::new(async move {
                    match rows.await {
                        Err(_) => view! { <p class="form-error">"The audit log cannot be loaded right now."</p> }.into_any(),
                        Ok((rows, pages)) => view! {
                            <div class="table-scroll"><table class="data">
                                <thead><tr><th>"When"</th><th>"Who"</th><th>"Action"</th><th>"Subject"</th><th>"Detail"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr><td>{utc(r.at)}</td><td>{r.actor}</td><td data-action=r.action.clone()>{action_label(&r.action)}</td><td>{r.subject}</td><td>{r.detail.unwrap_or_default()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            <Pager base="/staff/audit".to_string() page=page pages=pages/>
                        }.into_any(),
                    }
                })}}
            </Suspense>
        </section>
    }
}
