//! The plot area: sx(t), sz(t), photon number and energy drift, on linear or log axes, with
//! error bands and the paper's timescales marked.
//!
//! egui_plot has no log axis: log axes plot log10 of the value, and [`decade_spacer`] and
//! [`log_tick_label`] put the grid and the tick labels at powers of ten.

use super::curves::Series;
use super::settings::DisplaySettings;
use crate::io::linear_tick_label;
use crate::physics::{Observable, Params, t_h, t_omega_bounds};
use egui::{Color32, Id, Ui};
use egui_plot::{
    FilledArea, GridInput, GridMark, HoverPosition, Line, Plot, PlotPoint, Span, VLine,
};
use std::ops::RangeInclusive;

/// Width kept for every plot's value axis, so the time axes of stacked plots line up.
pub const Y_AXIS_WIDTH: f32 = 64.0;

/// A curve to draw: its legend label, color, prepared points (per observable) and whether it is
/// a leftover of an older run (drawn faded) or the running curve (drawn thicker).
pub struct Shown<'a> {
    pub label: &'a str,
    pub color: Color32,
    pub series: [Option<&'a Series>; crate::physics::N_OBS],
    pub faded: bool,
    pub current: bool,
}

/// Grid marks for an axis that shows log10 of the data: decades, and 2..9 within them when few
/// decades are visible; below one visible decade, an even spacing. Every mark lies inside the
/// visible range, so no tick label is drawn outside the data area.
pub fn decade_spacer(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return Vec::new();
    }
    let mut marks = decade_marks(input);
    marks.retain(|m| m.value >= lo && m.value <= hi);
    marks
}

fn decade_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let span = hi - lo;
    if span < 1.0 {
        return (egui_plot::log_grid_spacer(10))(input);
    }
    // Decade lines every `every` decades, so that about 8 or fewer are labelled.
    let every = (span / 8.0).ceil().max(1.0);
    let mut marks = Vec::new();
    let first = (lo / every).floor() as i64;
    let last = (hi / every).ceil() as i64;
    for k in first..=last {
        let decade = k as f64 * every;
        marks.push(GridMark {
            value: decade,
            step_size: every,
        });
        if every == 1.0 && span <= 6.0 {
            for m in 2..10 {
                let value = decade + (m as f64).log10();
                if value > lo && value < hi {
                    marks.push(GridMark {
                        value,
                        step_size: 0.1,
                    });
                }
            }
        }
    }
    marks
}

/// `10⁻²`-style label of a decade mark (`value` is log10 of the data); minor marks are labelled
/// with their plain value only when less than two decades are visible.
pub fn log_tick_label(mark: GridMark, range: &RangeInclusive<f64>) -> String {
    let v = mark.value;
    if (v - v.round()).abs() < 1e-9 {
        return power_of_ten(v.round() as i64);
    }
    if range.end() - range.start() < 2.0 {
        return format!("{:.3}", 10f64.powf(v))
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
    }
    String::new()
}

/// `10³`, `10⁻²`.
pub fn power_of_ten(exponent: i64) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if exponent < 0 {
        s.push('⁻');
    }
    for c in exponent.unsigned_abs().to_string().chars() {
        s.push(SUP[c.to_digit(10).unwrap_or(0) as usize]);
    }
    s
}

fn unlog(v: f64, log: bool) -> f64 {
    if log { 10f64.powf(v) } else { v }
}

/// Grid marks for a linear axis: labelled steps of 1, 2 or 5 times a power of ten, about five
/// across the visible range however short the plot, with unlabelled minor marks between them.
/// (egui_plot's default steps by powers of ten only, so a short panel spanning 0.8 showed a
/// single label.)
pub fn nice_spacer(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return Vec::new();
    }
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    // The 1-2-5 step nearest to a fifth of the range (in ratio).
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .min_by(|a, b| (a / raw).ln().abs().total_cmp(&(b / raw).ln().abs()))
        .unwrap_or(magnitude);
    let minor = step / 5.0;
    let mut marks = Vec::new();
    let first = (lo / minor).ceil() as i64;
    let last = (hi / minor).floor() as i64;
    for k in first..=last {
        let value = k as f64 * minor;
        let major = k.rem_euclid(5) == 0;
        marks.push(GridMark {
            value: if major {
                (value / step).round() * step
            } else {
                value
            },
            step_size: if major { step } else { minor },
        });
    }
    marks
}

