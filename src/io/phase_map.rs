//! Regime maps after the paper's Fig. 1 (omega/h by sigma/sqrt(h)) and Fig. 3 left (alpha by
//! 1/omega), drawn from [`crate::physics::regime_weights`]: each cell's color is the
//! weight-blended color of the regimes, so boundaries appear as the soft bands they are
//! (Fig. 1 is a qualitative portrait). Labels sit at the centre of each regime's cells; the
//! current parameters, when given, are marked with a ring.

use super::Rgb;
use super::figure::{Drawing, FigureError, draw_err, render_svg_of, write_drawing};
use crate::analysis::{Law, Reason, Verdict};
use crate::physics::{Regime, alpha_c, regime, regime_weights};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Which map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// Fig. 1: log10(omega/h) from -1 to 2 by sigma/sqrt(h) from 0 to 10 (so that the frozen
    /// region of a t_max h = 100 window, sigma/sqrt(h) > 8.4 at alpha = 10, is on the map).
    Fig1,
    /// Fig. 3 left: log10(alpha) from -2 to 2 by log10(h/omega) from -2 to 1, at fixed sigma.
    Fig3,
}

/// What to draw: the map, the fixed parameters and an optional current point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapSpec {
    pub kind: MapKind,
    /// alpha for Fig. 1 (the paper's maps are "at large alpha").
    pub alpha: f64,
    /// sigma/sqrt(h) for Fig. 3.
    pub sigma_over_sqrt_h: f64,
    /// The simulated window, which places the frozen region.
    pub t_max_times_h: f64,
    /// `(omega/h, sigma/sqrt(h), alpha)` to mark.
    pub point: Option<(f64, f64, f64)>,
}

/// Map size in pixels.
pub const MAP_SIZE: (u32, u32) = (900, 640);
/// Cells per axis of the shaded raster (x, y).
const CELLS: (usize, usize) = (120, 90);

/// Fill color of each regime (colorblind-safe, light).
pub fn regime_color(r: Regime) -> RGBColor {
    match r {
        Regime::Paramagnet => RGBColor(160, 210, 240),
        Regime::Frozen => RGBColor(200, 200, 200),
        Regime::Logarithmic => RGBColor(250, 200, 120),
        Regime::Algebraic => RGBColor(150, 220, 180),
        Regime::Exponential => RGBColor(230, 170, 210),
    }
}

/// Fill color of a fitted verdict on a computed map: the laws in their regime's color (more
/// saturated), undetermined curves by why (flat: grey as frozen; dropped into the noise: blue as
/// a fast decay; an AIC tie or too few units: pale), `None` (no fit: a diverged point) dark red.
pub fn verdict_color(v: Option<Verdict>) -> Rgb {
    match v {
        Some(Verdict::Law(Law::Logarithmic)) => Rgb(240, 160, 50),
        Some(Verdict::Law(Law::Algebraic)) => Rgb(60, 175, 110),
        Some(Verdict::Law(Law::Exponential)) => Rgb(205, 90, 175),
        Some(Verdict::Undetermined(Reason::FlatCurve)) => Rgb(150, 150, 150),
        Some(Verdict::Undetermined(Reason::DropsIntoNoise)) => Rgb(90, 150, 220),
        Some(Verdict::Undetermined(_)) => Rgb(215, 215, 200),
        None => Rgb(140, 30, 30),
    }
}

/// Opacity of a computed cell: a law by its jackknife confidence (0.3 at a coin toss, 1 when
/// every resample agrees), an undetermined or failed point 0.75; a cell not computed but
/// inferred from its nearest computed neighbour 0.25.
pub fn verdict_opacity(v: Option<Verdict>, confidence: f64, inferred: bool) -> f64 {
    if inferred {
        return 0.25;
    }
    match v {
        Some(Verdict::Law(_)) if confidence.is_finite() => {
            0.3 + 0.7 * ((confidence - 0.5) / 0.5).clamp(0.0, 1.0)
        }
        _ => 0.75,
    }
}

/// A short legend text for a verdict color.
pub fn verdict_legend(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Law(Law::Logarithmic)) => "logarithmic",
        Some(Verdict::Law(Law::Algebraic)) => "algebraic",
        Some(Verdict::Law(Law::Exponential)) => "exponential",
        Some(Verdict::Undetermined(Reason::FlatCurve)) => "no decay (flat)",
        Some(Verdict::Undetermined(Reason::DropsIntoNoise)) => "decays into noise",
        Some(Verdict::Undetermined(_)) => "undetermined",
        None => "no fit (diverged)",
    }
}

