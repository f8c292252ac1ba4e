//! A computed phase map: one cell per point of a sweep CSV ([`SweepTable`]), filled with the
//! fitted verdict's color ([`verdict_color`], blended over white by [`verdict_opacity`]), with
//! the regime model's boundaries and regime names drawn over it when the sweep is omega/h by
//! sigma/sqrt(h) (the paper's Fig. 1 plane), and a legend of the verdicts with their counts.
//!
//! The geometry ([`SweepMap::cells`], [`SweepMap::model_boundaries`],
//! [`SweepMap::model_labels`]) is plain data in plotted units, so a front end that paints the
//! map itself (the explorer) draws the same cells as the exported SVG or PNG.
//!
//! # Layout
//! - x is omega/h when omega is swept, otherwise the first axis; y is the other axis (a sweep of
//!   one axis is one row of cells, without a y scale).
//! - A log axis is plotted as log10 of its values, a linear axis as its values.
//! - A cell spans from the midpoint with the previous grid value to the midpoint with the next
//!   one (in plotted units), and half a step beyond the first and last values (but not below 0
//!   on a linear axis: every swept parameter is non-negative); an axis of one value gets a cell
//!   of width 1 (a decade on a log axis).
//! - Points not in the file (a partial sweep) are white with grey hatching, and counted in the
//!   caption ("97 of 144 points").
//! - The regime model's boundaries ([`MapSpec::boundaries_over`] at the sweep's alpha and
//!   t_max h) are drawn only for an omega by sigma sweep; other pairs are drawn on plain axes.
//!
//! # Example
//! ```no_run
//! use spinboson::io::{SweepMap, write_sweep_map};
//! use spinboson::physics::Params;
//! use spinboson::sweep::SweepTable;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let bytes = std::fs::read("sweep.csv")?;
//! let table = SweepTable::parse(&bytes, "sweep.csv")?;
//! let map = SweepMap::new(table, Params::default());
//! write_sweep_map(std::path::Path::new("map.svg"), &map)?;
//! # Ok(())
//! # }
//! ```

use super::Rgb;
use super::display::linear_tick_label;
use super::figure::{Drawing, FigureError, draw_err, render_svg_of, write_drawing};
use super::phase_map::{LEGEND_VERDICTS, MapKind, MapSpec};
use super::phase_map::{verdict_color, verdict_legend, verdict_opacity};
use crate::physics::{Params, Regime, regime};
use crate::sweep::{AxisName, Grid, PointResult, Spacing, SweepTable};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Size of the figure in pixels (SVG user units), legend column included.
pub const SWEEP_MAP_SIZE: (u32, u32) = (1120, 700);
/// Width of the legend column.
const LEGEND_COLUMN: u32 = 260;
/// Cells of the staircase that traces the model's boundaries over the plotted range: 160 x 120
/// resolves 0.02 decade in omega/h and 0.05 in sigma/sqrt(h) on the standard 12 x 12 map, well
/// below a sweep cell (0.2 decade by 0.5).
const BOUNDARY_CELLS: (usize, usize) = (160, 120);
/// Color of the model's boundaries and regime names.
pub const MODEL_LINE_COLOR: Rgb = Rgb(25, 25, 25);
/// Color of the hatching of a point that is not in the file.
pub const MISSING_HATCH_COLOR: Rgb = Rgb(175, 175, 175);

/// A sweep file with the base parameters it was run with.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepMap {
    pub table: SweepTable,
    /// The sweep's base parameters: alpha, h and t_max place the model's boundaries, nt and the
    /// trajectories go into the title (each unless it is swept).
    pub base: Params,
    /// Whether `base` is known to be the sweep's: with the table's axes it gives the file's
    /// fingerprint. When not (no sidecar, or flags changed it), the caption says so.
    pub base_verified: bool,
}

/// One plotted axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotAxis {
    pub name: AxisName,
    /// Plotted as log10 of the values.
    pub log: bool,
    /// Position of this axis in the sweep's axes (the CSV's column order).
    pub position: usize,
}