/// Tick label of a linear value axis: as many digits as the tick spacing needs (tiny drifts
/// read `2.0e-5`, not `0`); minor marks of [`nice_spacer`] are not labelled.
fn linear_label(mark: GridMark, range: &RangeInclusive<f64>) -> String {
    let major = (range.end() - range.start()) / 5.0;
    if mark.step_size < 0.5 * major {
        return String::new();
    }
    linear_tick_label(mark.value, mark.step_size)
}

/// The fitted law of the current curve over its window, in data units.
pub struct FitOverlay {
    pub window: (f64, f64),
    /// `(t, value)` of the best law inside the window.
    pub points: Vec<(f64, f64)>,
    pub color: Color32,
    /// `algebraic (provisional)` and the like, for the hover.
    pub label: String,
}

/// The thermal prediction for the paramagnet's sz: classical (what DTWA+TWA should approach)
/// and quantum.
pub struct ThermalLine {
    pub classical: f64,
    pub quantum: f64,
}

/// One curve's local exponent: color, label and `(t, -d ln sx / d ln t)`.
pub type ExponentCurve<'a> = (Color32, &'a str, Vec<(f64, f64)>);

/// What the plots draw besides the curves.
#[derive(Default)]
pub struct Overlays<'a> {
    pub fit: Option<FitOverlay>,
    pub thermal: Option<ThermalLine>,
    /// Per curve: color, label and the local exponent `(t, -d ln sx / d ln t)`.
    pub local_exponent: Vec<ExponentCurve<'a>>,
}

/// Draw every enabled plot, stacked, sharing the time axis. Returns the screen frame of the sx
/// plot, if shown (the map inset goes in its corner).
pub fn plots_ui(
    ui: &mut Ui,
    curves: &[Shown<'_>],
    display: &DisplaySettings,
    markers: Option<(&Params, &[f64])>,
    overlays: &Overlays<'_>,
) -> Option<egui::Rect> {
    let panels = display.panels();
    let extra = usize::from(display.show_local_exponent);
    if panels.is_empty() && extra == 0 {
        ui.label("No plot selected: tick sx, sz or photons & drift above.");
        return None;
    }
    let n = (panels.len() + extra) as f32;
    let gap = ui.spacing().item_spacing.y;
    let height = ((ui.available_height() - gap * (n - 1.0)) / n).max(80.0);
    let mut sx_frame = None;
    for (obs, title) in panels {
        let frame = observable_plot(ui, obs, title, curves, display, markers, overlays, height);
        if obs == Observable::Sx {
            sx_frame = Some(frame);
        }
    }
    if display.show_local_exponent {
        local_exponent_plot(ui, &overlays.local_exponent, display, height);
    }
    sx_frame
}

/// A plot of the stack: its height, the value axis width every plot shares (so the time axes
/// line up), the wheel zooming (below) instead of panning, the time axis linked to the others.
fn stacked_plot<'a>(plot: Plot<'a>, height: f32, log_x: bool, y_title: String) -> Plot<'a> {
    let plot = plot
        .height(height)
        .y_axis_min_width(Y_AXIS_WIDTH)
        .allow_scroll(false)
        .link_axis(Id::unique("spinboson-time-axis"), [true, false])
        .link_cursor(Id::unique("spinboson-time-axis"), [true, false])
        .x_axis_label(if log_x { "t (log)" } else { "t" })
        .y_axis_label(y_title);
    if log_x {
        plot.x_grid_spacer(decade_spacer)
            .x_axis_formatter(log_tick_label)
    } else {
        plot.x_grid_spacer(nice_spacer)
            .x_axis_formatter(linear_label)
    }
}

