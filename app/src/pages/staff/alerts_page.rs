//! `/staff/alerts`: the newest staff alerts, newest first: parcels under way without news
//! for too long, carriers that usually send and went silent, a quarantine that grew fast.
//! Each is raised once per episode; the same alerts go to `WAYBILL_ALERT_EMAIL` and to the
//! webhook endpoints that name `alert.*` kinds.
use super::widgets::utc;
use crate::server_fns::staff::alerts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffAlertsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| alerts());
    view! {
        <Title text="Alerts · Waybill staff"/>
        <section class="staff-alerts">
            <h1>"Alerts"</h1>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(_) => view! { <p class="form-error">"The alerts cannot be loaded right now."</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">"No alerts."</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-scroll"><table class="data">
                                <thead><tr><th>"When"</th><th>"What"</th><th>"About"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|a| {
                                        let about = match (a.carrier, a.tracking_number) {
                                            (Some(carrier), Some(number)) => view! {
                                                <a href=format!("/staff/parcels/{carrier}/{}", crate::staff::encode(&number))>{format!("{carrier} {number}")}</a>
                                            }.into_any(),
                                            (Some(carrier), None) => view! { <span>{carrier.to_string()}</span> }.into_any(),
                                            _ => view! { <span>"—"</span> }.into_any(),
                                        };
                                        view! {
                                            <tr data-alert=a.kind.as_str()>
                                                <td>{utc(a.at)}</td>
                                                <td>{a.summary}</td>
                                                <td>{about}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