impl PlotAxis {
    /// The axis title.
    pub fn title(&self) -> String {
        let name = match self.name {
            AxisName::Omega => "omega / h",
            AxisName::Sigma => "sigma / sqrt(h)",
            AxisName::Alpha => "alpha = Nb / Ns",
            AxisName::Nt => "Nt",
            AxisName::H => "h",
            AxisName::Kappa => "kappa",
        };
        if self.log {
            format!("{name} (log scale)")
        } else {
            name.to_owned()
        }
    }

    /// The plotted coordinate of a value.
    pub fn plotted(&self, value: f64) -> f64 {
        if self.log { value.log10() } else { value }
    }
}

/// One grid point's cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepCell {
    pub index: usize,
    /// Edges `(low, high)` in plotted units.
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// The fill; `None` for a point that is not in the file.
    pub fill: Option<Rgb>,
}

/// The fill of a computed point: its verdict's color over white at the verdict's opacity.
pub fn cell_color(point: &PointResult) -> Rgb {
    let Rgb(r, g, b) = verdict_color(point.verdict);
    let a = verdict_opacity(point.verdict, point.confidence, false);
    let over_white = |c: u8| {
        (255.0 * (1.0 - a) + f64::from(c) * a)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    Rgb(over_white(r), over_white(g), over_white(b))
}

/// The `(low, high)` edges of each cell along one axis, in plotted units.
type Edges = Vec<(f64, f64)>;

/// Cell edges of grid `values` in plotted units: midpoints between neighbours, half a step
/// beyond the ends, width 1 for a single value. Each pair is `(low, high)`.
fn cell_edges(values: &[f64]) -> Edges {
    let n = values.len();
    (0..n)
        .map(|i| {
            let v = values[i];
            let (lo, hi) = if n == 1 {
                (v - 0.5, v + 0.5)
            } else {
                let before = if i == 0 {
                    v - (values[1] - v) / 2.0
                } else {
                    (values[i - 1] + v) / 2.0
                };
                let after = if i + 1 == n {
                    v + (v - values[n - 2]) / 2.0
                } else {
                    (v + values[i + 1]) / 2.0
                };
                (before, after)
            };
            (lo.min(hi), lo.max(hi))
        })
        .collect()
}

/// The range covered by cells, never empty (a grid whose values are all equal gets width 1).
fn extent(edges: &[(f64, f64)]) -> (f64, f64) {
    let lo = edges.iter().map(|e| e.0).fold(f64::INFINITY, f64::min);
    let hi = edges.iter().map(|e| e.1).fold(f64::NEG_INFINITY, f64::max);
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    }
}

impl SweepMap {
    /// A map of `table` run with `base`; checks `base` against the file's fingerprint.
    pub fn new(table: SweepTable, base: Params) -> SweepMap {
        let base_verified = Grid::new(base.clone(), table.axes.clone())
            .is_ok_and(|g| g.fingerprint() == table.fingerprint);
        SweepMap {
            table,
            base,
            base_verified,
        }
    }

    /// The x axis and, with two axes, the y axis.
    pub fn plot_axes(&self) -> (PlotAxis, Option<PlotAxis>) {
        let axes = &self.table.axes;
        let plot = |position: usize| PlotAxis {
            name: axes[position].name,
            log: axes[position].spacing == Spacing::Log,
            position,
        };
        let x = axes
            .iter()
            .position(|a| a.name == AxisName::Omega)
            .unwrap_or(0);
        let y = (0..axes.len()).find(|&k| k != x).map(plot);
        (plot(x), y)
    }

    /// Whether the sweep is the paper's Fig. 1 plane (omega/h by sigma/sqrt(h), either order),
    /// where the regime model's boundaries are drawn.
    pub fn is_fig1_plane(&self) -> bool {
        matches!(
            self.plot_axes(),
            (
                PlotAxis {
                    name: AxisName::Omega,
                    ..
                },
                Some(PlotAxis {
                    name: AxisName::Sigma,
                    ..
                })
            )
        )
    }

