//! `/staff/api-keys`: every staff API key by its first characters, whose it is, when it was
//! made and last used, with a button that revokes it at once. Keys are made with
//! `waybill create-api-key` (shown once); the list never holds a key itself.
use super::widgets::{utc, CsrfField, Notice};
use crate::server_fns::staff::api_keys;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffApiKeysPage() -> impl IntoView {
    let keys = Resource::new(|| (), |_| api_keys());
    view! {
        <Title text="API keys · Waybill staff"/>
        <section class="staff-api-keys">
            <h1>"API keys"</h1>
            <Notice/>
            <p>"Scripts send a key as " <code>"Authorization: Bearer"</code> ". Make one with " <code>"waybill create-api-key --email …"</code> "; it is shown once."</p>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Err(_) => view! { <p class="form-error">"The API keys cannot be loaded right now."</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">"No API keys."</p> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-scroll"><table class="data">
                                <thead><tr><th>"Key"</th><th>"For"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|k| view! {
                                        <tr data-api-key-id=k.id>
                                            <td><code>{k.prefix.map_or_else(|| format!("#{} (made before prefixes were kept)", k.id), |p| format!("{p}…"))}</code></td>
                                            <td>{k.owner}</td>
                                            <td>{utc(k.created_at)}</td>
                                            <td>{k.last_used_at.map_or_else(|| "never".to_string(), utc)}</td>
                                            <td><form method="post" action=format!("/staff/api-keys/{}/revoke", k.id) class="inline"><CsrfField/><button type="submit" class="secondary">"Revoke"</button></form></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
