//! The POD upload form: several files, by picking or by dropping them on the form. Without
//! JavaScript it is a plain multipart form; once hydrated it sends the same form in the
//! background to show upload progress, then opens the page the server answers with.
use super::widgets::CsrfField;
use super::widgets::human_bytes;
use leptos::prelude::*;

#[component]
pub fn PodUpload(
    /// The form's target, which answers with a redirect back to the parcel.
    action: String,
    /// The JSON API for scripts (`Authorization: Bearer`), shown as a hint.
    api: String,
    max_bytes: u64,
) -> impl IntoView {
    let (progress, set_progress) = signal(None::<f64>);
    let (dragging, set_dragging) = signal(false);
    let input = NodeRef::<leptos::html::Input>::new();
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_progress, input);

    let send = {
        let action = action.clone();
        move |ev: leptos::ev::SubmitEvent| {
            #[cfg(feature = "hydrate")]
            if upload_in_background(&ev, &action, set_progress).is_ok() {
                ev.prevent_default();
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&ev, &action);
        }
    };
    let drop_files = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        set_dragging.set(false);
        #[cfg(feature = "hydrate")]
        if let (Some(files), Some(input)) = (ev.data_transfer().and_then(|d| d.files()), input.get()) {
            input.set_files(Some(&files));
        }
    };
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="pod-upload" class:dragging=move || dragging.get()
            on:submit=send
            on:dragover=move |ev| { ev.prevent_default(); set_dragging.set(true); }
            on:dragleave=move |_| set_dragging.set(false)
            on:drop=drop_files>
            <CsrfField/>
            <label class="drop-zone">
                <span>"Drop photos, signatures or PDFs here, or choose files"</span>
                <input type="file" name="file" multiple=true required=true node_ref=input
                    accept="image/jpeg,image/png,image/webp,image/gif,image/heic,application/pdf"/>
            </label>
            <button type="submit">"Upload POD"</button>
            <progress max="100" value=move || progress.get().unwrap_or(0.0) hidden=move || progress.get().is_none()></progress>
            <p class="hint">
                {format!("JPEG, PNG, WebP, GIF, HEIC or PDF, up to {} each. Scripts: POST ", human_bytes(max_bytes))}
                <code>{api}</code>" with a staff API key."
            </p>
        </form>
    }
}

/// Posts the form with XMLHttpRequest (fetch cannot report upload progress) and follows
/// the server's answer when it is done.
#[cfg(feature = "hydrate")]
fn upload_in_background(
    ev: &leptos::ev::SubmitEvent,
    action: &str,
    set_progress: WriteSignal<Option<f64>>,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let form: web_sys::HtmlFormElement = ev.target().ok_or(wasm_bindgen::JsValue::NULL)?.dyn_into()?;
    let data = web_sys::FormData::new_with_form(&form)?;
    let xhr = web_sys::XmlHttpRequest::new()?;
    xhr.open("POST", action)?;
    let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            set_progress.set(Some(e.loaded() * 100.0 / e.total()));
        }
    });
    xhr.upload()?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();
    let done = xhr.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let target = done.response_url();
        if let Some(window) = web_sys::window() {
            let _ = if target.is_empty() { window.location().reload() } else { window.location().set_href(&target) };
        }
    });
    xhr.set_onloadend(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    set_progress.set(Some(0.0));
    xhr.send_with_opt_form_data(Some(&data))
}