    /// Edges of the cells along the x and the y axis (y: `[(0, 1)]` for a single axis).
    fn edges(&self) -> (Edges, Edges) {
        let (x, y) = self.plot_axes();
        let along = |a: PlotAxis| {
            let values = self.table.axes[a.position].values();
            let plotted: Vec<f64> = values.iter().map(|&v| a.plotted(v)).collect();
            let edges = cell_edges(&plotted);
            // Every swept parameter is >= 0: a linear axis's first cell stops at 0.
            if a.log || values.iter().any(|&v| v < 0.0) {
                edges
            } else {
                edges
                    .into_iter()
                    .map(|(lo, hi)| (lo.max(0.0), hi))
                    .collect()
            }
        };
        (along(x), y.map_or_else(|| vec![(0.0, 1.0)], along))
    }

    /// The plotted ranges `((x0, x1), (y0, y1))`: the cells' extent.
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let (x, y) = self.edges();
        (extent(&x), extent(&y))
    }

    /// One cell per grid point, in index order.
    pub fn cells(&self) -> Vec<SweepCell> {
        let (x_axis, y_axis) = self.plot_axes();
        let (x_edges, y_edges) = self.edges();
        let shape = self.table.shape();
        (0..self.table.total)
            .map(|index| {
                // Row-major, the first axis slowest.
                let mut k = vec![0; shape.len()];
                let mut rest = index;
                for a in (0..shape.len()).rev() {
                    k[a] = rest % shape[a];
                    rest /= shape[a];
                }
                SweepCell {
                    index,
                    x: x_edges[k[x_axis.position]],
                    y: y_axis.map_or(y_edges[0], |y| y_edges[k[y.position]]),
                    fill: self.table.points.get(&index).map(cell_color),
                }
            })
            .collect()
    }

    /// The points in the file and in the grid.
    pub fn counts(&self) -> (usize, usize) {
        (self.table.points.len(), self.table.total)
    }

    /// The regime model at the sweep's alpha and window, for the Fig. 1 plane.
    fn model(&self) -> Option<MapSpec> {
        self.is_fig1_plane().then_some(MapSpec {
            kind: MapKind::Fig1,
            alpha: self.base.alpha,
            sigma_over_sqrt_h: self.base.sigma / self.base.h.sqrt(),
            t_max_times_h: self.base.t_max * self.base.h,
            point: None,
        })
    }

    /// The regime model's boundaries over the plotted range as segments in plotted units,
    /// collinear neighbours joined; empty unless [`SweepMap::is_fig1_plane`].
    pub fn model_boundaries(&self) -> Vec<[(f64, f64); 2]> {
        let Some(spec) = self.model() else {
            return Vec::new();
        };
        let (nx, ny) = BOUNDARY_CELLS;
        join_collinear(spec.boundaries_over(self.ranges(), nx, ny))
    }

    /// Where to name each regime of the model that covers at least 2% of the plotted range: the
    /// centre of its area, or its sample nearest to that centre when the centre lies in another
    /// regime. Empty unless [`SweepMap::is_fig1_plane`].
    pub fn model_labels(&self) -> Vec<(Regime, f64, f64)> {
        let Some(spec) = self.model() else {
            return Vec::new();
        };
        let ((x0, x1), (y0, y1)) = self.ranges();
        let (nx, ny) = (60, 45);
        let at = |x: f64, y: f64| {
            let (w, s, a) = spec.params_at(x, y);
            regime(w, s, a, spec.t_max_times_h)
        };
        let samples: Vec<(Regime, f64, f64)> = (0..nx)
            .flat_map(|i| (0..ny).map(move |j| (i, j)))
            .map(|(i, j)| {
                let x = x0 + (i as f64 + 0.5) * (x1 - x0) / nx as f64;
                let y = y0 + (j as f64 + 0.5) * (y1 - y0) / ny as f64;
                (at(x, y), x, y)
            })
            .collect();
        Regime::ALL
            .iter()
            .filter_map(|&r| {
                let mine: Vec<(f64, f64)> = samples
                    .iter()
                    .filter(|s| s.0 == r)
                    .map(|s| (s.1, s.2))
                    .collect();
                if (mine.len() as f64) < 0.02 * samples.len() as f64 {
                    return None;
                }
                let n = mine.len() as f64;
                let (cx, cy) = (
                    mine.iter().map(|p| p.0).sum::<f64>() / n,
                    mine.iter().map(|p| p.1).sum::<f64>() / n,
                );
                if at(cx, cy) == r {
                    return Some((r, cx, cy));
                }
                // Distance in units of the plotted range, so both axes weigh alike.
                let d = |p: &(f64, f64)| {
                    ((p.0 - cx) / (x1 - x0)).powi(2) + ((p.1 - cy) / (y1 - y0)).powi(2)
                };
                mine.iter()
                    .min_by(|a, b| d(a).total_cmp(&d(b)))
                    .map(|p| (r, p.0, p.1))
            })
            .collect()
    }

    /// `Computed regimes: Nt = 200, 64 trajectories (8 x 8), t_max h = 100, alpha = 10`, each
    /// parameter left out when it is swept.
    pub fn title(&self) -> String {
        let swept = |n: AxisName| self.table.axes.iter().any(|a| a.name == n);
        let b = &self.base;
        let mut parts = Vec::new();
        if !swept(AxisName::Nt) {
            parts.push(format!("Nt = {}", b.nt));
        }
        parts.push(format!(
            "{} trajectories ({} x {})",
            b.realizations * b.trajectories_per_realization,
            b.realizations,
            b.trajectories_per_realization
        ));
        if !swept(AxisName::H) {
            parts.push(format!("t_max h = {}", b.t_max * b.h));
        }
        if !swept(AxisName::Alpha) {
            parts.push(format!("alpha = {}", b.alpha));
        }
        format!("Computed regimes (fit of sx): {}", parts.join(", "))
    }

    /// `144 of 144 points; lines: regime model (Fig. 1)`, and what is assumed.
    pub fn caption(&self) -> String {
        let (done, total) = self.counts();
        let mut out = format!("{done} of {total} points");
        if done < total {
            out.push_str(" (hatched: not computed)");
        }
        if self.is_fig1_plane() {
            out.push_str("; dark lines and names: the regime model (after Fig. 1)");
        }
        if !self.base_verified {
            out.push_str("; base parameters assumed (they do not match the file's fingerprint)");
        }
        out
    }

    /// How many computed points have each legend verdict (grouped as [`verdict_legend`] groups
    /// them), in [`LEGEND_VERDICTS`] order.
    pub fn verdict_counts(&self) -> Vec<(&'static str, Rgb, usize)> {
        LEGEND_VERDICTS
            .iter()
            .map(|&v| {
                let name = verdict_legend(v);
                let count = self
                    .table
                    .points
                    .values()
                    .filter(|p| verdict_legend(p.verdict) == name)
                    .count();
                (name, verdict_color(v), count)
            })
            .collect()
    }
}

