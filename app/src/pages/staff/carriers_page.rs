//! `/staff/carriers`: per carrier, whether its secret (and a previous value, during a
//! rotation) is configured (never the secret), which of the two the last webhook on this
//! instance matched, when it last delivered, and how many of its last 24 h of deliveries
//! failed.
use super::widgets::utc;
use crate::server_fns::staff::load_carrier_health;
use crate::staff::SecretMatch;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffCarriersPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| load_carrier_health());
    view! {
        <Title text="Carriers · Waybill staff"/>
        <section class="staff-carriers">
            <h1>"Carriers"</h1>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(_) => view! { <p class="form-error">"Carrier health cannot be loaded right now."</p> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-scroll"><table class="data">
                                <thead><tr><th>"Carrier"</th><th>"Secret"</th><th>"Last match"</th><th>"Last delivery"</th><th>"Deliveries (24 h)"</th><th>"Errors (24 h)"</th><th>"Error rate"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|c| {
                                        let rate = c.error_rate_24h().map(|r| format!("{r:.1} %")).unwrap_or_else(|| "–".into());
                                        view! {
                                            <tr data-carrier=c.carrier.as_str()>
                                                <td>{c.carrier.as_str()}</td>
                                                <td>{if c.secret_configured {
                                                    view! { <span class="ok">"configured"</span> }.into_any()
                                                } else {
                                                    view! { <span class="warn">"not set"</span> }.into_any()
                                                }}
                                                ": "<code>{c.variable.clone()}</code>
                                                {c.previous_configured.then(|| view! { " "<span class="hint">"and a previous value ("<code>{c.previous_variable.clone()}</code>")"</span> })}
                                                </td>
                                                <td class="secret-match">{match c.last_matched {
                                                    Some(SecretMatch::Current) => "current secret",
                                                    Some(SecretMatch::Previous) => "previous secret: this carrier has not moved to the new one yet",
                                                    None => "–",
                                                }}</td>
                                                <td>{c.last_delivery_at.map(utc).unwrap_or_else(|| "never".into())}</td>
                                                <td>{c.deliveries_24h}</td>
                                                <td>{c.errors_24h}</td>
                                                <td>{rate}</td>
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
