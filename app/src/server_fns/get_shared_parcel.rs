//! Loads the private view (with POD and courier) of the parcel behind a share token.
use crate::model::SharePageData;
use leptos::prelude::*;

/// `lang` is the page's `?lang=` choice, if any; otherwise the browser's language is used.
/// Long timelines are cut to the newest events unless `all` (the page's `?all=1`).
#[server(prefix = "/leptos", endpoint = "get_shared_parcel")]
pub async fn get_shared_parcel(token: String, lang: Option<String>, all: bool) -> Result<SharePageData, ServerFnError> {
    let source = expect_context::<crate::source::SharedTrackingSource>();
    let lang = crate::i18n::request_language(lang.as_deref());
    let mut shared = source.parcel_by_share_token(&token).await.map_err(|_| ServerFnError::new(super::UNAVAILABLE))?;
    if let Some(shared) = &mut shared {
        super::ready_for_page(&mut shared.parcel, lang, &crate::brand::request_brand().time_zone, all);
    }
    Ok(SharePageData { lang, shared, mail_updates: source.mail_updates() })
}
