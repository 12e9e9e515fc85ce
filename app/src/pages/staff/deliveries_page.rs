//! `/staff/deliveries`: every raw delivery, filtered by carrier, outcome and time; and
//! `/staff/quarantine`: the ones that could not be read, each with re-process and discard.
use super::widgets::{human_bytes, utc, CsrfField, Notice, Pager};
use crate::outcome::Outcome;
use crate::route;
use crate::server_fns::staff::list_deliveries;
use crate::staff::{DeliveryQuery, DeliveryRow};
use leptos::prelude::*;
use leptos_meta::Title;

fn read_query(get: impl Fn(&str) -> Option<String>, quarantine: bool) -> DeliveryQuery {
    let text = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    DeliveryQuery {
        carrier: text("carrier"),
        number: text("number"),
        outcome: if quarantine { Some(Outcome::Quarantined) } else { text("outcome").as_deref().and_then(Outcome::parse) },
        from: text("from"),
        until: text("until"),
        page: text("page").and_then(|p| p.parse().ok()),
    }
}

#[component]
pub fn StaffDeliveriesPage() -> impl IntoView {
    view! { <DeliveryList quarantine=false/> }
}

#[component]
pub fn StaffQuarantinePage() -> impl IntoView {
    view! { <DeliveryList quarantine=true/> }
}

#[component]
fn DeliveryList(quarantine: bool) -> impl IntoView {
    let query = route::read_query(move |p| read_query(|k| p.get(k), quarantine));
    let rows = Resource::new(query.clone(), list_deliveries);
    let path = if quarantine { "/staff/quarantine" } else { "/staff/deliveries" };
    let title = if quarantine { "Quarantine" } else { "Raw deliveries" };
    view! {
        <Title text=format!("{title} · Waybill staff")/>
        <section class="staff-deliveries">
            <h1>{title}</h1>
            <Notice/>
            {quarantine.then(|| view! {
                <p class="hint">"Deliveries that could not be read. Re-process one after a fix or a configuration change, or discard it; both are recorded in the audit log."</p>
            })}
            {let query = query.clone(); move || {
                let q = query();
                view! {
                    <form method="get" action=path class="filters">
                        <label>"Carrier"
                            <select name="carrier">
                                <option value="">"Any"</option>
                                {crate::carrier::Carrier::ALL.iter().copied().map(|c| c.as_str()).map(|c| view! { <option value=c selected=q.carrier.as_deref() == Some(c)>{c}</option> }).collect_view()}
                            </select>
                        </label>
                        {(!quarantine).then(|| view! {
                            <label>"Outcome"
                                <select name="outcome">
                                    <option value="">"Any"</option>
                                    {Outcome::ALL.into_iter().map(|o| view! { <option value=o.as_str() selected=q.outcome == Some(o)>{o.as_str()}</option> }).collect_view()}
                                </select>
                            </label>
                        })}
                        <label>"Tracking number"<input type="search" name="number" value=q.number.clone().unwrap_or_default()/></label>
                        <label>"From"<input type="date" name="from" value=q.from.clone().unwrap_or_default()/></label>
                        <label>"until"<input type="date" name="until" value=q.until.clone().unwrap_or_default()/></label>
                        <button type="submit">"Filter"</button>
                    </form>
                }
            }}
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || { let q = query(); Suspend::new(async move {
                    match rows.await {
                        Err(_) => view! { <p class="form-error">"The deliveries cannot be loaded right now."</p> }.into_any(),
                        Ok(page) if page.rows.is_empty() => view! {
                            <p class="empty">{if quarantine { "The quarantine is empty." } else { "No deliveries match." }}</p>
                        }.into_any(),
                        Ok(page) => {
                            let base = format!(
                                "{path}?carrier={}&number={}&outcome={}&from={}&until={}",
                                q.carrier.unwrap_or_default(),
                                crate::staff::encode(&q.number.unwrap_or_default()),
                                if quarantine { "" } else { q.outcome.map_or("", Outcome::as_str) },
                                q.from.unwrap_or_default(),
                                q.until.unwrap_or_default()
                            );
                            view! {
                                <p class="result-count">{format!("{} deliveries", page.total)}</p>
                                <div class="table-scroll"><table class="data">
                                    <thead><tr><th>"#"</th><th>"Received"</th><th>"Carrier"</th><th>"Tracking number"</th><th>"Outcome"</th><th>"Error"</th><th>"Size"</th>{quarantine.then(|| view! { <th>"Actions"</th> })}</tr></thead>
                                    <tbody>{page.rows.into_iter().map(|row| view! { <DeliveryLine row=row quarantine=quarantine/> }).collect_view()}</tbody>
                                </table></div>
                                <Pager base=base page=page.page pages=page.pages/>
                            }
                            .into_any()
                        }
                    }
                })}}
            </Suspense>
        </section>
    }
}

#[component]
fn DeliveryLine(row: DeliveryRow, quarantine: bool) -> impl IntoView {
    let id = row.id;
    view! {
        <tr data-delivery-id=id>
            <td><a href=format!("/staff/deliveries/{id}")>{format!("#{id}")}</a></td>
            <td>{utc(row.received_at)}</td>
            <td>{row.carrier.as_str()}</td>
            // The parcel's page when the number names one of this carrier's parcels.
            <td>{row.tracking_number.map(|n| {
                let href = format!("/staff/parcels/{}/{}", row.carrier, crate::staff::encode(&n));
                view! { <a href=href>{n}</a> }
            })}</td>
            <td><span class=format!("outcome outcome-{}", row.outcome.as_str())>{row.outcome.as_str()}</span></td>
            <td class="error-text">{row.error.unwrap_or_default()}</td>
            <td>{human_bytes(row.bytes)}</td>
            {quarantine.then(|| view! {
                <td class="actions">
                    <form method="post" action=format!("/staff/quarantine/{id}/reprocess") class="inline">
                        <CsrfField/><button type="submit">"Re-process"</button>
                    </form>
                    <form method="post" action=format!("/staff/quarantine/{id}/discard") class="inline">
                        <CsrfField/><button type="submit" class="secondary">"Discard"</button>
                    </form>
                </td>
            })}
        </tr>
    }
}
