//! The frame of every signed-in staff page: navigation, who is signed in, the logout
//! button, a loud banner when webhooks are accepted unauthenticated, and one when a
//! merchant's webhook endpoint was disabled.
use crate::components::set_http_status;
use crate::server_fns::staff::load_staff_session;
use leptos::prelude::*;
use leptos_router::components::Outlet;

#[component]
pub fn StaffLayout() -> impl IntoView {
    let session = Resource::new(|| (), |_| load_staff_session());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(session) => {
                        provide_context(session.clone());
                        view! {
                            <div class="staff">
                                {session.dev_mode.then(|| view! {
                                    <p class="dev-banner" role="alert">
                                        "Dev mode (WAYBILL_DEV=1): webhooks from carriers without a secret are accepted unauthenticated."
                                    </p>
                                })}
                                {(session.disabled_webhooks > 0).then(|| view! {
                                    <p class="dev-banner" role="alert">
                                        {format!("{} webhook endpoint(s) disabled: merchants get no events there. ", session.disabled_webhooks)}
                                        <a href="/staff/webhooks">"See why"</a>
                                    </p>
                                })}
                                {(session.recent_alerts > 0).then(|| view! {
                                    <p class="dev-banner" role="alert">
                                        {format!("{} alert(s) in the last 24 hours. ", session.recent_alerts)}
                                        <a href="/staff/alerts">"See them"</a>
                                    </p>
                                })}
                                <nav class="staff-nav" aria-label="Back office">
                                    <a href="/staff">"Parcels"</a>
                                    <a href="/staff/deliveries">"Raw deliveries"</a>
                                    <a href="/staff/quarantine">"Quarantine"</a>
                                    <a href="/staff/carriers">"Carriers"</a>
                                    <a href="/staff/audit">"Audit log"</a>
                                    <a href="/staff/api-keys">"API keys"</a>
                                    <a href="/staff/webhooks">"Webhooks"</a>
                                    <a href="/staff/alerts">"Alerts"</a>
                                    <span class="who">{session.email.clone()}</span>
                                    <form method="post" action="/staff/logout" class="logout">
                                        <input type="hidden" name="csrf" value=session.csrf.clone()/>
                                        <button type="submit">"Log out"</button>
                                    </form>
                                </nav>
                                <Outlet/>
                                <script src="/staff.js" defer=true></script>
                            </div>
                        }
                        .into_any()
                    }
                    Err(_) => {
                        set_http_status(401);
                        view! {
                            <section class="staff">
                                <h1>"Signed out"</h1>
                                <p><a href="/staff/login" rel="external">"Sign in"</a>" to use the back office."</p>
                            </section>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