/// Join axis-aligned segments that continue each other on one line (the staircase of
/// [`MapSpec::boundaries_over`] has one segment per cell edge).
fn join_collinear(segments: Vec<[(f64, f64); 2]>) -> Vec<[(f64, f64); 2]> {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
    // Horizontal segments keyed (y, x_start); vertical ones keyed (x, y_start), as
    // (vertical?, line, start, end).
    let mut keyed: Vec<(bool, f64, f64, f64)> = segments
        .iter()
        .map(|[(xa, ya), (xb, yb)]| {
            if close(*ya, *yb) {
                (false, *ya, xa.min(*xb), xa.max(*xb))
            } else {
                (true, *xa, ya.min(*yb), ya.max(*yb))
            }
        })
        .collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
    });
    let mut joined: Vec<(bool, f64, f64, f64)> = Vec::new();
    for s in keyed {
        match joined.last_mut() {
            Some(last) if last.0 == s.0 && close(last.1, s.1) && close(last.3, s.2) => {
                last.3 = s.3;
            }
            _ => joined.push(s),
        }
    }
    joined
        .into_iter()
        .map(|(vertical, line, a, b)| {
            if vertical {
                [(line, a), (line, b)]
            } else {
                [(a, line), (b, line)]
            }
        })
        .collect()
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// A tick label on a log axis (the value of plotted `v`): `0.1`, `1`, `10`, `2.5`.
fn log_tick_label(v: f64) -> String {
    let value = 10f64.powf(v);
    if !(1e-3..1e5).contains(&value) {
        return format!("{value:.0e}");
    }
    let decimals = (2.0 - value.log10().floor()).clamp(0.0, 5.0) as usize;
    let s = format!("{value:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// Hatching of a cell not in the file: three diagonals.
fn hatch(cell: &SweepCell) -> Vec<[(f64, f64); 2]> {
    let ((x0, x1), (y0, y1)) = (cell.x, cell.y);
    let at = |u: f64, v: f64| (x0 + u * (x1 - x0), y0 + v * (y1 - y0));
    // Lines u + v = c clipped to the unit square.
    [0.5, 1.0, 1.5]
        .iter()
        .map(|&c: &f64| {
            let (u0, u1) = ((c - 1.0).max(0.0), c.min(1.0));
            [at(u0, c - u0), at(u1, c - u1)]
        })
        .collect()
}

fn draw_sweep_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    map: &SweepMap,
) -> Result<(), FigureError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let root = root
        .titled(&map.title(), ("sans-serif", 21))
        .map_err(draw_err)?;
    root.draw(&Text::new(
        map.caption(),
        (16, 0),
        ("sans-serif", 14).into_font().color(&RGBColor(70, 70, 70)),
    ))
    .map_err(draw_err)?;
    let (plot_area, legend) = root.split_horizontally(SWEEP_MAP_SIZE.0 - LEGEND_COLUMN);
    let ((x0, x1), (y0, y1)) = map.ranges();
    let (x_axis, y_axis) = map.plot_axes();
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(16)
        .margin_top(26)
        .x_label_area_size(48)
        .y_label_area_size(if y_axis.is_some() { 64 } else { 12 })
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    let x_fmt = |v: &f64| {
        if x_axis.log {
            log_tick_label(*v)
        } else {
            linear_tick_label(*v, (x1 - x0) / 10.0)
        }
    };
    let y_fmt = |v: &f64| match y_axis {
        Some(a) if a.log => log_tick_label(*v),
        Some(_) => linear_tick_label(*v, (y1 - y0) / 10.0),
        None => String::new(),
    };
    // Whole decades on a log axis spanning at least one (plotters picks the largest step that
    // keeps the count within the limit: 1 when the limit is the number of decades in range).
    let log_ticks = |lo: f64, hi: f64| {
        if hi - lo >= 1.0 {
            (hi.floor() - lo.ceil()) as usize + 1
        } else {
            6
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_mesh()
        .x_desc(x_axis.title())
        .y_desc(y_axis.map(|a| a.title()).unwrap_or_default())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17));
    if x_axis.log {
        mesh.x_labels(log_ticks(x0, x1));
    }
    match y_axis {
        Some(a) if a.log => {
            mesh.y_labels(log_ticks(y0, y1));
        }
        Some(_) => {}
        None => {
            mesh.y_labels(0);
        }
    }
    mesh.draw().map_err(draw_err)?;

    let cells = map.cells();
    chart
        .draw_series(cells.iter().map(|c| {
            Rectangle::new(
                [(c.x.0, c.y.0), (c.x.1, c.y.1)],
                rgb(c.fill.unwrap_or(Rgb(255, 255, 255))).filled(),
            )
        }))
        .map_err(draw_err)?;
    let hatch_style = rgb(MISSING_HATCH_COLOR).stroke_width(1);
    for cell in cells.iter().filter(|c| c.fill.is_none()) {
        chart
            .draw_series(
                hatch(cell)
                    .into_iter()
                    .map(|s| PathElement::new(s.to_vec(), hatch_style)),
            )
            .map_err(draw_err)?;
    }
    let line = rgb(MODEL_LINE_COLOR);
    chart
        .draw_series(
            map.model_boundaries()
                .into_iter()
                .map(|s| PathElement::new(s.to_vec(), line.stroke_width(2))),
        )
        .map_err(draw_err)?;
    let label_font = ("sans-serif", 19)
        .into_font()
        .color(&line)
        .pos(Pos::new(HPos::Center, VPos::Center));
    // Each name on a light box, readable over any cell: the text's size in pixels, converted to
    // plotted units.
    let (px, py) = chart.plotting_area().get_pixel_range();
    let per_pixel = (
        (x1 - x0) / f64::from((px.end - px.start).max(1)),
        (y1 - y0) / f64::from((py.end - py.start).max(1)),
    );
    for (r, x, y) in map.model_labels() {
        let (w, h) = chart
            .plotting_area()
            .estimate_text_size(r.name(), &label_font)
            .map_err(draw_err)?;
        let (half_w, half_h) = (
            (f64::from(w) / 2.0 + 5.0) * per_pixel.0,
            (f64::from(h) / 2.0 + 3.0) * per_pixel.1,
        );
        chart
            .draw_series([Rectangle::new(
                [(x - half_w, y - half_h), (x + half_w, y + half_h)],
                WHITE.mix(0.75).filled(),
            )])
            .map_err(draw_err)?;
        chart
            .draw_series([Text::new(r.name().to_owned(), (x, y), label_font.clone())])
            .map_err(draw_err)?;
    }
    draw_legend(&legend, map)
}

