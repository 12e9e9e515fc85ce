//! A small map drawn by the server as inline SVG: pickup, drop-off, the courier's recent
//! trail and last position. No tile server, no script: it works with JavaScript off.
use crate::i18n::{t, use_lang, Msg};
use crate::model::CourierView;
use leptos::prelude::*;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 200.0;
const MARGIN: f64 = 16.0;

/// Projects (lat, lng) into the view box, keeping the map's aspect honest near the poles
/// (longitude degrees shrink with cos(latitude)).
pub struct Projection {
    min_x: f64,
    max_y: f64,
    scale: f64,
    x_factor: f64,
}

impl Projection {
    pub fn fit(points: &[(f64, f64)]) -> Option<Self> {
        let first = points.first()?;
        let mid_lat = points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64;
        let x_factor = mid_lat.to_radians().cos().max(0.01);
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (first.1 * x_factor, first.1 * x_factor, first.0, first.0);
        for (lat, lng) in points {
            min_x = min_x.min(lng * x_factor);
            max_x = max_x.max(lng * x_factor);
            min_y = min_y.min(*lat);
            max_y = max_y.max(*lat);
        }
        // A single point (or a very short trail) still gets a neighbourhood around it.
        let span = (max_x - min_x).max(max_y - min_y).max(0.002);
        let (cx, cy) = ((min_x + max_x) / 2.0, (min_y + max_y) / 2.0);
        let scale = ((WIDTH - 2.0 * MARGIN) / span).min((HEIGHT - 2.0 * MARGIN) / span);
        let half_w = (WIDTH / 2.0) / scale;
        let half_h = (HEIGHT / 2.0) / scale;
        Some(Self { min_x: cx - half_w, max_y: cy + half_h, scale, x_factor })
    }

    pub fn project(&self, (lat, lng): (f64, f64)) -> (f64, f64) {
        ((lng * self.x_factor - self.min_x) * self.scale, (self.max_y - lat) * self.scale)
    }
}

#[component]
pub fn CourierMap(courier: CourierView) -> impl IntoView {
    let lang = use_lang();
    let mut points: Vec<(f64, f64)> = courier.trail.clone();
    points.extend(courier.pickup);
    points.extend(courier.dropoff);
    let Some(projection) = Projection::fit(&points) else {
        return ().into_any();
    };
    let fmt = |p: (f64, f64)| {
        let (x, y) = projection.project(p);
        format!("{x:.1},{y:.1}")
    };
    let trail = courier.trail.iter().map(|p| fmt(*p)).collect::<Vec<_>>().join(" ");
    let marker = |point: Option<(f64, f64)>, class: &'static str, label: &'static str| {
        point.map(|p| {
            let (x, y) = projection.project(p);
            view! {
                <g class=class>
                    <title>{label}</title>
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="7"/>
                </g>
            }
        })
    };
    view! {
        <svg class="courier-map" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=t(lang, Msg::MapLabel)>
            <rect class="map-bg" width=WIDTH.to_string() height=HEIGHT.to_string() rx="8"/>
            {(!trail.is_empty()).then(|| view! { <polyline class="map-trail" points=trail fill="none"/> })}
            {marker(courier.pickup, "map-pickup", t(lang, Msg::Pickup))}
            {marker(courier.dropoff, "map-dropoff", t(lang, Msg::Dropoff))}
            {marker(courier.position, "map-courier", t(lang, Msg::YourCourier))}
        </svg>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_point_lands_inside_the_view_box() {
        let points = [(40.71093, -74.0119), (40.724533, -74.00839), (40.715, -74.01)];
        let projection = Projection::fit(&points).unwrap();
        for p in points {
            let (x, y) = projection.project(p);
            assert!((0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y), "{p:?} -> {x},{y}");
        }
        // North is up.
        assert!(projection.project((40.724533, -74.0)).1 < projection.project((40.71093, -74.0)).1);
    }

    #[test]
    fn a_single_point_sits_in_the_middle() {
        let projection = Projection::fit(&[(52.34, 4.82)]).unwrap();
        let (x, y) = projection.project((52.34, 4.82));
        assert!((x - WIDTH / 2.0).abs() < 0.01 && (y - HEIGHT / 2.0).abs() < 0.01);
    }
}
