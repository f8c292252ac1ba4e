//! Display settings: axes and which panels to show. Changing them never restarts a run; presets
//! carry them so a figure opens the way the paper shows it.

use crate::physics::Observable;
use serde::{Deserialize, Serialize};

/// How the time axis and the value axis are scaled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AxisMode {
    Linear,
    /// log10 t against the value: the paper's Fig. 2.
    #[default]
    LogX,
    /// log10 t against log10 |value|, non-positive points dropped.
    LogLog,
    /// t against log10 |value|, non-positive points dropped.
    LogY,
}

impl AxisMode {
    pub const ALL: [AxisMode; 4] = [
        AxisMode::Linear,
        AxisMode::LogX,
        AxisMode::LogLog,
        AxisMode::LogY,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AxisMode::Linear => "linear",
            AxisMode::LogX => "log-x",
            AxisMode::LogLog => "log-log",
            AxisMode::LogY => "log-y",
        }
    }

    pub fn log_x(self) -> bool {
        matches!(self, AxisMode::LogX | AxisMode::LogLog)
    }

    pub fn log_y(self) -> bool {
        matches!(self, AxisMode::LogY | AxisMode::LogLog)
    }
}

/// Display settings: changing them never restarts a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DisplaySettings {
    pub axis: AxisMode,
    pub show_sx: bool,
    pub show_sz: bool,
    /// Photon number and energy drift panel.
    pub show_extra: bool,
    pub show_error_bands: bool,
    /// t_h line and t_omega band.
    pub show_timescales: bool,
    /// The Fig. 1 regime map as an inset in the sx plot (explorer only).
    pub show_map_inset: bool,
    /// The fitted relaxation law over its window (explorer only).
    pub show_fit: bool,
    /// The paramagnet's thermal sz as a line on the sz plot (explorer only).
    pub show_thermal: bool,
    /// The local exponent -d ln sx / d ln t as a panel of its own (explorer only).
    pub show_local_exponent: bool,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        Self {
            axis: AxisMode::LogX,
            show_sx: true,
            show_sz: true,
            show_extra: false,
            show_error_bands: true,
            show_timescales: true,
            show_map_inset: true,
            show_fit: true,
            show_thermal: true,
            show_local_exponent: false,
        }
    }
}

impl DisplaySettings {
    /// The observables shown, one panel each, top to bottom, with their axis titles.
    pub fn panels(&self) -> Vec<(Observable, &'static str)> {
        let mut v = Vec::new();
        if self.show_sx {
            v.push((Observable::Sx, "sx"));
        }
        if self.show_sz {
            v.push((Observable::Sz, "sz"));
        }
        if self.show_extra {
            v.push((Observable::NPhoton, "photons per mode"));
            v.push((Observable::EnergyDrift, "energy drift per particle"));
        }
        v
    }
}

/// Tick label of a linear axis whose ticks are about `step` apart: as many decimals as the step
/// needs, scientific notation for very small or very large values, and never `-0`.
///
/// ```
/// use spinboson::io::linear_tick_label;
/// assert_eq!(linear_tick_label(-1e-17, 0.1), "0");
/// assert_eq!(linear_tick_label(0.25, 0.05), "0.25");
/// assert_eq!(linear_tick_label(2e-5, 1e-5), "2.0e-5");
/// ```
pub fn linear_tick_label(v: f64, step: f64) -> String {
    if v.abs() < step.abs() * 1e-6 {
        return "0".into();
    }
    let magnitude = v.abs().max(step.abs());
    if !(1e-3..1e5).contains(&magnitude) {
        return format!("{v:.1e}");
    }
    let decimals = (-(step.abs().log10().floor()) + 1.0).clamp(0.0, 8.0) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A mean and its error band, transformed for an axis mode.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AxisSeries {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

impl AxisMode {
    /// Transform `mean +- stderr` on times `t` for this axis mode.
    ///
    /// Log axes carry log10 of `t` and of `|value|`; points with `t <= 0`, `|value| = 0` or a
    /// non-finite value are dropped. On a log value axis the band's lower edge `|value| - err` can
    /// be non-positive; it is then drawn down to one decade below the smallest positive `|value|`
    /// of the series (the band's floor). A non-finite error (a single sample) draws no band.
    pub fn transform(self, t: &[f64], mean: &[f64], stderr: &[f64]) -> AxisSeries {
        let floor = if self.log_y() {
            mean.iter()
                .map(|v| v.abs())
                .filter(|v| *v > 0.0 && v.is_finite())
                .fold(f64::INFINITY, f64::min)
                .log10()
                - 1.0
        } else {
            0.0
        };
        let mut out = AxisSeries::default();
        for (k, (&time, &value)) in t.iter().zip(mean).enumerate() {
            if !value.is_finite() || (self.log_x() && time <= 0.0) {
                continue;
            }
            let x = if self.log_x() { time.log10() } else { time };
            let err = stderr
                .get(k)
                .copied()
                .filter(|e| e.is_finite())
                .unwrap_or(0.0);
            let (y, lo, hi) = if self.log_y() {
                let a = value.abs();
                if a <= 0.0 {
                    continue;
                }
                let y = a.log10();
                let lo = if a - err > 0.0 {
                    (a - err).log10()
                } else {
                    floor
                };
                (y, lo.min(y), (a + err).log10())
            } else {
                (value, value - err, value + err)
            };
            out.x.push(x);
            out.y.push(y);
            out.lo.push(lo);
            out.hi.push(hi);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axes_drop_non_positive_points() {
        let t = [0.0, 0.1, 1.0, 10.0];
        let mean = [1.0, 0.5, 0.0, -0.01];
        let err = [0.0, 0.1, 0.1, 0.1];
        let s = AxisMode::LogLog.transform(&t, &mean, &err);
        // t = 0 and value 0 are dropped; -0.01 plots as |value|.
        assert_eq!(s.x.len(), 2);
        assert!((s.x[0] + 1.0).abs() < 1e-12);
        assert!((s.y[1] + 2.0).abs() < 1e-12);
        // |v| - err <= 0: the band's lower edge sits at the floor, a decade below min |v|.
        assert!((s.lo[1] + 3.0).abs() < 1e-12);
        assert!((s.hi[1] - 0.11f64.log10()).abs() < 1e-12);
        let lin = AxisMode::Linear.transform(&t, &mean, &err);
        assert_eq!(lin.x.len(), 4);
        assert_eq!(lin.lo[1], 0.4);
    }
}