/// The legend column: a swatch per verdict with its count, how opacity reads, the hatching of a
/// missing point and the model's line.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: &SweepMap,
) -> Result<(), FigureError> {
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    let small = ("sans-serif", 13).into_font().color(&RGBColor(70, 70, 70));
    let mut y = 36;
    area.draw(&Text::new("fitted verdict: points", (8, y), font.clone()))
        .map_err(draw_err)?;
    y += 26;
    let swatch = |y: i32| [(8, y), (34, y + 16)];
    for (name, color, count) in map.verdict_counts() {
        area.draw(&Rectangle::new(swatch(y), rgb(color).filled()))
            .map_err(draw_err)?;
        area.draw(&Text::new(
            format!("{name}: {count}"),
            (42, y),
            font.clone(),
        ))
        .map_err(draw_err)?;
        y += 24;
    }
    let (done, total) = map.counts();
    if done < total {
        let [(a, b), (c, d)] = swatch(y);
        area.draw(&Rectangle::new([(a, b), (c, d)], WHITE.filled()))
            .map_err(draw_err)?;
        area.draw(&Rectangle::new(
            [(a, b), (c, d)],
            rgb(MISSING_HATCH_COLOR).stroke_width(1),
        ))
        .map_err(draw_err)?;
        area.draw(&PathElement::new(
            vec![(a, d), (c, b)],
            rgb(MISSING_HATCH_COLOR).stroke_width(1),
        ))
        .map_err(draw_err)?;
        area.draw(&Text::new(
            format!("not computed: {}", total - done),
            (42, y),
            font.clone(),
        ))
        .map_err(draw_err)?;
        y += 24;
    }
    y += 10;
    for line in [
        "A law's opacity is its confidence",
        "(jackknife agreement: faint at 50%,",
        "full at 100%).",
    ] {
        area.draw(&Text::new(line, (8, y), small.clone()))
            .map_err(draw_err)?;
        y += 17;
    }
    if map.is_fig1_plane() {
        y += 16;
        area.draw(&PathElement::new(
            vec![(8, y + 8), (34, y + 8)],
            rgb(MODEL_LINE_COLOR).stroke_width(2),
        ))
        .map_err(draw_err)?;
        area.draw(&Text::new("regime model boundary", (42, y), font.clone()))
            .map_err(draw_err)?;
        y += 22;
        for line in [
            "(physics::regime, the model's",
            "prediction in the CSV's",
            "regime column)",
        ] {
            area.draw(&Text::new(line, (42, y), small.clone()))
                .map_err(draw_err)?;
            y += 17;
        }
    }
    Ok(())
}

impl Drawing for SweepMap {
    fn size(&self) -> (u32, u32) {
        SWEEP_MAP_SIZE
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        draw_sweep_map(root, self)
    }
}

/// Render a computed map to an SVG string.
pub fn render_sweep_map_svg(map: &SweepMap) -> Result<String, FigureError> {
    render_svg_of(map)
}

/// Render a computed map and write it to `path` (`.svg` or `.png`) atomically.
pub fn write_sweep_map(path: &Path, map: &SweepMap) -> Result<(), FigureError> {
    write_drawing(path, map)
}

#[cfg(test)]
mod tests;
