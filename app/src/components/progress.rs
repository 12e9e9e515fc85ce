//! The four-step progress bar: ordered → in transit → out for delivery → delivered, with
//! detours (failed attempt, exception, return) shown as such rather than hidden.
use crate::i18n::{t, use_lang, Msg};
use crate::model::TrackingStatus;
use leptos::prelude::*;

const STEPS: [Msg; 4] = [Msg::StepOrdered, Msg::StepInTransit, Msg::StepOutForDelivery, Msg::StepDelivered];

/// The index of the step reached, and whether the journey has left the happy path.
fn position(status: TrackingStatus) -> (usize, bool) {
    use TrackingStatus::*;
    match status {
        InfoReceived | Unknown => (0, false),
        InTransit => (1, false),
        OutForDelivery => (2, false),
        FailedAttempt | Exception => (2, true),
        Delivered | AvailableForPickup => (3, false),
        Returning | Returned | Canceled | Expired => (1, true),
    }
}

#[component]
pub fn Progress(status: TrackingStatus) -> impl IntoView {
    let lang = use_lang();
    let (reached, detour) = position(status);
    let steps = STEPS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let class = match i.cmp(&reached) {
                std::cmp::Ordering::Less => "step done",
                std::cmp::Ordering::Equal if detour => "step current detour",
                std::cmp::Ordering::Equal => "step current",
                std::cmp::Ordering::Greater => "step",
            };
            let current = (i == reached).then_some("step");
            view! { <li class=class aria-current=current>{t(lang, *name)}</li> }
        })
        .collect_view();
    view! { <ol class="progress" aria-label=t(lang, Msg::DeliveryProgress)>{steps}</ol> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_attempt_is_shown_as_a_detour_at_the_delivery_step() {
        assert_eq!(position(TrackingStatus::FailedAttempt), (2, true));
        assert_eq!(position(TrackingStatus::Delivered), (3, false));
    }
}
