//! `/staff/webhooks`: every merchant webhook endpoint, whether it is healthy, failing or
//! disabled (and why), what it has received, its newest attempts with what the endpoint
//! answered, and the forms that add an endpoint (its secret shown once, in the notice
//! after), send a test event, send an event again, send everything since a time again,
//! rotate a secret, enable a disabled endpoint again, or remove the endpoint. The same can
//! be done with `waybill webhook` and the staff API.
use super::widgets::{utc, CsrfField, Notice};
use crate::carrier::Carrier;
use crate::event_kind::EventKind;
use crate::server_fns::staff::webhook_endpoints;
use crate::staff::{WebhookAttemptRow, WebhookEndpointRow};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffWebhooksPage() -> impl IntoView {
    let endpoints = Resource::new(|| (), |_| webhook_endpoints());
    view! {
        <Title text="Webhooks · Waybill staff"/>
        <section class="staff-webhooks">
            <h1>"Webhooks"</h1>
            <Notice/>
            <p>"Merchant systems receive each parcel transition once, signed (Standard Webhooks). Endpoints can also be added with "
               <code>"waybill webhook add --url …"</code> " or " <code>"POST /staff/api/webhook-endpoints"</code> "."</p>
            <AddEndpoint/>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match endpoints.await {
                        Err(_) => view! { <p class="form-error">"The webhook endpoints cannot be loaded right now."</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">"No webhook endpoints."</p> }.into_any(),
                        Ok(rows) => rows.into_iter().map(|e| view! { <Endpoint endpoint=e/> }).collect_view().into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The form that adds an endpoint: its URL, the kinds it wants (none ticked: every parcel
/// kind), and optionally one carrier.
#[component]
fn AddEndpoint() -> impl IntoView {
    view! {
        <form method="post" action="/staff/webhooks/add" class="add-endpoint">
            <CsrfField/>
            <h2>"Add an endpoint"</h2>
            <label>"URL " <input type="url" name="url" required=true placeholder="https://merchant.example/hooks/waybill" size="48"/></label>
            <fieldset>
                <legend>"Events (none ticked: every parcel event)"</legend>
                {EventKind::ALL.iter().filter(|k| **k != EventKind::Test).map(|kind| view! {
                    <label class="inline"><input type="checkbox" name="events" value=kind.as_str()/>" "<code>{kind.as_str()}</code></label>
                }).collect_view()}
            </fieldset>
            <label>"Carrier "
                <select name="carrier">
                    <option value="">"every carrier"</option>
                    {Carrier::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.as_str()}</option> }).collect_view()}
                </select>
            </label>
            " "<button type="submit">"Add"</button>
        </form>
    }
}

#[component]
fn Endpoint(endpoint: WebhookEndpointRow) -> impl IntoView {
    let base = format!("/staff/webhooks/{}", endpoint.id);
    let kinds: Vec<&str> = endpoint.events.iter().map(|k| k.as_str()).collect();
    let state = match (&endpoint.disabled_at, &endpoint.failing_since) {
        (Some(at), _) => view! {
            <p class="form-error" role="alert">
                {format!("Disabled {}: {}. Nothing is sent to it until it is enabled again; then it receives what it missed.", utc(*at), endpoint.disabled_reason.clone().unwrap_or_default())}
            </p>
            <form method="post" action=format!("{base}/enable") class="inline"><CsrfField/><button type="submit">"Enable again"</button></form>
        }
        .into_any(),
        (None, Some(since)) => view! { <p class="notice">{format!("Failing since {}; retried on schedule.", utc(*since))}</p> }.into_any(),
        (None, None) => view! { <p>"Healthy."</p> }.into_any(),
    };
    view! {
        <article class="webhook-endpoint" data-endpoint-id=endpoint.id.clone()>
            <h2><code>{endpoint.url.clone()}</code></h2>
            {state}
            <p>
                {format!("{} · {} · added {} by {}", kinds.join(", "), endpoint.carrier.map_or("every carrier", |c| c.as_str()), utc(endpoint.created_at), endpoint.created_by)}
                <br/>
                {format!("{} delivered, {} waiting, {} given up", endpoint.delivered, endpoint.pending, endpoint.failed)}
            </p>
            <div class="actions">
                <form method="post" action=format!("{base}/test") class="inline"><CsrfField/><button type="submit">"Send a test event"</button></form>
                <form method="post" action=format!("{base}/resend") class="inline">
                    <CsrfField/>
                    <label>"Send again everything since " <input type="datetime-local" name="since" required=true/></label>
                    " (UTC) "<button type="submit" class="secondary">"Send again"</button>
                </form>
                <form method="post" action=format!("{base}/rotate") class="inline"><CsrfField/><button type="submit" class="secondary">"Rotate the secret"</button></form>
                <form method="post" action=format!("{base}/remove") class="inline"><CsrfField/><button type="submit" class="secondary">"Remove"</button></form>
            </div>
            <Attempts base=base attempts=endpoint.attempts/>
        </article>
    }
}

#[component]
fn Attempts(base: String, attempts: Vec<WebhookAttemptRow>) -> impl IntoView {
    if attempts.is_empty() {
        return view! { <p class="empty">"No attempts yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll"><table class="data">
            <thead><tr><th>"When"</th><th>"Event"</th><th>"Answer"</th><th>"Took"</th><th>"Said"</th><th></th></tr></thead>
            <tbody>
                {attempts.into_iter().map(|a| view! {
                    <tr>
                        <td>{utc(a.at)}</td>
                        <td><code>{a.event_id.clone()}</code></td>
                        <td>{a.status.map_or_else(|| "none".to_string(), |s| s.to_string())}</td>
                        <td>{format!("{} ms", a.latency_ms)}</td>
                        <td><code class="answer">{a.error.clone().or(a.answer.clone()).unwrap_or_default()}</code></td>
                        <td><form method="post" action=format!("{base}/resend") class="inline">
                            <CsrfField/><input type="hidden" name="event_id" value=a.event_id/>
                            <button type="submit" class="secondary">"Send again"</button>
                        </form></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
    .into_any()
}
