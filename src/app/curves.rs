//! Curves on screen: the running one and up to [`MAX_PINS`] pinned ones, with stable colors,
//! and their points transformed for the chosen axis mode.

use super::settings::AxisMode;
use crate::physics::{Observable, Params};
use crate::sim::Ensemble;
use egui::Color32;
use egui_plot::PlotPoint;
use std::sync::Arc;

/// Most pinned curves kept at once.
pub const MAX_PINS: usize = 8;

/// Color of the running curve.
pub const CURRENT_COLOR: Color32 = Color32::from_rgb(30, 110, 230);

/// Colors of pinned curves, chosen to stay distinct from [`CURRENT_COLOR`] and each other.
const PIN_COLORS: [Color32; MAX_PINS] = [
    Color32::from_rgb(230, 85, 13),
    Color32::from_rgb(49, 163, 84),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(188, 189, 34),
    Color32::from_rgb(23, 190, 207),
];

/// Points of one observable, ready to plot: the line and the error band's edges.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub line: Vec<PlotPoint>,
    pub band_x: Vec<f64>,
    pub band_lo: Vec<f64>,
    pub band_hi: Vec<f64>,
}

/// A curve: an ensemble (possibly partial) and the parameters that produced it.
#[derive(Debug)]
pub struct Curve {
    pub label: String,
    pub params: Params,
    pub ensemble: Arc<Ensemble>,
    pub color: Color32,
    /// Why its run stopped (`completed`, `cancelled`, ...); `None` while it runs.
    pub stop: Option<&'static str>,
    /// Transformed points per observable, cached for one axis mode.
    cache: Option<(AxisMode, Vec<Series>)>,
}

impl Curve {
    pub fn new(label: String, params: Params, ensemble: Arc<Ensemble>, color: Color32) -> Self {
        Self {
            label,
            params,
            ensemble,
            color,
            stop: None,
            cache: None,
        }
    }

    /// Transform the points for `axis` (once per axis mode and ensemble).
    pub fn prepare(&mut self, axis: AxisMode) {
        if self.cache.as_ref().is_some_and(|(mode, _)| *mode == axis) {
            return;
        }
        let e = &self.ensemble;
        let all = Observable::ALL
            .iter()
            .map(|&o| series(&e.t, e.mean_of(o), e.stderr_of(o), axis))
            .collect();
        self.cache = Some((axis, all));
    }

    /// The points of `observable` as prepared for `axis`, or `None` if not prepared for it.
    pub fn series(&self, axis: AxisMode, observable: Observable) -> Option<&Series> {
        match &self.cache {
            Some((mode, all)) if *mode == axis => all.get(observable as usize),
            _ => None,
        }
    }
}

/// A pinned curve and the serial number that fixes its color.
#[derive(Debug)]
pub struct Pin {
    pub serial: u64,
    pub curve: Curve,
}

/// The pinned curves. Colors follow the pin's serial number, so removing one never recolors
/// the others.
#[derive(Debug, Default)]
pub struct Pins {
    pins: Vec<Pin>,
    next_serial: u64,
}

impl Pins {
    pub fn iter(&self) -> impl Iterator<Item = &Pin> {
        self.pins.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pin> {
        self.pins.iter_mut()
    }

    pub fn len(&self) -> usize {
        self.pins.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pins.is_empty()
    }

    /// Pin a curve; when [`MAX_PINS`] are kept already, the oldest is dropped.
    pub fn pin(&mut self, label: String, params: Params, ensemble: Arc<Ensemble>) -> &mut Curve {
        if self.pins.len() == MAX_PINS {
            self.pins.remove(0);
        }
        let serial = self.next_serial;
        self.next_serial += 1;
        // Skip colors still in use, so eight pins always have eight colors.
        let in_use: Vec<Color32> = self.pins.iter().map(|p| p.curve.color).collect();
        let color = (0..MAX_PINS as u64)
            .map(|k| PIN_COLORS[((serial + k) % MAX_PINS as u64) as usize])
            .find(|c| !in_use.contains(c))
            .unwrap_or(PIN_COLORS[0]);
        self.pins.push(Pin {
            serial,
            curve: Curve::new(label, params, ensemble, color),
        });
        let last = self.pins.len() - 1;
        &mut self.pins[last].curve
    }

    pub fn remove(&mut self, serial: u64) {
        self.pins.retain(|p| p.serial != serial);
    }

    pub fn clear(&mut self) {
        self.pins.clear();
    }
}

/// Transform a mean and its standard error for `axis` (see [`AxisMode::transform`]).
pub fn series(t: &[f64], mean: &[f64], stderr: &[f64], axis: AxisMode) -> Series {
    let s = axis.transform(t, mean, stderr);
    Series {
        line: s
            .x
            .iter()
            .zip(&s.y)
            .map(|(&x, &y)| PlotPoint::new(x, y))
            .collect(),
        band_x: s.x,
        band_lo: s.lo,
        band_hi: s.hi,
    }
}

/// A legend label with the parameters that matter for comparisons.
pub fn params_label(p: &Params) -> String {
    let mut label = format!(
        "σ/√h={:.3} ω/h={:.3} α={:.3} Nt={}",
        p.sigma / p.h.sqrt(),
        p.omega / p.h,
        p.alpha,
        p.nt
    );
    if p.kappa > 0.0 {
        label.push_str(&format!(" κ={:.3}", p.kappa));
    }
    if p.model == crate::physics::Model::Adiabatic {
        label.push_str(" adiabatic");
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_follow_the_axis_transform() {
        let s = series(
            &[0.0, 1.0, 10.0],
            &[1.0, 0.5, 0.1],
            &[0.0, 0.1, 0.1],
            AxisMode::LogX,
        );
        assert_eq!(s.line.len(), 2);
        assert_eq!(s.line[1].x, 1.0);
        assert_eq!(s.band_hi[0], 0.6);
    }

    #[test]
    fn pin_colors_are_stable_and_distinct() {
        let ens = Arc::new(Ensemble {
            t: vec![0.0],
            mean: Default::default(),
            stderr: Default::default(),
            trajectories: 1,
            units: 1,
            error_basis: crate::sim::ErrorBasis::Realizations,
        });
        let mut pins = Pins::default();
        for k in 0..3 {
            pins.pin(format!("{k}"), Params::default(), ens.clone());
        }
        let before: Vec<_> = pins.iter().map(|p| (p.serial, p.curve.color)).collect();
        pins.remove(1);
        let after: Vec<_> = pins.iter().map(|p| (p.serial, p.curve.color)).collect();
        assert_eq!(after, vec![before[0], before[2]]);
        for k in 3..12 {
            pins.pin(format!("{k}"), Params::default(), ens.clone());
        }
        assert_eq!(pins.len(), MAX_PINS);
        let mut colors: Vec<_> = pins.iter().map(|p| p.curve.color.to_array()).collect();
        colors.sort();
        colors.dedup();
        assert_eq!(colors.len(), MAX_PINS);
    }
}