/// The verdicts a computed map's legend lists, in order.
pub const LEGEND_VERDICTS: [Option<Verdict>; 7] = [
    Some(Verdict::Law(Law::Logarithmic)),
    Some(Verdict::Law(Law::Algebraic)),
    Some(Verdict::Law(Law::Exponential)),
    Some(Verdict::Undetermined(Reason::FlatCurve)),
    Some(Verdict::Undetermined(Reason::DropsIntoNoise)),
    Some(Verdict::Undetermined(Reason::AicMargin)),
    None,
];

/// The shaded map as cells, for a front end that paints it itself (the explorer).
#[derive(Clone, Debug, PartialEq)]
pub struct MapRaster {
    pub nx: usize,
    pub ny: usize,
    /// Row by row, the top row (largest y) first: the blended regime colors.
    pub colors: Vec<[u8; 3]>,
    /// Where each regime present on the map is labelled (the centre of its cells), plotted units.
    pub labels: Vec<(Regime, f64, f64)>,
}

impl MapSpec {
    /// The map as `nx x ny` cells of blended regime colors, with each regime's label position.
    pub fn raster(&self, nx: usize, ny: usize) -> MapRaster {
        let ((x0, x1), (y0, y1)) = self.ranges();
        let (dx, dy) = ((x1 - x0) / nx as f64, (y1 - y0) / ny as f64);
        let mut sums = [(0.0, 0.0, 0usize); 5];
        let mut colors = Vec::with_capacity(nx * ny);
        for row in 0..ny {
            let y = y1 - (row as f64 + 0.5) * dy;
            for i in 0..nx {
                let x = x0 + (i as f64 + 0.5) * dx;
                let (w, s, a) = self.params_at(x, y);
                let hard = regime(w, s, a, self.t_max_times_h);
                if let Some(k) = Regime::ALL.iter().position(|r| *r == hard) {
                    sums[k].0 += x;
                    sums[k].1 += y;
                    sums[k].2 += 1;
                }
                let RGBColor(r, g, b) = blended(&regime_weights(w, s, a, self.t_max_times_h));
                colors.push([r, g, b]);
            }
        }
        let labels = Regime::ALL
            .iter()
            .zip(&sums)
            .filter(|(_, s)| s.2 > 0)
            .map(|(r, s)| (*r, s.0 / s.2 as f64, s.1 / s.2 as f64))
            .collect();
        MapRaster {
            nx,
            ny,
            colors,
            labels,
        }
    }

    /// The regime model's boundaries (where the most likely regime changes) on an `nx x ny`
    /// cell grid, as segments `[(x0, y0), (x1, y1)]` in plotted units: a staircase along the
    /// cell edges, to draw over a computed map.
    pub fn boundaries(&self, nx: usize, ny: usize) -> Vec<[(f64, f64); 2]> {
        self.boundaries_over(self.ranges(), nx, ny)
    }

    /// [`MapSpec::boundaries`] over plotted ranges `((x0, x1), (y0, y1))` of one's own (a
    /// computed map's extent, which need not be the map's), on an `nx x ny` cell grid.
    pub fn boundaries_over(
        &self,
        ((x0, x1), (y0, y1)): ((f64, f64), (f64, f64)),
        nx: usize,
        ny: usize,
    ) -> Vec<[(f64, f64); 2]> {
        let (dx, dy) = ((x1 - x0) / nx as f64, (y1 - y0) / ny as f64);
        let at = |i: usize, j: usize| {
            let (w, s, a) = self.params_at(x0 + (i as f64 + 0.5) * dx, y0 + (j as f64 + 0.5) * dy);
            regime(w, s, a, self.t_max_times_h)
        };
        let cells: Vec<Vec<Regime>> = (0..nx)
            .map(|i| (0..ny).map(|j| at(i, j)).collect())
            .collect();
        let mut out = Vec::new();
        for i in 0..nx {
            for j in 0..ny {
                let (xl, yb) = (x0 + i as f64 * dx, y0 + j as f64 * dy);
                if i + 1 < nx && cells[i][j] != cells[i + 1][j] {
                    out.push([(xl + dx, yb), (xl + dx, yb + dy)]);
                }
                if j + 1 < ny && cells[i][j] != cells[i][j + 1] {
                    out.push([(xl, yb + dy), (xl + dx, yb + dy)]);
                }
            }
        }
        out
    }

