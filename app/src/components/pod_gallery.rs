//! Proof of delivery on the share link: images inline, documents as links, and proof that
//! is a value (barcode, PIN) as text.
use crate::i18n::{t, use_lang, Lang, Msg};
use crate::model::PodView;
use leptos::prelude::*;

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    t(
        lang,
        match kind {
            "signature" => Msg::Signature,
            "photo" => Msg::Photo,
            "document" => Msg::Document,
            "barcode" => Msg::Barcode,
            "pin" => Msg::Pin,
            _ => Msg::ProofOfDelivery,
        },
    )
}

#[component]
pub fn PodGallery(pods: Vec<PodView>) -> impl IntoView {
    let lang = use_lang();
    if pods.is_empty() {
        return ().into_any();
    }
    let items = pods
        .into_iter()
        .map(|pod| {
            let label = kind_label(lang, &pod.kind);
            // A signature's value is who signed.
            let signer = pod.value.clone().filter(|_| pod.kind == "signature" && pod.url.is_some());
            let body = match (&pod.url, &pod.value) {
                (Some(url), _) if pod.is_image() => {
                    // Waybill's own files have a server-made thumbnail; carriers' do not.
                    let thumb = if url.starts_with('/') { format!("{url}?size=thumb") } else { url.clone() };
                    view! {
                        <a href=url.clone()>
                            <img class="pod-image" src=thumb alt=label loading="lazy" referrerpolicy="no-referrer"/>
                        </a>
                    }
                }
                .into_any(),
                (Some(url), _) => {
                    view! { <a class="pod-document" href=url.clone()>{format!("{label} ({})", pod.content_type)}</a> }.into_any()
                }
                (None, Some(value)) => view! { <p class="pod-value"><code>{value.clone()}</code></p> }.into_any(),
                (None, None) => ().into_any(),
            };
            // When it was received; its SHA-256 (the evidence) is on the staff pages.
            let received = (pod.bytes > 0).then(|| view! { <p class="pod-time"><super::LocalTime time=pod.created_at lang=lang/></p> });
            view! {
                <li class=format!("pod pod-{}", pod.kind)>
                    <p class="pod-kind">{label}</p>
                    {body}
                    {signer.map(|name| view! { <p class="pod-signer">{t(lang, Msg::SignedBy)} " " {name}</p> })}
                    {received}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="pods" aria-labelledby="pod-title">
            <h2 id="pod-title">{t(lang, Msg::ProofOfDelivery)}</h2>
            <p class="print-hint">{t(lang, Msg::PrintHint)}</p>
            <ul class="pod-list">{items}</ul>
        </section>
    }
    .into_any()
}
