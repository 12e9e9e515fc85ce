//! What a customer's mail says (pure): which outbox events are worth a mail ([`kind_of`]),
//! and each mail's subject, text part and HTML part in the subscriber's language, from the
//! two templates in `server/templates/mail` (minijinja; the HTML one escapes what it is
//! given). A delivered parcel's mail links to the proof of delivery on the share link; it
//! never carries the file.
use crate::outbox::Payload;
use app::i18n::Lang;
use app::model::TrackingStatus;
use chrono::{DateTime, Utc};
use minijinja::{context, Environment};

/// An ETA that moves by less than this is not worth a mail.
pub const ETA_MOVE_WORTH_A_MAIL: chrono::Duration = chrono::Duration::minutes(30);

/// What a mail tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum MailKind {
    /// The double opt-in: follow the link to get updates.
    Confirm,
    OutForDelivery,
    Delivered,
    FailedAttempt,
    Exception,
    EtaChanged,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The mail an outbox event is worth, if any.
pub fn kind_of(payload: &Payload) -> Option<MailKind> {
    match payload {
        Payload::StatusChanged(data) => match data.parcel.status {
            TrackingStatus::OutForDelivery => Some(MailKind::OutForDelivery),
            TrackingStatus::Delivered => Some(MailKind::Delivered),
            TrackingStatus::FailedAttempt => Some(MailKind::FailedAttempt),
            TrackingStatus::Exception | TrackingStatus::Returning => Some(MailKind::Exception),
            _ => None,
        },
        Payload::EtaChanged(data) => {
            let finished = matches!(
                data.parcel.status,
                TrackingStatus::Delivered | TrackingStatus::Returned | TrackingStatus::Canceled | TrackingStatus::Expired
            );
            let moved = match (data.parcel.eta, data.previous_eta) {
                (Some(new), Some(old)) => (new - old).abs() > ETA_MOVE_WORTH_A_MAIL,
                _ => false,
            };
            (moved && !finished).then_some(MailKind::EtaChanged)
        }
        _ => None,
    }
}

/// Where a mail's links go.
pub struct Links {
    /// The share link (its POD section for a delivered parcel).
    pub share: String,
    pub confirm: String,
    pub unsubscribe: String,
}

/// What is said about the parcel.
pub struct Subject<'a> {
    pub brand: &'a str,
    pub carrier: &'a str,
    pub tracking_number: &'a str,
    /// The brand's time zone, for the ETA.
    pub zone: &'a str,
}

