//! Publication figures without a window: the curves of a run or a family drawn with `plotters`
//! as SVG or PNG, one panel per observable, error bands, t_h markers and a legend.
//!
//! Log axes are drawn the way the explorer draws them: the data are transformed with
//! [`AxisMode::transform`] and the ticks sit on whole decades, labelled with their values.

use super::atomic::{WriteError, persist, temp_dir_for, without_temp_path, write_atomic};
use super::display::{AxisMode, DisplaySettings, linear_tick_label};
use super::palette::{CurveView, Rgb};
use crate::physics::t_h;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;
use thiserror::Error;

/// Figure size in pixels (SVG user units) per panel column, and per panel.
pub const FIGURE_WIDTH: u32 = 900;
pub const PANEL_HEIGHT: u32 = 420;

/// Width of the legend column to the right of the panels.
pub const LEGEND_WIDTH: u32 = 270;

/// Output format, chosen by the file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureFormat {
    Svg,
    Png,
}

/// A figure could not be made.
#[derive(Debug, Error)]
pub enum FigureError {
    #[error("figure file {0}: the extension must be .svg or .png")]
    Format(String),
    #[error("nothing to plot: no curve has data for the selected panels")]
    NoData,
    #[error("cannot draw the figure: {0}")]
    Draw(String),
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl FigureFormat {
    pub fn from_path(path: &Path) -> Result<Self, FigureError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("svg") => Ok(FigureFormat::Svg),
            Some("png") => Ok(FigureFormat::Png),
            _ => Err(FigureError::Format(path.display().to_string())),
        }
    }
}

pub(crate) fn draw_err(e: impl std::fmt::Display) -> FigureError {
    FigureError::Draw(e.to_string())
}

/// Register the bundled sans-serif font with plotters (once per process).
pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known to parse; a failure would only lose the text.
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        )
        .ok();
    });
}

/// Figure size for `display`.
pub fn figure_size(display: &DisplaySettings) -> (u32, u32) {
    let n = display.panels().len().max(1) as u32;
    (FIGURE_WIDTH + LEGEND_WIDTH, PANEL_HEIGHT * n)
}

/// Something drawn with plotters on any backend: a figure of curves, or a regime map.
pub(crate) trait Drawing {
    /// Size in pixels (SVG user units).
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError>;
}

/// Render `drawing` to an SVG string.
pub(crate) fn render_svg_of(drawing: &impl Drawing) -> Result<String, FigureError> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, drawing.size()).into_drawing_area();
        drawing.draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Render `drawing` and write it to `path` (`.svg` or `.png`) through a temporary file and a
/// rename.
pub(crate) fn write_drawing(path: &Path, drawing: &impl Drawing) -> Result<(), FigureError> {
    match FigureFormat::from_path(path)? {
        FigureFormat::Svg => write_atomic(path, render_svg_of(drawing)?.as_bytes())?,
        FigureFormat::Png => {
            register_font();
            let tmp = tempfile::Builder::new()
                .suffix(".png")
                .tempfile_in(temp_dir_for(path))
                .map_err(|e| WriteError {
                    path: path.to_path_buf(),
                    source: without_temp_path(e),
                })?;
            {
                let root = BitMapBackend::new(tmp.path(), drawing.size()).into_drawing_area();
                drawing.draw(&root)?;
                root.present().map_err(draw_err)?;
            }
            persist(tmp, path)?;
        }
    }
    Ok(())
}

/// The curves of a run or a family, one panel per observable.
struct CurvesFigure<'a> {
    curves: &'a [CurveView<'a>],
    display: &'a DisplaySettings,
    title: &'a str,
}

impl Drawing for CurvesFigure<'_> {
    fn size(&self) -> (u32, u32) {
        figure_size(self.display)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        draw(root, self.curves, self.display, self.title)
    }
}

