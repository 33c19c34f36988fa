//! Draws every case's heartbeat gaps as small multiples in one SVG file: one row per strategy,
//! one column per flavour, the same axes everywhere, so the panels can be compared at a glance.

use std::path::Path;

use plotters::prelude::*;

use crate::LabError;
use crate::lab::{Report, Trace};
use crate::stats::ms;
use crate::strategy::{Case, Flavour};

/// Width of one panel, in pixels.
const PANEL_W: u32 = 520;
/// Height of one panel, in pixels.
const PANEL_H: u32 = 190;
/// Height of the title strip, in pixels.
///
/// Text sizes are chosen for the book, which shows the 1040 px wide chart scaled to its column
/// (about 900 px): panel titles and axis labels stay at 12 px or more there.
const TITLE_H: u32 = 50;

/// Writes the chart of `report` to `path` (an `.svg` file; its folder must exist).
pub fn draw(report: &Report, path: &Path) -> Result<(), LabError> {
    let fail = |reason: String| LabError::Chart {
        path: path.display().to_string(),
        reason,
    };
    let rows = report.config.strategies.len().max(1);
    let cols = report.config.flavours.len().max(1);
    let size = (PANEL_W * cols as u32, TITLE_H + PANEL_H * rows as u32);
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(e.to_string()))?;
    let (title, body) = root.split_vertically(TITLE_H);
    title
        .draw_text(
            &format!(
                "Gap between heartbeats (ms, log scale) against time since the batch started (ms); tick {} ms, job ~{:.1} ms, {} jobs",
                ms(report.config.tick),
                report.calibration.target_ms,
                report.config.jobs
            ),
            &("sans-serif", 18).into_text_style(&title),
            (10, 10),
        )
        .map_err(|e| fail(e.to_string()))?;
    title
        .draw_text(
            "Each panel is the repetition with the median p99 lateness. Flat near the tick is healthy; spikes are freezes.",
            &("sans-serif", 17).into_text_style(&title),
            (10, 30),
        )
        .map_err(|e| fail(e.to_string()))?;

    // Shared axes: the longest window and the largest gap of any case.
    let x_max = report
        .traces
        .iter()
        .flat_map(|t| t.gaps.iter().map(|g| g.0).chain([t.window_ms]))
        .fold(1.0, f64::max)
        * 1.05;
    let y_max = report
        .traces
        .iter()
        .flat_map(|t| t.gaps.iter().map(|g| g.1))
        .fold(10.0, f64::max)
        * 2.0;
    let y_min = (ms(report.config.tick) / 4.0).min(0.5);

    let panels = body.split_evenly((rows, cols));
    for (r, strategy) in report.config.strategies.iter().enumerate() {
        for (c, flavour) in report.config.flavours.iter().enumerate() {
            let panel = &panels[r * cols + c];
            let case = Case {
                strategy: *strategy,
                flavour: *flavour,
            };
            let Some(trace) = report.traces.iter().find(|t| t.case == case) else {
                let why = if *flavour == Flavour::CurrentThread {
                    "panics on a current_thread runtime"
                } else {
                    "not measured"
                };
                panel
                    .draw_text(
                        &format!("{case}: {why}"),
                        &("sans-serif", 17).into_text_style(panel),
                        (60, PANEL_H as i32 / 2),
                    )
                    .map_err(|e| fail(e.to_string()))?;
                continue;
            };
            draw_panel(panel, trace, report, (x_max, y_min, y_max))
                .map_err(|e| fail(e.to_string()))?;
        }
    }
    root.present().map_err(|e| fail(e.to_string()))?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, plotters::coord::Shift>,
    trace: &Trace,
    report: &Report,
    (x_max, y_min, y_max): (f64, f64, f64),
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let p99 = report
        .cases
        .iter()
        .find(|row| row.case == trace.case)
        .map_or(0.0, |row| row.lateness_p99_ms.median);
    let mut chart = ChartBuilder::on(panel)
        .caption(
            format!("{}  (p99 lateness {:.1} ms)", trace.case, p99),
            ("sans-serif", 20),
        )
        .margin(6)
        .x_label_area_size(28)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..x_max, (y_min..y_max).log_scale())?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(5)
        .label_style(("sans-serif", 17))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y}"))
        .light_line_style(WHITE)
        .draw()?;
    let tick = ms(report.config.tick);
    chart.draw_series(LineSeries::new(
        [(0.0, tick), (x_max, tick)],
        &BLACK.mix(0.3),
    ))?;
    chart.draw_series(LineSeries::new(
        [(trace.window_ms, y_min), (trace.window_ms, y_max)],
        &RED.mix(0.4),
    ))?;
    // A gap of `g` ms ending at `t` means the heartbeat could not run from `t - g` to `t`, so each
    // gap is drawn as a flat step over the time it covers: a freeze shows as a wide, high plateau.
    chart.draw_series(LineSeries::new(
        trace.gaps.iter().flat_map(|&(t, gap)| {
            let gap = gap.max(y_min);
            [((t - gap).max(0.0), gap), (t.max(0.0), gap)]
        }),
        &BLUE,
    ))?;
    Ok(())
}
