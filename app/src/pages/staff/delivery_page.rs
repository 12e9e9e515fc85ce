//! `/staff/deliveries/{id}`: one raw delivery as it arrived: headers (credentials
//! redacted) and the body, pretty-printed when it is JSON.
use super::widgets::{human_bytes, utc, CsrfField};
use crate::components::set_http_status;
use crate::route::route_param;
use crate::server_fns::staff::raw_delivery;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffDeliveryPage() -> impl IntoView {
    let id = route_param("id");
    let id = move || id().and_then(|id| id.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(id.clone(), raw_delivery);
    view! {
        <Title text=move || format!("Delivery #{} · Waybill staff", id())/>
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(d)) => {
                        let row = d.row;
                        let quarantined = row.outcome == crate::outcome::Outcome::Quarantined;
                        view! {
                            <section class="staff-delivery">
                                <h1>{format!("Delivery #{}", row.id)}</h1>
                                <dl class="facts">
                                    <dt>"Carrier"</dt><dd>{row.carrier.as_str()}</dd>
                                    <dt>"Received"</dt><dd>{utc(row.received_at)}</dd>
                                    <dt>"Outcome"</dt><dd><span class=format!("outcome outcome-{}", row.outcome.as_str())>{row.outcome.as_str()}</span></dd>
                                    {row.error.clone().map(|e| view! { <dt>"Error"</dt><dd class="error-text">{e}</dd> })}
                                    {row.tracking_number.clone().map(|n| view! {
                                        <dt>"Parcel"</dt><dd><a href=format!("/staff/parcels/{}/{}", row.carrier, crate::staff::encode(&n))>{n.clone()}</a></dd>
                                    })}
                                    <dt>"Content type"</dt><dd>{d.content_type.unwrap_or_default()}</dd>
                                    <dt>"Size"</dt><dd>{human_bytes(row.bytes)}</dd>
                                </dl>
                                {quarantined.then(|| view! {
                                    <div class="actions">
                                        <form method="post" action=format!("/staff/quarantine/{}/reprocess", row.id) class="inline"><CsrfField/><button type="submit">"Re-process"</button></form>
                                        <form method="post" action=format!("/staff/quarantine/{}/discard", row.id) class="inline"><CsrfField/><button type="submit" class="secondary">"Discard"</button></form>
                                    </div>
                                })}
                                <h2>"Headers"</h2>
                                <div class="table-scroll"><table class="data"><tbody>
                                    {d.headers.into_iter().map(|(k, v)| view! { <tr><th>{k}</th><td><code>{v}</code></td></tr> }).collect_view()}
                                </tbody></table></div>
                                <h2>"Body"</h2>
                                <pre class="body">{d.body}</pre>
                                {d.body_truncated.then(|| view! { <p class="hint">"The body is longer; only its start is shown."</p> })}
                            </section>
                        }.into_any()
                    }
                    Ok(None) => {
                        set_http_status(404);
                        view! { <section><h1>"No such delivery"</h1></section> }.into_any()
                    }
                    Err(_) => view! { <p class="form-error">"This delivery cannot be loaded right now."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