/// A mail, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
#[error("mail template: {0}")]
pub struct TemplateError(#[from] minijinja::Error);

/// Composes `kind` for `parcel` in `lang` (`eta`: as the event left it).
pub fn compose(
    kind: MailKind,
    lang: Lang,
    parcel: &Subject<'_>,
    eta: Option<DateTime<Utc>>,
    links: &Links,
) -> Result<Composed, TemplateError> {
    let nl = lang == Lang::Nl;
    let say = |en: &str, dutch: &str| if nl { dutch.to_string() } else { en.to_string() };
    let eta = eta.map(|t| app::zone::format_in_zone(lang, t, parcel.zone, false));
    let number = parcel.tracking_number;
    let (subject, heading, mut lines, button, url) = match kind {
        MailKind::Confirm => (
            say("Confirm your parcel updates", "Bevestig je pakketupdates"),
            say("One click to get updates", "Nog één klik voor updates"),
            vec![say(
                &format!("Someone (we hope you) asked for updates about parcel {number} by mail. Confirm to get them; if it was not you, ignore this mail and you will hear nothing more."),
                &format!("Iemand (hopelijk jij) vroeg om updates over pakket {number} per mail. Bevestig om ze te krijgen; was jij het niet, negeer deze mail dan, dan hoor je niets meer."),
            )],
            say("Confirm", "Bevestigen"),
            links.confirm.clone(),
        ),
        MailKind::OutForDelivery => (
            say(&format!("Your parcel {number} is out for delivery"), &format!("Je pakket {number} wordt vandaag bezorgd")),
            say("Out for delivery", "Onderweg naar je toe"),
            vec![say("The courier is on the way with your parcel.", "De bezorger is met je pakket onderweg.")],
            say("Follow your parcel", "Volg je pakket"),
            links.share.clone(),
        ),
        MailKind::Delivered => (
            say(&format!("Your parcel {number} was delivered"), &format!("Je pakket {number} is bezorgd")),
            say("Delivered", "Bezorgd"),
            vec![say("Your parcel was delivered. The proof of delivery is on your tracking page.", "Je pakket is bezorgd. Het bewijs van bezorging staat op je volgpagina.")],
            say("See the proof of delivery", "Bekijk het bewijs van bezorging"),
            format!("{}#pod", links.share),
        ),
        MailKind::FailedAttempt => (
            say(&format!("We missed you: parcel {number}"), &format!("We hebben je gemist: pakket {number}")),
            say("Delivery attempt failed", "Bezorgpoging mislukt"),
            vec![say("The courier could not deliver your parcel. Your tracking page says what happens next.", "De bezorger kon je pakket niet afleveren. Op je volgpagina staat wat er nu gebeurt.")],
            say("See what happens next", "Bekijk wat er nu gebeurt"),
            links.share.clone(),
        ),
        MailKind::Exception => (
            say(&format!("A problem with parcel {number}"), &format!("Een probleem met pakket {number}")),
            say("There is a problem with your parcel", "Er is een probleem met je pakket"),
            vec![say("The carrier reported a problem. Your tracking page has the details.", "De vervoerder meldt een probleem. Op je volgpagina staan de details.")],
            say("See the details", "Bekijk de details"),
            links.share.clone(),
        ),
        MailKind::EtaChanged => (
            say(&format!("New delivery time for parcel {number}"), &format!("Nieuwe bezorgtijd voor pakket {number}")),
            say("Your delivery time changed", "Je bezorgtijd is veranderd"),
            vec![say("The carrier changed when your parcel is expected.", "De vervoerder heeft de verwachte bezorgtijd aangepast.")],
            say("Follow your parcel", "Volg je pakket"),
            links.share.clone(),
        ),
    };
    if let (Some(eta), true) = (&eta, matches!(kind, MailKind::OutForDelivery | MailKind::EtaChanged)) {
        lines.push(say(&format!("Expected: {eta}."), &format!("Verwacht: {eta}.")));
    }
    let footer = say(
        &format!(
            "You get this because you asked for updates about this parcel ({}). We keep your address for this parcel only.",
            parcel.carrier
        ),
        &format!(
            "Je krijgt dit omdat je om updates over dit pakket vroeg ({}). We bewaren je adres alleen voor dit pakket.",
            parcel.carrier
        ),
    );
    let values = context! {
        lang => lang.code(), heading => heading, lines => lines, button_label => button, button_url => url,
        brand => parcel.brand, tracking => number, footer => footer,
        unsubscribe_label => say("Unsubscribe", "Afmelden"), unsubscribe_url => links.unsubscribe,
    };
    let templates = templates()?;
    let text = templates.get_template("notification.txt")?.render(&values)?;
    let html = templates.get_template("notification.html")?.render(&values)?;
    Ok(Composed { subject: format!("{}: {subject}", parcel.brand), text, html })
}

/// The two templates, parsed once for the process.
fn templates() -> Result<&'static Environment<'static>, TemplateError> {
    static TEMPLATES: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    if let Some(parsed) = TEMPLATES.get() {
        return Ok(parsed);
    }
    let mut parsed = Environment::new();
    parsed.add_template("notification.txt", include_str!("../../templates/mail/notification.txt"))?;
    parsed.add_template("notification.html", include_str!("../../templates/mail/notification.html"))?;
    Ok(TEMPLATES.get_or_init(|| parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            share: "https://t.example/t/abc".into(),
            confirm: "https://t.example/m/tok/confirm".into(),
            unsubscribe: "https://t.example/m/tok/unsubscribe".into(),
        }
    }

    const PARCEL: Subject<'static> =
        Subject { brand: "Tulip <Flowers>", carrier: "Peddler", tracking_number: "PD1", zone: "Europe/Amsterdam" };

    fn status(
        status: TrackingStatus,
        eta: Option<&str>,
        previous_eta: Option<&str>,
    ) -> (crate::outbox::payload::StatusData, crate::outbox::payload::EtaData) {
        use crate::outbox::payload::{EtaData, ParcelFacts, StatusData};
        let time = |t: Option<&str>| t.map(|t| t.parse::<DateTime<Utc>>().unwrap());
        let parcel = ParcelFacts {
            carrier: app::carrier::Carrier::Peddler,
            tracking_number: "PD1".into(),
            status,
            substatus: None,
            occurred_at: Utc::now(),
            eta: time(eta),
            eta_window: None,
        };
        let moved = StatusData { parcel: parcel.clone(), previous_status: TrackingStatus::InTransit, previous_substatus: None };
        (moved, EtaData { parcel, previous_eta: time(previous_eta), previous_eta_window: None })
    }

    #[test]
    fn status_events_worth_a_mail_and_eta_moves_of_over_half_an_hour() {
        let (out, _) = status(TrackingStatus::OutForDelivery, None, None);
        assert_eq!(kind_of(&Payload::StatusChanged(out)), Some(MailKind::OutForDelivery));
        let (moving, _) = status(TrackingStatus::InTransit, None, None);
        assert_eq!(kind_of(&Payload::StatusChanged(moving)), None);
        let (delivered, _) = status(TrackingStatus::Delivered, None, None);
        assert_eq!(kind_of(&Payload::Delivered(delivered)), None, "the status change tells it once");
        let (_, hour) = status(TrackingStatus::OutForDelivery, Some("2026-12-03T15:00:00Z"), Some("2026-12-03T14:00:00Z"));
        assert_eq!(kind_of(&Payload::EtaChanged(hour)), Some(MailKind::EtaChanged));
        let (_, minutes) = status(TrackingStatus::OutForDelivery, Some("2026-12-03T14:20:00Z"), Some("2026-12-03T14:00:00Z"));
        assert_eq!(kind_of(&Payload::EtaChanged(minutes)), None);
        let (_, late) = status(TrackingStatus::Delivered, Some("2026-12-03T18:00:00Z"), Some("2026-12-03T14:00:00Z"));
        assert_eq!(kind_of(&Payload::EtaChanged(late)), None, "no ETA mail once delivered");
    }

    #[test]
    fn a_mail_has_both_parts_in_the_language_with_its_links_and_the_html_escapes() {
        let eta = Some("2026-12-03T14:30:00Z".parse().unwrap());
        let en = compose(MailKind::OutForDelivery, Lang::En, &PARCEL, eta, &links()).unwrap();
        assert_eq!(en.subject, "Tulip <Flowers>: Your parcel PD1 is out for delivery");
        assert!(en.text.contains("Expected: 3 Dec 2026, 15:30 CET."), "{}", en.text);
        assert!(en.text.contains("https://t.example/t/abc") && en.text.contains("https://t.example/m/tok/unsubscribe"));
        assert!(en.html.contains("Tulip &lt;Flowers&gt;") && !en.html.contains("Tulip <Flowers>"), "{}", en.html);
        let nl = compose(MailKind::Delivered, Lang::Nl, &PARCEL, eta, &links()).unwrap();
        assert!(nl.subject.contains("is bezorgd") && nl.html.contains("lang=\"nl\""));
        assert!(nl.text.contains("https://t.example/t/abc#pod"), "the POD is linked, never attached");
    }
}
