//! The four-step progress bar: ordered → in transit → out for delivery → delivered, with
//! detours (failed attempt, exception, return) shown as such rather than hidden.
use crate::i18n::{t, use_lang, Msg};
use leptos::prelude::*;

const STEPS: [Msg; 4] = [Msg::StepOrdered, Msg::StepInTransit, Msg::StepOutForDelivery, Msg::StepDelivered];

/// `step`: the step reached (0-3); `detour`: the journey has left the happy path there
/// (see `crate::next_step`).
#[component]
pub fn Progress(step: usize, detour: bool) -> impl IntoView {
    let lang = use_lang();
    let reached = step.min(STEPS.len() - 1);
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
    use crate::model::TrackingStatus;
    use crate::next_step::situation;

    #[test]
    fn a_failed_attempt_is_shown_as_a_detour_at_the_delivery_step() {
        let at = |s: TrackingStatus| (situation(s, None).step, situation(s, None).detour);
        assert_eq!(at(TrackingStatus::FailedAttempt), (2, true));
        assert_eq!(at(TrackingStatus::Delivered), (3, false));
    }
}
