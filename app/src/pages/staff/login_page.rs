//! `/staff/login`: email and password, posted as a plain form to the server, which
//! answers every failure with the same message.
use crate::route::query_param;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let (error, next) = (query_param("error"), query_param("next"));
    let failed = move || error().is_some();
    let next = move || next().filter(|n| n.starts_with("/staff")).unwrap_or_else(|| "/staff".into());
    let token = Resource::new(|| (), |_| crate::server_fns::staff::login_token());
    view! {
        <Title text="Sign in · Waybill staff"/>
        <section class="staff login">
            <h1>"Staff sign in"</h1>
            {move || failed().then(|| view! {
                <p class="form-error" role="alert">"Email or password is incorrect, or too many attempts. Try again."</p>
            })}
            <form method="post" action="/staff/login" class="stack">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let token = token.await.unwrap_or_default();
                        view! { <input type="hidden" name="csrf" value=token/> }
                    })}
                </Suspense>
                <input type="hidden" name="next" value=next/>
                <label>"Email"<input type="email" name="email" autocomplete="username" required=true/></label>
                <label>"Password"<input type="password" name="password" autocomplete="current-password" required=true/></label>
                <button type="submit">"Sign in"</button>
            </form>
        </section>
    }
}