/// Render to an SVG string.
pub fn render_svg(
    curves: &[CurveView<'_>],
    display: &DisplaySettings,
    title: &str,
) -> Result<String, FigureError> {
    render_svg_of(&CurvesFigure {
        curves,
        display,
        title,
    })
}

/// Render and write to `path` (`.svg` or `.png`) through a temporary file and a rename.
pub fn write_figure(
    path: &Path,
    curves: &[CurveView<'_>],
    display: &DisplaySettings,
    title: &str,
) -> Result<(), FigureError> {
    write_drawing(
        path,
        &CurvesFigure {
            curves,
            display,
            title,
        },
    )
}

/// Tick label of an axis that carries log10 of the data: the decade's value.
fn decade_label(v: f64) -> String {
    let n = v.round() as i32;
    if (v - n as f64).abs() > 1e-6 {
        return String::new();
    }
    if (-3..=3).contains(&n) {
        let s = format!("{:.3}", 10f64.powi(n));
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("1e{n}")
    }
}

/// Axis range covering `values` with a margin; whole decades on log axes.
fn axis_range(values: impl Iterator<Item = f64>, log: bool) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }
    if log {
        // log10 values: a tenth of a decade around the data; ticks land on whole decades.
        let pad = 0.1f64.max((hi - lo) * 0.03);
        let (a, b) = (lo - pad, hi + pad);
        Some((a, if b - a >= 1.0 { b } else { a + 1.0 }))
    } else {
        let pad = ((hi - lo) * 0.05).max(1e-3);
        Some((lo - pad, hi + pad))
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    curves: &[CurveView<'_>],
    display: &DisplaySettings,
    title: &str,
) -> Result<(), FigureError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let panels = display.panels();
    if panels.is_empty() || curves.is_empty() {
        return Err(FigureError::NoData);
    }
    let root = root.titled(title, ("sans-serif", 22)).map_err(draw_err)?;
    // One legend for all panels, in a column of its own so it never covers the data.
    let (plots, legend) = root.split_horizontally(FIGURE_WIDTH);
    draw_legend(&legend, curves)?;
    let areas = plots.split_evenly((panels.len(), 1));
    let axis = display.axis;
    let mut drew_any = false;
    for ((obs, name), area) in panels.iter().zip(areas.iter()) {
        let series: Vec<_> = curves
            .iter()
            .map(|c| {
                let e = c.ensemble;
                axis.transform(&e.t, e.mean_of(*obs), e.stderr_of(*obs))
            })
            .collect();
        let Some(x_range) = axis_range(
            series.iter().flat_map(|s| s.x.iter().copied()),
            axis.log_x(),
        ) else {
            continue;
        };
        // Log value axes fit the curves (a band reaching to its floor would stretch them).
        let band_values = series.iter().flat_map(|s| {
            let band = display.show_error_bands && !axis.log_y();
            s.y.iter()
                .chain(s.lo.iter().filter(move |_| band))
                .chain(s.hi.iter().filter(move |_| band))
                .copied()
        });
        let Some(y_range) = axis_range(band_values, axis.log_y()) else {
            continue;
        };
        drew_any = true;
        draw_panel(area, curves, &series, axis, name, display, x_range, y_range)?;
    }
    if drew_any {
        Ok(())
    } else {
        Err(FigureError::NoData)
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curves: &[CurveView<'_>],
    series: &[super::display::AxisSeries],
    axis: AxisMode,
    name: &str,
    display: &DisplaySettings,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Result<(), FigureError> {
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    let markers = if display.show_timescales {
        "; dashed: t_h (Eq. 4) of each curve"
    } else {
        ""
    };
    let x_desc = format!(
        "{}{markers}",
        if axis.log_x() { "t (log scale)" } else { "t" }
    );
    let y_desc = if axis.log_y() {
        format!("|{name}| (log scale)")
    } else {
        name.to_string()
    };
    let x_fmt = |v: &f64| {
        if axis.log_x() {
            decade_label(*v)
        } else {
            format!("{v}")
        }
    };
    let y_step = (y1 - y0) / 10.0;
    let y_fmt = |v: &f64| {
        if axis.log_y() {
            decade_label(*v)
        } else {
            linear_tick_label(*v, y_step)
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16))
        .light_line_style(RGBColor(235, 235, 235));
    if axis.log_x() {
        mesh.x_labels(((x1 - x0).round() as usize + 1).min(12));
    }
    if axis.log_y() {
        mesh.y_labels(((y1 - y0).round() as usize + 1).min(12));
    }
    mesh.draw().map_err(draw_err)?;

    for (curve, s) in curves.iter().zip(series) {
        let color = rgb(curve.color);
        if display.show_error_bands && s.x.len() > 1 {
            let polygon: Vec<(f64, f64)> =
                s.x.iter()
                    .zip(&s.hi)
                    .map(|(&x, &y)| (x, y))
                    .chain(s.x.iter().zip(&s.lo).rev().map(|(&x, &y)| (x, y)))
                    .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(polygon, color.mix(0.18))))
                .map_err(draw_err)?;
        }
        let points: Vec<(f64, f64)> = s.x.iter().copied().zip(s.y.iter().copied()).collect();
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(draw_err)?;
        if display.show_timescales {
            let p = curve.params;
            let th = t_h(p.sigma, p.h, p.alpha);
            let x = if axis.log_x() { th.log10() } else { th };
            if x.is_finite() && x > x0 && x < x1 {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(x, y0), (x, y1)],
                        6,
                        5,
                        color.mix(0.8).stroke_width(1),
                    ))
                    .map_err(draw_err)?;
            }
        }
    }
    Ok(())
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Split `label` into lines of at most `width` characters at spaces.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The legend column: a line sample in each curve's color and its label, in the given order.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curves: &[CurveView<'_>],
) -> Result<(), FigureError> {
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    let mut y = 24;
    for curve in curves {
        let color = rgb(curve.color);
        area.draw(&PathElement::new(
            vec![(8, y + 8), (36, y + 8)],
            color.stroke_width(3),
        ))
        .map_err(draw_err)?;
        for line in wrap(curve.label, 28) {
            area.draw(&Text::new(line, (44, y), font.clone()))
                .map_err(draw_err)?;
            y += 18;
        }
        y += 8;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decade_labels() {
        assert_eq!(decade_label(-2.0), "0.01");
        assert_eq!(decade_label(0.0), "1");
        assert_eq!(decade_label(3.0), "1000");
        assert_eq!(decade_label(-5.0), "1e-5");
        assert_eq!(decade_label(0.5), "");
    }

    #[test]
    fn linear_labels_never_read_minus_zero() {
        assert_eq!(linear_tick_label(-0.0001, 0.1), "0");
        assert_eq!(
            wrap("omega/h = 3.6 sigma = 2", 13),
            vec!["omega/h = 3.6", "sigma = 2"]
        );
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(
            FigureFormat::from_path(Path::new("a.SVG")).ok(),
            Some(FigureFormat::Svg)
        );
        assert_eq!(
            FigureFormat::from_path(Path::new("a.png")).ok(),
            Some(FigureFormat::Png)
        );
        assert!(FigureFormat::from_path(Path::new("a.pdf")).is_err());
    }
}
