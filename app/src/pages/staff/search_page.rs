//! `/staff`: find parcels by tracking number or any carrier reference (partial), status,
//! carrier, date range, or "stuck"; counts per status; CSV export of the same search.
use super::widgets::{utc, Pager, StatusChip};
use crate::model::TrackingStatus;
use crate::route;
use crate::server_fns::staff::search_parcels;
use crate::staff::{encode, ParcelQuery};
use leptos::prelude::*;
use leptos_meta::Title;

/// The search form's query as typed.
fn read_query(get: impl Fn(&str) -> Option<String>) -> ParcelQuery {
    let text = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    ParcelQuery {
        q: text("q"),
        status: text("status"),
        carrier: text("carrier"),
        from: text("from"),
        until: text("until"),
        stuck_days: text("stuck_days").and_then(|d| d.parse().ok()),
        page: text("page").and_then(|p| p.parse().ok()),
    }
}

#[component]
pub fn StaffSearchPage() -> impl IntoView {
    let query = route::read_query(|p| read_query(|k| p.get(k)));
    let results = Resource::new(query.clone(), search_parcels);
    view! {
        <Title text="Parcels · Waybill staff"/>
        <section class="staff-search">
            <h1>"Parcels"</h1>
            {let query = query.clone(); move || {
                let q = query();
                view! {
                    <form method="get" action="/staff" class="filters" role="search">
                        <label>"Number or reference"<input type="search" name="q" value=q.q.clone().unwrap_or_default() placeholder="e.g. 1001 or ORDER-77"/></label>
                        <label>"Status"
                            <select name="status">
                                <option value="">"Any"</option>
                                {TrackingStatus::ALL.into_iter().map(|s| view! {
                                    <option value=s.as_str() selected=q.status.as_deref() == Some(s.as_str())>{s.label()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label>"Carrier"
                            <select name="carrier">
                                <option value="">"Any"</option>
                                {crate::carrier::Carrier::ALL.iter().copied().map(|c| c.as_str()).map(|c| view! {
                                    <option value=c selected=q.carrier.as_deref() == Some(c)>{c}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label>"Updated from"<input type="date" name="from" value=q.from.clone().unwrap_or_default()/></label>
                        <label>"until"<input type="date" name="until" value=q.until.clone().unwrap_or_default()/></label>
                        <label>"Stuck: no event for"<input type="number" min="1" name="stuck_days" value=q.stuck_days.map(|d| d.to_string()).unwrap_or_default() class="narrow"/>" days"</label>
                        <button type="submit">"Search"</button>
                    </form>
                }
            }}
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || { let q = query(); Suspend::new(async move {
                    let base = q.to_query_string();
                    match results.await {
                        Err(_) => view! { <p class="form-error">"Search is unavailable right now."</p> }.into_any(),
                        Ok(page) => {
                            let without_status = ParcelQuery { status: None, ..q.clone() }.to_query_string();
                            let sep = if without_status.is_empty() { "" } else { "&" };
                            view! {
                                <ul class="status-counts" aria-label="Matches per status">
                                    {page.status_counts.iter().map(|(status, n)| {
                                        let href = format!("/staff?{without_status}{sep}status={}", encode(status.as_str()));
                                        view! { <li><a href=href><StatusChip status=*status/>" "<b>{*n}</b></a></li> }
                                    }).collect_view()}
                                </ul>
                                <p class="result-count">
                                    {format!("{} parcels", page.total)}" · "
                                    <a rel="external" download="" href=format!("/staff/parcels.csv?{base}")>"Export CSV"</a>
                                </p>
                                <div class="table-scroll"><table class="data">
                                    <thead><tr><th>"Tracking number"</th><th>"Carrier"</th><th>"Status"</th><th>"References"</th><th>"Last update"</th></tr></thead>
                                    <tbody>
                                        {page.rows.into_iter().map(|row| {
                                            let href = format!("/staff/parcels/{}/{}", row.carrier, encode(&row.tracking_number));
                                            view! {
                                                <tr>
                                                    <td><a href=href>{row.tracking_number.clone()}</a></td>
                                                    <td>{row.carrier.as_str()}</td>
                                                    <td><StatusChip status=row.status/></td>
                                                    <td>{row.references.join(", ")}</td>
                                                    <td>{utc(row.updated_at)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table></div>
                                <Pager base=format!("/staff?{base}") page=page.page pages=page.pages/>
                            }
                            .into_any()
                        }
                    }
                })}}
            </Suspense>
        </section>
    }
}
