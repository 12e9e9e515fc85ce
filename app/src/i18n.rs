//! The customer pages' words in English and Dutch (`Msg` and `t`, status labels, times and
//! dates) and which language a request gets: `?lang=` (then kept in a cookie), the cookie,
//! `Accept-Language`, the brand's language. The back office is in English. The carriers'
//! own texts are picked in the visitor's language in `localize`.

pub use crate::lang::Lang;

/// Every piece of the customer pages' text (the tracking page, the share link, the
/// not-found page), so that none of them carries a string of its own. The back office
/// (`pages::staff`) is in English only and writes its text in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    TrackYourParcel,
    TrackingNumber,
    Track,
    Expected,
    Late,
    DeliveredAt,
    NoEstimate,
    BackAtDepot,
    NextAttemptSoon,
    NextAnnounced,
    NextOnTheWay,
    NextMissedYou,
    NextException,
    NextCollect,
    NextReturning,
    LastUpdate,
    History,
    NoEventsYet,
    CarrierStatus,
    ProofOfDelivery,
    YourCourier,
    LastSeenAt,
    DeliveryProgress,
    HistoryNewestFirst,
    StepOrdered,
    StepInTransit,
    StepOutForDelivery,
    StepDelivered,
    ParcelNotFound,
    ParcelNotFoundText,
    YouLookedUp,
    LinkNotFound,
    LinkNotFoundText,
    UpdatesPending,
    UpdatesPendingText,
    Unavailable,
    UnavailableText,
    PageNotFound,
    PageNotFoundText,
    TrackAnother,
    Loading,
    Language,
    MapLabel,
    Between,
    And,
    ShowAll,
    Pickup,
    Dropoff,
    Signature,
    Photo,
    Document,
    Barcode,
    Pin,
    NeedHelp,
    PrintHint,
    SignedBy,
    MailUpdates,
    MailUpdatesText,
    EmailAddress,
    Subscribe,
    MailCheck,
    MailAlready,
    MailInvalid,
    MailFull,
    MailOff,
    MailConfirmed,
    MailUnsubscribed,
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    let (en, nl) = match msg {
        TrackYourParcel => ("Track your parcel", "Volg je pakket"),
        TrackingNumber => ("Tracking number", "Trackingnummer"),
        Track => ("Track", "Volgen"),
        Expected => ("Expected", "Verwacht"),
        Late => ("Later than expected", "Later dan verwacht"),
        DeliveredAt => ("Delivered at", "Bezorgd op"),
        NoEstimate => ("No delivery estimate yet", "Nog geen verwachte bezorgtijd"),
        BackAtDepot => ("Back at the depot", "Terug in het depot"),
        NextAttemptSoon => (
            "We missed you. The courier will try again on the next delivery day.",
            "We hebben je gemist. De bezorger probeert het de volgende bezorgdag opnieuw.",
        ),
        NextAnnounced => (
            "The shop has announced your parcel; the carrier has not picked it up yet.",
            "De winkel heeft je pakket aangemeld; de vervoerder heeft het nog niet opgehaald.",
        ),
        NextOnTheWay => ("Your parcel is on its way to you today.", "Je pakket is vandaag onderweg naar je toe."),
        NextMissedYou => (
            "We missed you. The carrier will try again, or tell you where to collect it.",
            "We hebben je gemist. De vervoerder probeert het opnieuw, of laat weten waar je het kunt ophalen.",
        ),
        NextException => (
            "Something held up your parcel. The carrier is on it; this page shows what happens next.",
            "Er is iets misgegaan met je pakket. De vervoerder lost het op; deze pagina laat zien wat er gebeurt.",
        ),
        NextCollect => (
            "Your parcel is waiting for you at a pickup point. Bring ID to collect it.",
            "Je pakket ligt klaar bij een afhaalpunt. Neem een legitimatie mee om het op te halen.",
        ),
        NextReturning => (
            "Your parcel is going back to the sender. Contact the shop about a new delivery or a refund.",
            "Je pakket gaat terug naar de afzender. Neem contact op met de winkel over een nieuwe levering of terugbetaling.",
        ),
        LastUpdate => ("Last update", "Laatste update"),
        History => ("History", "Geschiedenis"),
        NoEventsYet => ("No tracking events yet.", "Nog geen trackinggegevens."),
        CarrierStatus => ("Carrier status", "Status vervoerder"),
        ProofOfDelivery => ("Proof of delivery", "Afleverbewijs"),
        YourCourier => ("Your courier", "Je bezorger"),
        LastSeenAt => ("Last seen at", "Laatst gezien op"),
        DeliveryProgress => ("Delivery progress", "Voortgang van de bezorging"),
        HistoryNewestFirst => ("Tracking history, newest first", "Trackinggeschiedenis, nieuwste eerst"),
        StepOrdered => ("Ordered", "Besteld"),
        StepInTransit => ("In transit", "Onderweg"),
        StepOutForDelivery => ("Out for delivery", "Wordt bezorgd"),
        StepDelivered => ("Delivered", "Bezorgd"),
        ParcelNotFound => ("Parcel not found", "Pakket niet gevonden"),
        YouLookedUp => ("You looked up", "Je zocht naar"),
        ParcelNotFoundText => (
            "No parcel has this tracking number. Check the number, or try again once the carrier has sent its first update.",
            "Geen pakket heeft dit trackingnummer. Controleer het nummer, of probeer het opnieuw zodra de vervoerder de eerste update heeft gestuurd.",
        ),
        UpdatesPending => ("Tracking will appear soon", "Tracking volgt binnenkort"),
        UpdatesPendingText => (
            "The carrier sent an update for this parcel that we could not process yet. Our team has been notified; please check again later.",
            "De vervoerder stuurde een update voor dit pakket die we nog niet konden verwerken. Ons team is op de hoogte; kijk later nog eens.",
        ),
        LinkNotFound => ("Link not found", "Link niet gevonden"),
        LinkNotFoundText => (
            "This tracking link does not exist or has been replaced by a newer one.",
            "Deze trackinglink bestaat niet of is vervangen door een nieuwere.",
        ),
        Unavailable => ("Tracking temporarily unavailable", "Tracking tijdelijk niet beschikbaar"),
        UnavailableText => ("Please try again in a minute.", "Probeer het over een minuut opnieuw."),
        PageNotFound => ("Page not found", "Pagina niet gevonden"),
        PageNotFoundText => ("There is nothing at this address.", "Op dit adres staat niets."),
        TrackAnother => ("Track another parcel", "Een ander pakket volgen"),
        Loading => ("Loading tracking…", "Tracking laden…"),
        Language => ("Language", "Taal"),
        MapLabel => ("Map of the courier's route and last known position", "Kaart met de route en laatst bekende positie van de bezorger"),
        Between => ("between", "tussen"),
        And => ("and", "en"),
        ShowAll => ("Show the older events", "Toon de oudere gebeurtenissen"),
        Pickup => ("Pickup", "Ophaaladres"),
        Dropoff => ("Drop-off", "Afleveradres"),
        Signature => ("Signature", "Handtekening"),
        Photo => ("Photo", "Foto"),
        Document => ("Document", "Document"),
        Barcode => ("Scanned barcode", "Gescande barcode"),
        Pin => ("PIN entered", "Ingevoerde pincode"),
        MailUpdates => ("Updates by mail", "Updates per mail"),
        MailUpdatesText => (
            "Get a mail when your parcel is out for delivery, delivered, or delayed. We keep your address for this parcel only, and delete it after delivery.",
            "Krijg een mail als je pakket onderweg is, bezorgd is of vertraging heeft. We bewaren je adres alleen voor dit pakket en wissen het na de bezorging.",
        ),
        EmailAddress => ("Your e-mail address", "Je e-mailadres"),
        Subscribe => ("Send me updates", "Stuur me updates"),
        MailCheck => ("Almost done: we sent you a mail. Follow its link to confirm.", "Bijna klaar: we stuurden je een mail. Volg de link daarin om te bevestigen."),
        MailAlready => ("You already get updates about this parcel.", "Je krijgt al updates over dit pakket."),
        MailInvalid => ("That is not an e-mail address. Check it and try again.", "Dat is geen e-mailadres. Controleer het en probeer het opnieuw."),
        MailFull => ("This parcel has as many subscribers as it can have.", "Dit pakket heeft het maximale aantal aanmeldingen."),
        MailOff => ("Updates by mail are not available.", "Updates per mail zijn niet beschikbaar."),
        MailConfirmed => ("Confirmed: you will get a mail when something changes.", "Bevestigd: je krijgt een mail als er iets verandert."),
        MailUnsubscribed => ("Unsubscribed: your address is deleted.", "Afgemeld: je adres is gewist."),
        NeedHelp => ("Questions about your order?", "Vragen over je bestelling?"),
        PrintHint => (
            "Print this page for a proof of delivery with the parcel, the time, the carrier and who signed.",
            "Druk deze pagina af voor een afleverbewijs met het pakket, de tijd, de vervoerder en wie tekende.",
        ),
        SignedBy => ("Signed by", "Getekend door"),
    };
    match lang {
        Lang::En => en,
        Lang::Nl => nl,
    }
}

