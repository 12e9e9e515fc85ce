//! Small pieces the staff pages share: the form token field, times, sizes, pagination.
use crate::staff::StaffSession;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// The hidden `csrf` field every staff form sends back.
#[component]
pub fn CsrfField() -> impl IntoView {
    let token = use_context::<StaffSession>().map(|s| s.csrf).unwrap_or_default();
    view! { <input type="hidden" name="csrf" value=token/> }
}

/// The outcome of the last form post (from the session: see `StaffNotice`).
#[component]
pub fn Notice() -> impl IntoView {
    // Staff pages are rendered on the server only; the session middleware took the notice
    // out of the session and left it in this request.
    #[cfg(feature = "ssr")]
    let notice = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<crate::staff::StaffNotice>().cloned());
    #[cfg(not(feature = "ssr"))]
    let notice: Option<crate::staff::StaffNotice> = None;
    notice.map(|notice| match notice.error {
        true => view! { <p class="form-error" role="alert">{notice.text}</p> }.into_any(),
        false => view! { <p class="notice" role="status">{notice.text}</p> }.into_any(),
    })
}

/// A UTC time as staff read it in tables: `2026-11-23 14:05 UTC`.
pub fn utc(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `1.2 MB`, `830 B`.
pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// "Page 2 of 7" with previous/next links; `base` is the path with its query (no `page`).
#[component]
pub fn Pager(base: String, page: u64, pages: u64) -> impl IntoView {
    let sep = if base.contains('?') { "&" } else { "?" };
    let link = move |p: u64| format!("{base}{sep}page={p}");
    view! {
        <nav class="pager" aria-label="Pages">
            {(page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>"← Previous"</a> })}
            <span>{format!("Page {page} of {}", pages.max(1))}</span>
            {(page < pages).then(|| view! { <a rel="next" href=link(page + 1)>"Next →"</a> })}
        </nav>
    }
}

/// Copies the text of the input `target` to the clipboard (`public/staff.js`; without
/// scripts the text stays selectable in its field).
#[component]
pub fn CopyButton(target: &'static str) -> impl IntoView {
    view! { <button type="button" class="secondary copy" data-copy=target>"Copy"</button> }
}

/// A status as a coloured chip.
#[component]
pub fn StatusChip(status: crate::model::TrackingStatus) -> impl IntoView {
    view! { <span class=format!("chip status-{status}")>{status.label()}</span> }
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes_read_in_the_nearest_unit() {
        assert_eq!(human_bytes(830), "830 B");
        assert_eq!(human_bytes(1_250), "1.2 kB");
        assert_eq!(human_bytes(2_500_000), "2.5 MB");
    }
}
