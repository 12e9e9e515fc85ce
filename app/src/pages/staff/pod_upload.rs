//! The POD upload form: several files, picked or dropped on the form. It is a plain
//! multipart form to the parcel page; `public/staff.js` adds drag and drop and sends each
//! file through `POST /staff/api/parcels/{carrier}/{n}/pod` with a progress bar.
use super::widgets::{human_bytes, CsrfField};
use leptos::prelude::*;

#[component]
pub fn PodUpload(
    /// The form's target, which answers with a redirect back to the parcel.
    action: String,
    /// The JSON API for scripts (`Authorization: Bearer`), shown as a hint.
    api: String,
    max_bytes: u64,
) -> impl IntoView {
    let target = api.clone();
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="pod-upload" data-api=target>
            <CsrfField/>
            <label class="drop-zone">
                <span>"Drop photos, signatures or PDFs here, or choose files"</span>
                <input type="file" name="file" multiple=true required=true
                    accept="image/jpeg,image/png,image/webp,image/gif,image/heic,application/pdf"/>
            </label>
            <button type="submit">"Upload POD"</button>
            <progress max="100" value="0" hidden=true aria-label="Upload progress"></progress>
            <p class="hint">
                {format!("JPEG, PNG, WebP, GIF, HEIC or PDF, up to {} each. Scripts: POST ", human_bytes(max_bytes))}
                <code>{api}</code>" with a staff API key."
            </p>
        </form>
    }
}