/// The notice on a parcel without news for `days` days.
pub fn quiet_for(lang: Lang, days: u32) -> String {
    match lang {
        Lang::En => format!("No update for {days} days. If you expected the parcel by now, please contact the shop."),
        Lang::Nl => format!("Al {days} dagen geen update. Had je het pakket al verwacht, neem dan contact op met de winkel."),
    }
}

/// A status as people read it, in `lang`.
pub fn status_label(lang: Lang, status: crate::model::TrackingStatus) -> &'static str {
    use crate::model::TrackingStatus::*;
    match lang {
        Lang::En => status.label(),
        Lang::Nl => match status {
            InfoReceived => "Zending aangemeld",
            InTransit => "Onderweg",
            OutForDelivery => "Wordt bezorgd",
            FailedAttempt => "Bezorgpoging mislukt",
            Delivered => "Bezorgd",
            AvailableForPickup => "Klaar om op te halen",
            Exception => "Probleem met de bezorging",
            Returning => "Retour naar afzender",
            Returned => "Teruggestuurd naar afzender",
            Canceled => "Geannuleerd",
            Expired => "Tracking verlopen",
            Unknown => "Statusupdate",
        },
    }
}

/// A time as people read it in `lang`, in UTC (the zone-less fallback).
pub fn format_time(lang: Lang, time: chrono::DateTime<chrono::Utc>) -> String {
    format_wall(lang, time.naive_utc(), "UTC", false)
}