    /// Axis ranges `(x, y)` in plotted units.
    pub fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        match self.kind {
            MapKind::Fig1 => ((-1.0, 2.0), (0.0, 10.0)),
            MapKind::Fig3 => ((-2.0, 2.0), (-2.0, 1.0)),
        }
    }

    /// `(omega/h, sigma/sqrt(h), alpha)` at plotted `(x, y)`.
    pub fn params_at(&self, x: f64, y: f64) -> (f64, f64, f64) {
        match self.kind {
            MapKind::Fig1 => (10f64.powf(x), y, self.alpha),
            MapKind::Fig3 => (10f64.powf(-y), self.sigma_over_sqrt_h, 10f64.powf(x)),
        }
    }

    /// Plotted `(x, y)` of parameters.
    pub fn position(&self, (omega, sigma, alpha): (f64, f64, f64)) -> (f64, f64) {
        match self.kind {
            MapKind::Fig1 => (omega.log10(), sigma),
            MapKind::Fig3 => (alpha.log10(), -omega.log10()),
        }
    }

    fn title(&self) -> String {
        match self.kind {
            MapKind::Fig1 => format!(
                "Dynamical regimes (after Fig. 1), alpha = {}, t_max h = {}",
                self.alpha, self.t_max_times_h
            ),
            MapKind::Fig3 => format!(
                "Dynamical regimes (after Fig. 3 left), sigma/sqrt(h) = {}, t_max h = {}",
                self.sigma_over_sqrt_h, self.t_max_times_h
            ),
        }
    }
}

/// Blend the regime colors by weight.
fn blended(weights: &[(Regime, f64); 5]) -> RGBColor {
    let mut c = [0.0; 3];
    for (r, w) in weights {
        let RGBColor(red, green, blue) = regime_color(*r);
        c[0] += w * f64::from(red);
        c[1] += w * f64::from(green);
        c[2] += w * f64::from(blue);
    }
    let byte = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    RGBColor(byte(c[0]), byte(c[1]), byte(c[2]))
}

