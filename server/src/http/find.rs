//! `GET /find?n=…`: the home page's form target, redirecting to `/track/{n}`, so that
//! looking up a parcel works without JavaScript.
use axum::extract::Query;
use axum::response::Redirect;

#[derive(serde::Deserialize)]
pub struct FindQuery {
    #[serde(default)]
    n: String,
    /// The language the form was shown in, carried over to the tracking page.
    lang: Option<String>,
}

pub async fn find(Query(query): Query<FindQuery>) -> Redirect {
    let number = query.n.trim();
    if number.is_empty() {
        return Redirect::to("/");
    }
    let encoded: String = url::form_urlencoded::byte_serialize(number.as_bytes()).collect();
    let lang = match query.lang.as_deref() {
        Some(code @ ("en" | "nl")) => format!("?lang={code}"),
        _ => String::new(),
    };
    Redirect::to(&format!("/track/{}{lang}", encoded.replace('+', "%20")))
}
