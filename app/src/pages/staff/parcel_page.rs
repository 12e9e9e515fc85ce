//! `/staff/parcels/{carrier}/{n}`: one parcel for staff: status, share link (copy,
//! rotate), every POD file with a preview and its facts, POD upload, a manual event, the
//! timeline with who recorded what, and the raw deliveries behind it.
use super::pod_upload::PodUpload;
use super::widgets::{human_bytes, utc, CopyButton, CsrfField, Notice, StatusChip};
use crate::components::set_http_status;
use crate::model::TrackingStatus;
use crate::route::route_param;
use crate::server_fns::staff::staff_parcel;
use crate::staff::{encode, StaffEvent, StaffParcelDetail, StaffPod};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffParcelPage() -> impl IntoView {
    let (carrier, number) = (route_param("carrier"), route_param("n"));
    let title = {
        let number = number.clone();
        move || format!("{} · Waybill staff", number().unwrap_or_default())
    };
    let key = move || (carrier().unwrap_or_default(), number().unwrap_or_default());
    let detail = Resource::new(key, |(carrier, n)| staff_parcel(carrier, n));
    view! {
        <Title text=title/>
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(Some(detail)) => view! { <ParcelDetail detail=detail/> }.into_any(),
                    Ok(None) => {
                        set_http_status(404);
                        view! { <section><h1>"No such parcel"</h1><p><a href="/staff">"Back to the search"</a></p></section> }.into_any()
                    }
                    Err(_) => view! { <p class="form-error">"This parcel cannot be loaded right now."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ParcelDetail(detail: StaffParcelDetail) -> impl IntoView {
    let parcel = detail.parcel;
    let base = format!("/staff/parcels/{}/{}", parcel.carrier, encode(&parcel.tracking_number));
    view! {
        <section class="staff-parcel">
            <header class="parcel-head">
                <h1>{parcel.tracking_number.clone()}</h1>
                <p>{parcel.carrier.as_str()}" · "<StatusChip status=parcel.status/>
                    {detail.eta.map(|eta| format!(" · ETA {}", utc(eta)))}
                    {(!parcel.references.is_empty()).then(|| format!(" · references: {}", parcel.references.join(", ")))}
                </p>
            </header>
            <Notice/>

            <section class="panel share">
                <h2>"Share link"</h2>
                {match detail.share_url.clone() {
                    Some(url) => view! {
                        <div class="share-row">
                            <input type="text" readonly=true value=url.clone() aria-label="Share link" id="share-url"/>
                            <CopyButton target="share-url"/>
                        </div>
                    }.into_any(),
                    None => view! { <p>"No live share link."</p> }.into_any(),
                }}
                <form method="post" action=format!("{base}/share-link/rotate") class="inline">
                    <CsrfField/>
                    <button type="submit" class="secondary">"Rotate link"</button>
                    <span class="hint">" The old link stops working at once."</span>
                </form>
                <p class="subscribers">
                    {if detail.subscribers.is_empty() {
                        "No one gets this parcel's updates by mail.".to_string()
                    } else {
                        let shown: Vec<String> = detail.subscribers.iter().map(|(address, confirmed)| {
                            if *confirmed { address.clone() } else { format!("{address} (not confirmed yet)") }
                        }).collect();
                        format!("Updates by mail to: {}", shown.join(", "))
                    }}
                </p>
            </section>

            <section class="panel pods">
                <h2>"Proof of delivery"</h2>
                {if detail.pods.is_empty() {
                    view! { <p>"No POD yet."</p> }.into_any()
                } else {
                    view! { <ul class="pod-list">{detail.pods.into_iter().map(|pod| view! { <PodEntry pod=pod/> }).collect_view()}</ul> }.into_any()
                }}
                <PodUpload action=format!("{base}/pod") api=format!("/staff/api/parcels/{}/{}/pod", parcel.carrier, encode(&parcel.tracking_number)) max_bytes=detail.max_pod_bytes/>
            </section>

            <section class="panel manual-event">
                <h2>"Add an event"</h2>
                <form method="post" action=format!("{base}/events") class="filters">
                    <CsrfField/>
                    <label>"Status"
                        <select name="status" required=true>
                            {TrackingStatus::ALL.into_iter().filter(|s| *s != TrackingStatus::Unknown).map(|s| view! {
                                <option value=s.as_str()>{s.label()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>"Time (UTC)"<input type="datetime-local" name="occurred_at" required=true/></label>
                    <label class="grow">"Internal note (staff only)"<input type="text" name="note" maxlength="500" placeholder="e.g. customer called, will collect at depot"/></label>
                    <label class="grow">"Message for the customer (optional)"<input type="text" name="message" maxlength="500" placeholder="shown on the tracking page, credited to customer service"/></label>
                    <button type="submit">"Add event"</button>
                </form>
            </section>

            <section class="panel">
                <h2>"Timeline"</h2>
                <div class="table-scroll"><table class="data">
                    <thead><tr><th>"Time"</th><th>"Status"</th><th>"Carrier status"</th><th>"Description"</th><th>"Location"</th><th>"Recorded by"</th><th>"Void"</th></tr></thead>
                    <tbody>
                        {detail.events.into_iter().map(|e| view! { <TimelineRow event=e base=base.clone()/> }).collect_view()}
                    </tbody>
                </table></div>
            </section>

            <section class="panel">
                <h2>"Raw deliveries"</h2>
                <ul class="plain">
                    {detail.deliveries.into_iter().map(|d| view! {
                        <li>
                            <a href=format!("/staff/deliveries/{}", d.id)>{format!("#{} {} · {}", d.id, d.carrier, utc(d.received_at))}</a>
                            " "<span class=format!("outcome outcome-{}", d.outcome.as_str())>{d.outcome.as_str()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </section>
    }
}

/// One timeline row: a voided event struck through with who voided it and why; a standing
/// one with the form that voids it.
#[component]
fn TimelineRow(event: StaffEvent, base: String) -> impl IntoView {
    let e = event;
    let class = e.voided.is_some().then_some("voided");
    let last = match e.voided {
        Some(voided) => view! {
            <td class="void-note">
                "Voided "{utc(voided.at)}{voided.by.map(|by| format!(" by {by}"))}{voided.reason.map(|r| format!(": {r}"))}
            </td>
        }
        .into_any(),
        None => view! {
            <td>
                <form method="post" action=format!("{base}/events/{}/void", e.id) class="inline void-event">
                    <CsrfField/>
                    <input type="text" name="reason" maxlength="500" placeholder="why" aria-label="Reason for voiding"/>
                    <button type="submit" class="secondary">"Void"</button>
                </form>
            </td>
        }
        .into_any(),
    };
    view! {
        <tr class=class data-event-id=e.id>
            <td>{utc(e.occurred_at)}</td>
            <td><StatusChip status=e.status/></td>
            <td>{e.raw_status}</td>
            <td>
                {e.description.unwrap_or_default()}
                {e.staff_note.map(|note| view! { <p class="staff-note">"Internal: "{note}</p> })}
            </td>
            <td>{e.location.unwrap_or_default()}</td>
            <td>{e.recorded_by.unwrap_or_else(|| "carrier".into())}</td>
            {last}
        </tr>
    }
}

/// One POD entry: a preview (image or PDF inline), then its facts.
#[component]
fn PodEntry(pod: StaffPod) -> impl IntoView {
    let preview = match (&pod.url, pod.is_image(), pod.is_pdf()) {
        (Some(url), true, _) => view! {
            <a href=url.clone() rel="external" target="_blank"><img src=url.clone() alt=format!("POD {}", pod.kind) loading="lazy"/></a>
        }
        .into_any(),
        (Some(url), _, true) => view! { <iframe src=url.clone() title=format!("POD document {}", pod.id)></iframe> }.into_any(),
        _ => match (&pod.remote_url, &pod.value) {
            (Some(remote), _) => view! { <a href=remote.clone() rel="external noopener" target="_blank">"Carrier's image"</a> }.into_any(),
            (None, Some(value)) => view! { <code>{value.clone()}</code> }.into_any(),
            _ => ().into_any(),
        },
    };
    view! {
        <li class="pod-entry" data-pod-id=pod.id.clone()>
            <div class="pod-preview">{preview}</div>
            <dl>
                <dt>"Kind"</dt><dd>{pod.kind.clone()}</dd>
                <dt>"Type"</dt><dd>{pod.content_type.clone()}</dd>
                <dt>"Size"</dt><dd>{human_bytes(pod.bytes.max(0) as u64)}</dd>
                <dt>"SHA-256"</dt><dd><code class="hash">{pod.sha256.clone()}</code></dd>
                <dt>"Source"</dt><dd>{pod.source.clone()}</dd>
                <dt>"Uploaded by"</dt><dd>{pod.uploaded_by.clone().unwrap_or_else(|| "carrier".into())}</dd>
                <dt>"Received"</dt><dd>{utc(pod.created_at)}</dd>
                {pod.original_name.clone().map(|n| view! { <dt>"File name"</dt><dd>{n}</dd> })}
            </dl>
            {pod.url.clone().map(|url| view! { <a href=format!("{url}?download=1") rel="external" download="">"Download"</a> })}
        </li>
    }
}