fn axis_label(v: f64) -> String {
    let s = format!("{:.3}", 10f64.powf(v));
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn draw_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &MapSpec,
) -> Result<(), FigureError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let ((x0, x1), (y0, y1)) = spec.ranges();
    let (x_desc, y_desc) = match spec.kind {
        MapKind::Fig1 => ("omega / h", "sigma / sqrt(h)"),
        MapKind::Fig3 => ("alpha = Nb / Ns", "h / omega"),
    };
    let mut chart = ChartBuilder::on(root)
        .caption(spec.title(), ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    let log_y = spec.kind == MapKind::Fig3;
    let y_fmt = move |v: &f64| {
        if log_y {
            axis_label(*v)
        } else {
            format!("{v}")
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(((x1 - x0) as usize) + 1)
        .y_labels(if log_y { ((y1 - y0) as usize) + 1 } else { 11 })
        .x_label_formatter(&|v| axis_label(*v))
        .y_label_formatter(&y_fmt)
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .draw()
        .map_err(draw_err)?;
    let (nx, ny) = CELLS;
    let (dx, dy) = ((x1 - x0) / nx as f64, (y1 - y0) / ny as f64);
    // Centres of each regime's cells, for the labels.
    let mut sums = [(0.0, 0.0, 0usize); 5];
    let mut cells = Vec::with_capacity(nx * ny);
    for i in 0..nx {
        for j in 0..ny {
            let (x, y) = (x0 + (i as f64 + 0.5) * dx, y0 + (j as f64 + 0.5) * dy);
            let (w, s, a) = spec.params_at(x, y);
            let weights = regime_weights(w, s, a, spec.t_max_times_h);
            let hard = regime(w, s, a, spec.t_max_times_h);
            if let Some(k) = Regime::ALL.iter().position(|r| *r == hard) {
                sums[k].0 += x;
                sums[k].1 += y;
                sums[k].2 += 1;
            }
            let fill = blended(&weights).filled();
            cells.push(Rectangle::new(
                [(x - dx / 2.0, y - dy / 2.0), (x + dx / 2.0, y + dy / 2.0)],
                fill,
            ));
        }
    }
    chart.draw_series(cells).map_err(draw_err)?;
    if spec.kind == MapKind::Fig3 {
        let xc = alpha_c(spec.sigma_over_sqrt_h).log10();
        chart
            .draw_series(LineSeries::new([(xc, y0), (xc, y1)], BLACK.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series([Text::new(
                format!("alpha_c = {:.2}", alpha_c(spec.sigma_over_sqrt_h)),
                (xc + 0.03, y1 - 0.12 * (y1 - y0)),
                ("sans-serif", 15),
            )])
            .map_err(draw_err)?;
    }
    let labels = Regime::ALL
        .iter()
        .zip(&sums)
        .filter(|(_, s)| s.2 > 0)
        .map(|(r, s)| {
            let n = s.2 as f64;
            Text::new(
                r.name().to_string(),
                (s.0 / n - 0.05 * (x1 - x0), s.1 / n),
                ("sans-serif", 18).into_font().color(&BLACK),
            )
        });
    chart.draw_series(labels).map_err(draw_err)?;
    if let Some(p) = spec.point {
        let (x, y) = spec.position(p);
        if x.is_finite() && y.is_finite() {
            let here = regime(p.0, p.1, p.2, spec.t_max_times_h);
            chart
                .draw_series([
                    Circle::new((x, y), 7, BLACK.stroke_width(3)),
                    Circle::new((x, y), 2, BLACK.filled()),
                ])
                .map_err(draw_err)?;
            chart
                .draw_series([Text::new(
                    format!("this run: {here}"),
                    (x + 0.02 * (x1 - x0), y + 0.03 * (y1 - y0)),
                    ("sans-serif", 15),
                )])
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

impl Drawing for MapSpec {
    fn size(&self) -> (u32, u32) {
        MAP_SIZE
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        draw_map(root, self)
    }
}

/// Render a map to an SVG string.
pub fn render_map_svg(spec: &MapSpec) -> Result<String, FigureError> {
    render_svg_of(spec)
}

/// Render a map and write it to `path` (`.svg` or `.png`) atomically.
pub fn write_map(path: &Path, spec: &MapSpec) -> Result<(), FigureError> {
    write_drawing(path, spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raster_matches_the_regime_function_and_round_trips_positions() {
        let spec = MapSpec {
            kind: MapKind::Fig1,
            alpha: 10.0,
            sigma_over_sqrt_h: 5.0,
            t_max_times_h: 100.0,
            point: None,
        };
        let r = spec.raster(30, 20);
        assert_eq!(r.colors.len(), 600);
        // Bottom rows (sigma < 1) are paramagnet-coloured; the paramagnet label sits low.
        let (_, _, y) = r
            .labels
            .iter()
            .find(|l| l.0 == Regime::Paramagnet)
            .copied()
            .expect("paramagnet on the map");
        assert!(y < 1.0, "{y}");
        let p = (3.0, 2.5, 10.0);
        let (x, y) = spec.position(p);
        let back = spec.params_at(x, y);
        assert!((back.0 - 3.0).abs() < 1e-12 && (back.1 - 2.5).abs() < 1e-12);
    }

    #[test]
    fn boundaries_separate_cells_of_different_regimes() {
        let spec = MapSpec {
            kind: MapKind::Fig1,
            alpha: 10.0,
            sigma_over_sqrt_h: 5.0,
            t_max_times_h: 100.0,
            point: None,
        };
        let b = spec.boundaries(60, 50);
        assert!(!b.is_empty());
        // Every segment lies between two cells of different regimes: compare the cell centres
        // half a cell to either side of its midpoint.
        let (dx, dy) = (3.0 / 60.0, 10.0 / 50.0);
        let r = |x: f64, y: f64| {
            let (w, s, a) = spec.params_at(x, y);
            regime(w, s, a, 100.0)
        };
        for [(xa, ya), (xb, yb)] in &b {
            let (mx, my) = ((xa + xb) / 2.0, (ya + yb) / 2.0);
            let (sx, sy) = if xa == xb {
                (dx / 2.0, 0.0)
            } else {
                (0.0, dy / 2.0)
            };
            assert_ne!(r(mx - sx, my - sy), r(mx + sx, my + sy));
        }
        // The paramagnet below sigma/sqrt(h) ~ 1 has a horizontal boundary there.
        assert!(
            b.iter()
                .any(|[(_, ya), (_, yb)]| ya == yb && (0.4..1.6).contains(ya))
        );
    }

    #[test]
    fn maps_render_with_every_regime_labelled() {
        let spec = MapSpec {
            kind: MapKind::Fig1,
            alpha: 10.0,
            sigma_over_sqrt_h: 5.0,
            t_max_times_h: 100.0,
            point: Some((10.0, 2.0, 10.0)),
        };
        let svg = render_map_svg(&spec);
        assert!(svg.is_ok(), "{svg:?}");
        let svg = svg.unwrap_or_default();
        for name in ["paramagnet", "frozen", "logarithmic", "algebraic"] {
            assert!(svg.contains(name), "{name} missing");
        }
        assert!(svg.contains("this run: logarithmic"));
        let fig3 = render_map_svg(&MapSpec {
            kind: MapKind::Fig3,
            point: None,
            ..spec
        })
        .unwrap_or_default();
        assert!(fig3.contains("exponential") && fig3.contains("alpha_c = 0.37"));
    }
}
