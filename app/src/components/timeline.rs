//! The parcel's events, newest first and grouped by day, each with the carrier's own
//! wording; the carrier's raw status code stays behind a details toggle. The server groups by
//! the day in the brand's zone (`EventView::day`, which the browser reads too while it
//! hydrates); once hydrated, the browser regroups by the visitor's own day and shows times in
//! the visitor's zone.
use super::LocalTime;
use crate::i18n::{format_date, status_label, t, use_lang, Lang, Msg};
use crate::model::EventView;
use chrono::NaiveDate;
use leptos::prelude::*;

/// The calendar day of an event: the server's (brand zone) until hydrated, then the visitor's.
fn day_of(event: &EventView, in_browser_zone: bool) -> NaiveDate {
    #[cfg(feature = "hydrate")]
    if in_browser_zone {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(event.occurred_at.timestamp_millis() as f64));
        if let Some(day) = NaiveDate::from_ymd_opt(date.get_full_year() as i32, date.get_month() + 1, date.get_date()) {
            return day;
        }
    }
    let _ = in_browser_zone;
    event.day.unwrap_or_else(|| event.occurred_at.date_naive())
}

/// Consecutive events of one day form one group (events arrive newest first).
fn group_by_day(events: Vec<EventView>, in_browser_zone: bool) -> Vec<(NaiveDate, Vec<EventView>)> {
    let mut days: Vec<(NaiveDate, Vec<EventView>)> = Vec::new();
    for event in events {
        let day = day_of(&event, in_browser_zone);
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(event),
            _ => days.push((day, vec![event])),
        }
    }
    days
}

fn render_groups(events: Vec<EventView>, lang: Lang, in_browser_zone: bool) -> impl IntoView {
    group_by_day(events, in_browser_zone)
        .into_iter()
        .map(|(day, list)| {
            let items = list
                .into_iter()
                .map(|event| {
                    view! {
                        <li class=format!("event status-{}", event.status.as_str())>
                            <LocalTime time=event.occurred_at lang=lang time_only=true/>
                            <p class="event-status">{status_label(lang, event.status)}</p>
                            {event.description.map(|d| view! { <p class="event-description">{d}</p> })}
                            {event.location.map(|l| view! { <p class="event-location">{l}</p> })}
                            <details class="event-raw">
                                <summary>{t(lang, Msg::CarrierStatus)}</summary>
                                <code>{event.raw_status}</code>
                            </details>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <li class="day">
                    <h3 class="day-heading">{format_date(lang, day)}</h3>
                    <ol class="day-events">{items}</ol>
                </li>
            }
        })
        .collect_view()
}

#[component]
pub fn Timeline(events: Vec<EventView>) -> impl IntoView {
    let lang = use_lang();
    if events.is_empty() {
        return view! { <p class="timeline-empty">{t(lang, Msg::NoEventsYet)}</p> }.into_any();
    }
    // False while rendering on the server and hydrating, so both produce the same markup.
    let in_browser_zone = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| in_browser_zone.set(true));
    view! {
        <ol class="timeline" aria-label=t(lang, Msg::HistoryNewestFirst)>
            {move || render_groups(events.clone(), lang, in_browser_zone.get())}
        </ol>
    }
    .into_any()
}
