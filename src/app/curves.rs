//! Curves as the plots draw them: the session's curves with their points transformed for the
//! axis mode, cached until the curve's ensemble or the axis mode changes.

use super::settings::AxisMode;
use crate::io::Rgb;
use crate::physics::Observable;
use crate::sim::{Ensemble, SessionCurve};
use egui::Color32;
use egui_plot::PlotPoint;
use std::collections::HashMap;
use std::sync::Arc;

/// Points of one observable, ready to plot: the line and the error band's edges.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    pub line: Vec<PlotPoint>,
    pub band_x: Vec<f64>,
    pub band_lo: Vec<f64>,
    pub band_hi: Vec<f64>,
}

/// The palette color on screen.
pub fn color32(c: Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
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

struct Entry {
    ensemble: Arc<Ensemble>,
    axis: AxisMode,
    series: Vec<Series>,
    used: bool,
}

/// Transformed points per curve (by serial), recomputed only when a curve's ensemble or the axis
/// mode changes.
#[derive(Default)]
pub struct PlotCache {
    entries: HashMap<u64, Entry>,
}

impl PlotCache {
    /// Make sure `curve` is prepared for `axis`.
    pub fn prepare(&mut self, curve: &SessionCurve, axis: AxisMode) {
        let fresh = |e: &Entry| Arc::ptr_eq(&e.ensemble, &curve.ensemble) && e.axis == axis;
        if let Some(entry) = self.entries.get_mut(&curve.serial)
            && fresh(entry)
        {
            entry.used = true;
            return;
        }
        let e = &curve.ensemble;
        let series = Observable::ALL
            .iter()
            .map(|&o| series(&e.t, e.mean_of(o), e.stderr_of(o), axis))
            .collect();
        self.entries.insert(
            curve.serial,
            Entry {
                ensemble: curve.ensemble.clone(),
                axis,
                series,
                used: true,
            },
        );
    }

    /// The prepared points of `observable` for the curve with `serial`.
    pub fn series(&self, serial: u64, observable: Observable) -> Option<&Series> {
        self.entries.get(&serial)?.series.get(observable as usize)
    }

    /// Forget curves not prepared since the last call (removed pins).
    pub fn sweep(&mut self) {
        self.entries.retain(|_, e| std::mem::take(&mut e.used));
    }
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
}