/// The local exponent of each curve: a plateau at gamma for a power law, a rising line for a
/// logarithmic law, t/tau for an exponential.
fn local_exponent_plot(
    ui: &mut Ui,
    curves: &[ExponentCurve<'_>],
    display: &DisplaySettings,
    height: f32,
) {
    let log_x = display.axis.log_x();
    let plot = stacked_plot(
        Plot::new("local-exponent"),
        height,
        log_x,
        "-d ln sx / d ln t".into(),
    )
    .y_grid_spacer(nice_spacer)
    .y_axis_formatter(linear_label)
    // Where the laws live (a power law's gamma ~ 0.75); noise at late times spikes far beyond.
    .default_y_bounds(-0.5, 3.0);
    plot.show(ui, |plot_ui| {
        for (color, label, points) in curves {
            let pts: Vec<[f64; 2]> = points
                .iter()
                .filter(|(t, _)| !log_x || *t > 0.0)
                .map(|&(t, v)| [if log_x { t.log10() } else { t }, v])
                .collect();
            plot_ui.line(Line::new(*label, pts).color(*color).width(1.6));
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn observable_plot(
    ui: &mut Ui,
    obs: Observable,
    title: &str,
    curves: &[Shown<'_>],
    display: &DisplaySettings,
    markers: Option<(&Params, &[f64])>,
    overlays: &Overlays<'_>,
    height: f32,
) -> egui::Rect {
    let axis = display.axis;
    let (log_x, log_y) = (axis.log_x(), axis.log_y());
    let y_name = match obs {
        Observable::Sx => "sx",
        Observable::Sy => "sy",
        Observable::Sz => "sz",
        Observable::NPhoton => "n",
        Observable::EnergyDrift => "ΔE/Nt",
    };
    let y_title = if log_y {
        format!("|{title}| (log)")
    } else {
        title.to_string()
    };
    let mut plot = stacked_plot(Plot::new(("plot", obs as usize)), height, log_x, y_title)
        .label_formatter(move |pos: &HoverPosition<'_>| {
            let (name, p) = match pos {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, position),
                HoverPosition::Elsewhere { position } => ("", position),
            };
            let (t, v) = (unlog(p.x, log_x), unlog(p.y, log_y));
            let sep = if name.is_empty() { "" } else { "\n" };
            Some(format!("{name}{sep}t = {t:.4}\n{y_name} = {v:.4}"))
        });
    if log_y {
        plot = plot
            .y_grid_spacer(decade_spacer)
            .y_axis_formatter(log_tick_label);
    } else {
        plot = plot
            .y_grid_spacer(nice_spacer)
            .y_axis_formatter(linear_label);
    }
    let marker_items = markers
        .filter(|_| display.show_timescales)
        .and_then(|(p, t)| {
            let t_last = *t.last()?;
            let t_first = t.iter().copied().find(|&t| t > 0.0 || !log_x)?;
            Some(timescale_markers(p, log_x, t_first, t_last))
        });
    let response = plot.show(ui, |plot_ui| {
        // The wheel zooms around the pointer, as in most plotting tools.
        let scroll = plot_ui.ctx().input(|i| i.smooth_scroll_delta);
        if plot_ui.response().contains_pointer() && scroll.y != 0.0 {
            let factor = (scroll.y / 200.0).exp();
            plot_ui.zoom_bounds_around_hovered(egui::Vec2::splat(factor));
        }
        if let Some(m) = &marker_items {
            if let Some(band) = m.band.clone() {
                plot_ui.span(
                    Span::new("t_ω band", band)
                        .fill(Color32::from_rgba_unmultiplied(250, 200, 60, 40))
                        .border_width(0.0),
                );
            }
            if let Some(x) = m.t_h {
                plot_ui.vline(
                    VLine::new("t_h", x)
                        .color(Color32::from_gray(140))
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        }
        let tx = |t: f64| if log_x { t.log10() } else { t };
        let ty = |v: f64| if log_y { v.abs().log10() } else { v };
        if obs == Observable::Sx
            && let Some(fit) = &overlays.fit
        {
            plot_ui.span(
                Span::new("", tx(fit.window.0)..=tx(fit.window.1))
                    .fill(Color32::from_rgba_unmultiplied(140, 140, 140, 36))
                    .border_width(0.0),
            );
            let pts: Vec<[f64; 2]> = fit
                .points
                .iter()
                .filter(|(t, v)| (!log_x || *t > 0.0) && (!log_y || *v != 0.0))
                .map(|&(t, v)| [tx(t), ty(v)])
                .collect();
            plot_ui.line(
                Line::new(format!("fit: {}", fit.label), pts)
                    .color(fit.color)
                    .width(2.0)
                    .style(egui_plot::LineStyle::dashed_dense()),
            );
        }
        if obs == Observable::Sz
            && let Some(th) = &overlays.thermal
            && (!log_y || th.classical != 0.0)
        {
            plot_ui.hline(
                egui_plot::HLine::new(
                    format!(
                        "thermal sz: {:.3} (classical, what DTWA+TWA should reach); {:.3} (quantum)",
                        th.classical, th.quantum
                    ),
                    ty(th.classical),
                )
                .color(Color32::from_gray(170))
                .width(1.5)
                .style(egui_plot::LineStyle::dashed_dense()),
            );
        }
        // Pinned curves under the current one: draw in reverse order.
        for shown in curves.iter().rev() {
            let alpha = if shown.faded { 0.35 } else { 1.0 };
            let color = shown.color.gamma_multiply(alpha);
            let Some(s) = shown.series[obs as usize] else {
                continue;
            };
            if display.show_error_bands && !s.band_x.is_empty() {
                plot_ui.add(
                    FilledArea::new(shown.label, &s.band_x, &s.band_lo, &s.band_hi)
                        .fill_color(color.gamma_multiply(0.25))
                        .stroke(egui::Stroke::NONE)
                        .allow_hover(false),
                );
            }
            let width = if shown.current { 2.4 } else { 1.8 };
            plot_ui.line(
                Line::new(shown.label, &s.line[..])
                    .color(color)
                    .width(width),
            );
        }
        let thermal_hover = (obs == Observable::Sz)
            .then_some(overlays.thermal.as_ref())
            .flatten()
            .and_then(|th| {
                let pointer = plot_ui.pointer_coordinate()?;
                let transform = plot_ui.transform();
                let line = transform.position_from_point(&PlotPoint::new(pointer.x, ty(th.classical)));
                let at = transform.position_from_point(&pointer);
                ((line.y - at.y).abs() < 5.0).then(|| {
                    format!(
                        "Thermal sz = {:.3}: the state of h Σsz + ω Σa†a with the initial energy \
                         (classical spins and fields, what DTWA+TWA should relax to); with \
                         Pauli spins and Bose photons {:.3}. Energy matching neglects the \
                         coupling energy (see the README).",
                        th.classical, th.quantum
                    )
                })
            });
        marker_items
            .as_ref()
            .and_then(|m| m.hover_text(plot_ui.pointer_coordinate(), plot_ui.transform()))
            .or(thermal_hover)
    });
    let frame = *response.transform.frame();
    if let Some(text) = response.inner {
        response.response.on_hover_text_at_pointer(text);
    }
    frame
}

/// The t_h line and t_omega band in plot coordinates, clipped to the plotted times.
struct Markers {
    t_h: Option<f64>,
    t_h_value: f64,
    band: Option<RangeInclusive<f64>>,
    band_values: (f64, f64),
}

fn timescale_markers(p: &Params, log_x: bool, t_first: f64, t_last: f64) -> Markers {
    let x = |t: f64| if log_x { t.log10() } else { t };
    let th = t_h(p.sigma, p.h, p.alpha);
    let (lo, hi) = t_omega_bounds(p.sigma, p.omega, p.h, p.alpha);
    let inside = |t: f64| t.is_finite() && t >= t_first && t <= t_last;
    let band = (hi >= t_first && lo <= t_last && lo.is_finite() && hi.is_finite())
        .then(|| x(lo.max(t_first))..=x(hi.min(t_last)));
    Markers {
        t_h: inside(th).then(|| x(th)),
        t_h_value: th,
        band,
        band_values: (lo, hi),
    }
}

impl Markers {
    fn hover_text(
        &self,
        pointer: Option<PlotPoint>,
        transform: &egui_plot::PlotTransform,
    ) -> Option<String> {
        let pointer = pointer?;
        if let Some(x) = self.t_h {
            let line = transform.position_from_point(&PlotPoint::new(x, pointer.y));
            let at = transform.position_from_point(&pointer);
            if (line.x - at.x).abs() < 5.0 {
                return Some(format!(
                    "t_h = {:.4}: perturbative timescale (Eq. 4), σ²/(2h²)·√(α+α²)/(1+α). \
                     Spins dephase and sx relaxes around here.",
                    self.t_h_value
                ));
            }
        }
        if let Some(band) = &self.band
            && band.contains(&pointer.x)
        {
            let (lo, hi) = self.band_values;
            return Some(format!(
                "t_ω band {lo:.3e} … {hi:.3e}: the photon timescale t_ω of Eq. 7 for spin \
                 timescales between 1/h and t_h. Photons act on the spins from about here."
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_of_ten_use_superscripts() {
        assert_eq!(power_of_ten(-2), "10⁻²");
        assert_eq!(power_of_ten(13), "10¹³");
        assert_eq!(power_of_ten(0), "10⁰");
    }

    #[test]
    fn log_tick_labels_stay_inside_the_visible_range() {
        // Ranges like the ones that showed stray labels (10⁰ under 10⁻⁵, 10⁻⁶ above the top).
        for &(lo, hi) in &[
            (-5.3, -0.2),
            (-6.4, -1.1),
            (-2.05, 0.02),
            (-0.4, 0.3),
            (-12.0, 3.0),
            (0.17, 0.93),
        ] {
            let range = lo..=hi;
            let marks = decade_spacer(GridInput {
                bounds: (lo, hi),
                base_step_size: (hi - lo) / 100.0,
            });
            assert!(!marks.is_empty(), "{lo}..{hi}");
            for m in marks {
                let label = log_tick_label(m, &range);
                assert!(
                    label.is_empty() || (m.value >= lo && m.value <= hi),
                    "label {label} at {} outside {lo}..{hi}",
                    m.value
                );
            }
        }
    }

    #[test]
    fn linear_marks_label_about_five_steps_inside_the_range() {
        // The energy-drift panel of photon_loss: a short panel spanning 0.8 (one label before).
        for &(lo, hi) in &[
            (-0.83, 0.02),
            (0.0, 1.0),
            (-2e-5, 3e-5),
            (-0.27, 0.01),
            (3.0, 97.0),
        ] {
            let range = lo..=hi;
            let marks = nice_spacer(GridInput {
                bounds: (lo, hi),
                base_step_size: (hi - lo) / 100.0,
            });
            let labels: Vec<String> = marks
                .iter()
                .map(|m| linear_label(*m, &range))
                .filter(|l| !l.is_empty())
                .collect();
            assert!((3..=11).contains(&labels.len()), "{lo}..{hi}: {labels:?}");
            assert!(marks.iter().all(|m| m.value >= lo && m.value <= hi));
            assert!(!labels.contains(&"-0".to_string()), "{labels:?}");
        }
    }

    #[test]
    fn decade_marks_cover_the_range() {
        let input = GridInput {
            bounds: (-2.3, 2.1),
            base_step_size: 0.01,
        };
        let marks = decade_spacer(input);
        let decades: Vec<f64> = marks
            .iter()
            .filter(|m| m.step_size == 1.0)
            .map(|m| m.value)
            .collect();
        assert_eq!(decades, vec![-2.0, -1.0, 0.0, 1.0, 2.0]);
        assert!(marks.iter().any(|m| (m.value - 2f64.log10()).abs() < 1e-12));
        let label = log_tick_label(
            GridMark {
                value: -1.0,
                step_size: 1.0,
            },
            &(-2.3..=2.1),
        );
        assert_eq!(label, "10⁻¹");
    }
}