/// A wall-clock time in `lang` with its zone named, e.g. "8 Oct 2025, 12:15 CEST" /
/// "8 okt 2025, 12:15 CEST", or the time alone.
pub fn format_wall(lang: Lang, wall: chrono::NaiveDateTime, zone: &str, time_only: bool) -> String {
    use chrono::Datelike;
    const NL_MONTHS: [&str; 12] = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
    let clock = wall.format("%H:%M");
    if time_only {
        return format!("{clock} {zone}");
    }
    match lang {
        Lang::En => format!("{}, {clock} {zone}", wall.format("%-d %b %Y")),
        Lang::Nl => format!("{} {} {}, {clock} {zone}", wall.day(), NL_MONTHS[wall.month0() as usize], wall.year()),
    }
}

/// A calendar day as people read it in `lang`, e.g. "8 Oct 2025" / "8 okt 2025".
pub fn format_date(lang: Lang, day: chrono::NaiveDate) -> String {
    let noon = day.and_hms_opt(12, 0, 0).unwrap_or_default();
    format_wall(lang, noon, "", false).split(',').next().unwrap_or_default().to_string()
}

/// The language the visitor reads: from the context the page provides, English otherwise.
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

/// The language of the request being rendered (server only): an explicit choice (the
/// `?lang=` switch, then kept in a cookie) wins over an earlier choice (the cookie), which
/// wins over the browser's `Accept-Language`, which wins over the brand's language.
#[cfg(feature = "ssr")]
pub fn request_language(explicit: Option<&str>) -> Lang {
    use leptos::prelude::use_context;
    let explicit = explicit.and_then(Lang::parse);
    if let Some(lang) = explicit {
        // The visitor chose: kept for the next pages (a year, this site only).
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
            if let Ok(value) = http::HeaderValue::from_str(&cookie) {
                response.append_header(http::header::SET_COOKIE, value);
            }
        }
    }
    let parts = use_context::<http::request::Parts>();
    negotiate(explicit, parts.as_ref().map(|p| &p.headers), crate::brand::request_brand().language)
}

