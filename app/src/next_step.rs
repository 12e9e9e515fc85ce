//! What a parcel's situation is, in words: the headline, one sentence on what happens next,
//! and where the progress bar stands. Driven by the status and, where it tells more, the
//! substatus: a parcel "in transit" because it went back to the depot after a missed
//! delivery is not at the start of its journey again.
use crate::i18n::{status_label, t, Lang, Msg};
use crate::model::TrackingStatus;

/// The headline, the next step (if there is one to tell), and the progress: the step
/// reached (0-3) and whether the journey has left the happy path there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Situation {
    pub headline: Headline,
    pub next: Option<Msg>,
    pub step: usize,
    pub detour: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Headline {
    Status(TrackingStatus),
    Text(Msg),
}

impl Headline {
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            Self::Status(status) => status_label(lang, status),
            Self::Text(msg) => t(lang, msg),
        }
    }
}

/// Substatuses that mean "back at the depot after a delivery attempt" (depot `RD- Return to
/// depo`).
const BACK_AT_DEPOT: [&str; 1] = ["returned_to_depot"];

pub fn situation(status: TrackingStatus, substatus: Option<&str>) -> Situation {
    use TrackingStatus::*;
    let at = |step: usize, detour: bool, next: Option<Msg>| Situation { headline: Headline::Status(status), next, step, detour };
    if status == InTransit && substatus.is_some_and(|s| BACK_AT_DEPOT.contains(&s)) {
        return Situation { headline: Headline::Text(Msg::BackAtDepot), next: Some(Msg::NextAttemptSoon), step: 2, detour: true };
    }
    match status {
        InfoReceived => at(0, false, Some(Msg::NextAnnounced)),
        Unknown => at(0, false, None),
        InTransit => at(1, false, None),
        OutForDelivery => at(2, false, Some(Msg::NextOnTheWay)),
        FailedAttempt => at(2, true, Some(Msg::NextMissedYou)),
        Exception => at(2, true, Some(Msg::NextException)),
        AvailableForPickup => at(3, false, Some(Msg::NextCollect)),
        Delivered => at(3, false, None),
        Returning | Returned => at(1, true, Some(Msg::NextReturning)),
        Canceled | Expired => at(1, true, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_at_the_depot_after_a_missed_delivery_is_said_so_and_stays_at_the_delivery_step() {
        let s = situation(TrackingStatus::InTransit, Some("returned_to_depot"));
        assert_eq!(s.headline.text(Lang::En), "Back at the depot");
        assert_eq!(s.headline.text(Lang::Nl), "Terug in het depot");
        assert_eq!((s.step, s.detour), (2, true), "the bar does not drop back to in transit");
        assert_eq!(s.next, Some(Msg::NextAttemptSoon));
    }

    #[test]
    fn each_situation_says_what_happens_next_in_both_languages() {
        use TrackingStatus::*;
        assert_eq!(situation(FailedAttempt, Some("customer_not_present")).next, Some(Msg::NextMissedYou));
        assert_eq!(situation(AvailableForPickup, None).next, Some(Msg::NextCollect));
        assert_eq!(situation(Delivered, None).next, None, "nothing left to do");
        assert_eq!(situation(InTransit, Some("loaded_by_driver")).headline, Headline::Status(InTransit));
        for msg in [Msg::NextMissedYou, Msg::NextAttemptSoon, Msg::NextCollect, Msg::NextOnTheWay, Msg::NextReturning] {
            assert_ne!(t(Lang::En, msg), t(Lang::Nl, msg), "{msg:?}");
        }
    }
}
