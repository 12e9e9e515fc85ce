//! An event's text in the visitor's language. The carrier's own text in that language wins
//! (Peddler sends several); otherwise, for Dutch, the text follows the event's substatus
//! (or, for one Waybill does not know, its status), so that a Dutch page carries no English
//! carrier sentences. English is what the adapters already chose and is left as it is.
use crate::i18n::{status_label, Lang};
use crate::model::{EventView, ParcelView};

pub fn localize(parcel: &mut ParcelView, lang: Lang) {
    if lang == Lang::En {
        return;
    }
    for event in &mut parcel.events {
        event.description = Some(event_text(event, lang));
    }
}

fn event_text(event: &EventView, lang: Lang) -> String {
    let carriers_own = event.texts.get(lang.code()).and_then(|text| text.description.clone().or_else(|| text.headline.clone()));
    carriers_own.unwrap_or_else(|| dutch_substatus(&event.substatus).unwrap_or_else(|| status_label(lang, event.status)).to_string())
}

/// Dutch for the substatuses the adapters give (`carriers::*`'s status maps). One table for
/// every carrier, since carriers share substatuses ("delivered"); the server's carrier tests
/// (`carriers::samples`) fail for a substatus a carrier's samples give that is missing here.
pub fn dutch_substatus(substatus: &str) -> Option<&'static str> {
    Some(match substatus {
        "en_route_to_pickup" | "pickup" => "De bezorger is onderweg om je bestelling op te halen",
        "arrived_at_pickup" => "De bezorger is bij het ophaaladres aangekomen",
        "pickup_complete" => "De bezorger heeft je bestelling opgehaald",
        "en_route_to_dropoff" | "dropoff" | "out_for_delivery" => "De bezorger is onderweg naar je toe",
        "arrived_at_dropoff" => "De bezorger is bij het afleveradres aangekomen",
        "delivered" => "Je pakket is bezorgd",
        "pending" | "not_scanned" | "pre_transit" | "registered" | "created" | "announced" => "De afzender heeft je pakket aangemeld",
        "received_at_depot" => "Je pakket is in het depot aangekomen",
        "loaded_by_driver" => "Je pakket is in de bezorgwagen geladen",
        "returned_to_depot" => "Je pakket is na een bezorgpoging terug in het depot",
        "failed_delivery" | "failed_attempt" => "De bezorger kon je pakket niet afleveren",
        "accepted" | "picked_up" => "De vervoerder heeft je pakket ontvangen",
        "in_transit" | "at_hub" | "sorted" => "Je pakket is onderweg",
        "transshipment" => "Je pakket wordt overgeladen",
        "pending_customs_clearance" => "Je pakket wacht op inklaring bij de douane",
        "customs_clearance_started" => "De douane controleert je pakket",
        "customs_clearance_completed" => "Je pakket is door de douane vrijgegeven",
        "customs_exception" => "Er is een probleem bij de douane",
        "recipient_refused" => "De ontvanger heeft het pakket geweigerd",
        "exception" | "damaged" | "lost" => "Er is een probleem met de bezorging",
        "ready_for_pickup" | "at_pickup_point" => "Je pakket ligt klaar om op te halen",
        "returning_to_sender" | "return_to_sender" | "returning" => "Je pakket gaat terug naar de afzender",
        "returned_to_sender" | "returned" => "Je pakket is teruggestuurd naar de afzender",
        "canceled" | "cancelled" => "De bezorging is geannuleerd",
        "tracking_expired" | "expired" => "De tracking van dit pakket is verlopen",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventText, TrackingStatus};

    fn parcel_with(event: EventView) -> ParcelView {
        ParcelView {
            carrier: crate::carrier::Carrier::Peddler,
            carrier_name: String::new(),
            tracking_number: "P1".into(),
            status: event.status,
            substatus: None,
            eta: None,
            updated_at: chrono::Utc::now(),
            late: false,
            quiet_days: None,
            delivered_at: None,
            hidden_events: 0,
            eta_window: None,
            events: vec![event],
        }
    }

    fn event(status: TrackingStatus, substatus: &str, description: &str) -> EventView {
        EventView {
            occurred_at: chrono::Utc::now(),
            day: None,
            status,
            substatus: substatus.into(),
            raw_status: "RAW".into(),
            description: Some(description.into()),
            location: None,
            texts: Default::default(),
        }
    }

    #[test]
    fn events_take_the_carrier_text_in_the_chosen_language() {
        let mut own = event(TrackingStatus::FailedAttempt, "x", "reason");
        own.texts = [("nl".to_string(), EventText { headline: Some("Mislukt".into()), description: Some("Afleverpoging mislukt".into()) })]
            .into_iter()
            .collect();
        let mut parcel = parcel_with(own);
        localize(&mut parcel, Lang::En);
        assert_eq!(parcel.events[0].description.as_deref(), Some("reason"));
        localize(&mut parcel, Lang::Nl);
        assert_eq!(parcel.events[0].description.as_deref(), Some("Afleverpoging mislukt"));
    }

    #[test]
    fn without_a_dutch_carrier_text_the_substatus_gives_it_and_else_the_status() {
        let mut parcel = parcel_with(event(TrackingStatus::InTransit, "pickup_complete", "The courier picked up your order"));
        localize(&mut parcel, Lang::Nl);
        assert_eq!(parcel.events[0].description.as_deref(), Some("De bezorger heeft je bestelling opgehaald"));
        let mut unknown = parcel_with(event(TrackingStatus::Exception, "status_77", "Weather delay"));
        localize(&mut unknown, Lang::Nl);
        assert_eq!(unknown.events[0].description.as_deref(), Some("Probleem met de bezorging"));
    }
}
