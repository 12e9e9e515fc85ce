//! Throughput against connection count, as an SVG.
use super::load::LoadResult;
use plotters::prelude::*;

pub fn throughput_svg(path: &std::path::Path, series: &[(&str, Vec<LoadResult>)]) -> anyhow::Result<()> {
    let max = series.iter().flat_map(|(_, r)| r.iter().map(|r| r.per_second)).fold(1.0, f64::max) * 1.1;
    let root = SVGBackend::new(path, (720, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Waybill: requests per second by connection count", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d((1f64..64f64).log_scale(), 0f64..max)?;
    chart.configure_mesh().x_desc("connections").y_desc("requests / s").draw()?;
    let colors = [BLUE, RED, GREEN, MAGENTA];
    for (i, (name, results)) in series.iter().enumerate() {
        let color = colors[i % colors.len()];
        let points: Vec<(f64, f64)> = results.iter().map(|r| (r.connections as f64, r.per_second)).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 3, color.filled())))?;
    }
    chart.configure_series_labels().border_style(BLACK).background_style(WHITE.mix(0.9)).draw()?;
    root.present()?;
    Ok(())
}