/// The language of the page being rendered, by the rule of `request_language` (server only;
/// the server functions keep the choice in the cookie). Staff pages are in English.
#[cfg(feature = "ssr")]
pub fn page_language() -> Lang {
    use leptos::prelude::use_context;
    let parts = use_context::<http::request::Parts>();
    if parts.as_ref().is_some_and(|p| p.uri.path().starts_with("/staff")) {
        return Lang::En;
    }
    let explicit = explicit_request_language().as_deref().and_then(Lang::parse);
    negotiate(explicit, parts.as_ref().map(|p| &p.headers), crate::brand::request_brand().language)
}

/// The page's language as `App` hands it to the pages through context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageLanguage(pub Lang);

/// The rule of `request_language`, without the request.
#[cfg(feature = "ssr")]
pub fn negotiate(explicit: Option<Lang>, headers: Option<&http::HeaderMap>, fallback: Lang) -> Lang {
    let Some(headers) = headers else {
        return explicit.unwrap_or(fallback);
    };
    let kept = || {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(LANG_COOKIE)?.strip_prefix('=').and_then(Lang::parse))
    };
    let asked = || headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language);
    explicit.or_else(kept).or_else(asked).unwrap_or(fallback)
}

/// The `?lang=` of the request being rendered, if it names a language (server only).
#[cfg(feature = "ssr")]
pub fn explicit_request_language() -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let query = parts.uri.query()?;
    query.split('&').find_map(|pair| pair.strip_prefix("lang=")).map(str::to_string)
}

/// The cookie that keeps a visitor's language choice from page to page.
#[cfg(feature = "ssr")]
pub const LANG_COOKIE: &str = "waybill_lang";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_supported_language_wins() {
        assert_eq!(Lang::from_accept_language("nl-NL,nl;q=0.9,en;q=0.8"), Some(Lang::Nl));
        assert_eq!(Lang::from_accept_language("de-DE,en;q=0.5,nl;q=0.9"), Some(Lang::Nl));
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Lang::from_accept_language("nl;q=0"), None);
    }

    #[test]
    fn every_message_has_a_dutch_text_of_its_own() {
        use Msg::*;
        for msg in [TrackYourParcel, Expected, History, ProofOfDelivery, ParcelNotFound, Unavailable, StepDelivered] {
            assert_ne!(t(Lang::En, msg), t(Lang::Nl, msg), "{msg:?}");
        }
        assert_eq!(format_time(Lang::Nl, "2025-10-08T10:15:00Z".parse().unwrap()), "8 okt 2025, 10:15 UTC");
        assert_eq!(format_date(Lang::En, "2025-10-08".parse().unwrap()), "8 Oct 2025");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_switch_beats_the_cookie_which_beats_the_browser_which_beats_the_brand() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = http::HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, http::HeaderValue::from_static(value));
            }
            map
        };
        let both = headers(&[("cookie", "a=1; waybill_lang=en"), ("accept-language", "nl-NL")]);
        assert_eq!(negotiate(Some(Lang::Nl), Some(&both), Lang::En), Lang::Nl);
        assert_eq!(negotiate(None, Some(&both), Lang::Nl), Lang::En);
        assert_eq!(negotiate(None, Some(&headers(&[("accept-language", "nl-NL,en;q=0.5")])), Lang::En), Lang::Nl);
        assert_eq!(negotiate(None, Some(&headers(&[("accept-language", "fr-FR")])), Lang::Nl), Lang::Nl);
        assert_eq!(negotiate(None, None, Lang::Nl), Lang::Nl);
    }
}
