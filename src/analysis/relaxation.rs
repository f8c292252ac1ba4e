//! Relaxation-law fits of `sx(t)` with jackknife errors and an AIC verdict.
//!
//! # The three laws (all with k = 2 parameters)
//! - logarithmic `sx = a - b ln t` (glassy, fast photons; PHYSICS.md "Regimes");
//! - algebraic `sx = A t^-gamma` (active photons, the paper's gamma ~ 0.75);
//! - exponential `sx = A exp(-t / tau)` (paramagnet, low frustration).
//!
//! # Fitting and weighting
//! Every law minimizes the same `chi2 = sum_k ((sx_k - f(t_k)) / s_k)^2` over the points of the
//! window, in sx space, with `s_k` the standard error of the mean curve at `t_k` computed from
//! the units (realizations, or batches of one realization). The logarithmic law is linear and
//! solved exactly; the algebraic and exponential laws start from the weighted straight-line fit
//! of `ln sx` against `ln t` (resp. `t`) over the points with `sx > 0` (weights `(sx / s)^2`,
//! the delta method) and are then refined by Levenberg-Marquardt in sx space, so that points
//! near zero (or below) keep their honest weight and the three `chi2` are comparable.
//!
//! # Model comparison
//! `AIC = chi2_min + 2 k` (Gaussian errors with known `s_k`; Akaike 1974). All laws have
//! `k = 2`, so AIC differences are `chi2` differences. Caveat: time points of one curve are
//! correlated (each unit's curve is smooth), so `chi2` is not chi-squared distributed and an
//! AIC margin of 2 is a weaker statement than for independent points. The jackknife confidence
//! (below) is the guard against that.
//!
//! # Errors: jackknife over units
//! For each unit `i` (of `n`), the mean curve is recomputed without it (with the ensemble's
//! weights) and every law is refitted on the same window with the same weights `s_k`, giving
//! `theta_i`. Then `var(theta) = (n - 1) / n * sum_i (theta_i - mean theta)^2` (Efron & Stein
//! 1981; Quenouille-Tukey). No least-squares covariance is used: it assumes independent points
//! and underestimates the error several-fold here (issue 9: LSQ error of gamma 0.009 while five
//! seeds scattered from 0.68 to 0.91). `confidence` is the fraction of the `n` resamples in
//! which the full-sample best law also has the lowest AIC.
//!
//! # Verdict
//! The law of lowest AIC, unless (checked in this order): fewer than 2 units, fewer than
//! [`MIN_POINTS`] points in the window, the curve within 2 standard errors of zero from the
//! start of the window, a flat curve (the fitted logarithmic change `b ln(t_end / t_start)` is
//! below 2 of its jackknife errors), an AIC margin below [`MIN_AIC_MARGIN`], or a confidence
//! below [`MIN_CONFIDENCE`]; then [`Verdict::Undetermined`] with the [`Reason`].

use super::lsq::{chi2, levenberg_marquardt, line_fit};
use crate::physics::{Params, t_h, t_omega_bounds};
use crate::sim::{Ensemble, UnitBasis, UnitCurves};
use serde::Serialize;

/// Fewest points in a window for a verdict.
pub const MIN_POINTS: usize = 5;
/// Smallest AIC margin between the best and the second law for a verdict.
pub const MIN_AIC_MARGIN: f64 = 2.0;
/// Fewest independent units (realizations, or batches of one realization) for a fit: with fewer,
/// the jackknife variance has under 3 degrees of freedom and the errors are noise. (Measured: an
/// explorer partial of the default run with 2 units gave gamma = 0.544 +- 0.005 where the
/// finished run gives +- 0.04.)
pub const MIN_UNITS: usize = 4;

/// Smallest fraction of jackknife resamples in which the best law must also win.
pub const MIN_CONFIDENCE: f64 = 0.8;
/// A point is "above noise" when `sx > NOISE_SIGMAS * stderr`.
pub const NOISE_SIGMAS: f64 = 2.0;

/// A relaxation law.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Law {
    /// `sx = a - b ln t`.
    Logarithmic,
    /// `sx = A t^-gamma`.
    Algebraic,
    /// `sx = A exp(-t / tau)`.
    Exponential,
}

impl Law {
    pub const ALL: [Law; 3] = [Law::Logarithmic, Law::Algebraic, Law::Exponential];

    /// One lower-case word.
    pub fn name(self) -> &'static str {
        match self {
            Law::Logarithmic => "logarithmic",
            Law::Algebraic => "algebraic",
            Law::Exponential => "exponential",
        }
    }

    /// The formula, for legends.
    pub fn formula(self) -> &'static str {
        match self {
            Law::Logarithmic => "sx = a - b ln t",
            Law::Algebraic => "sx = A t^-gamma",
            Law::Exponential => "sx = A exp(-t/tau)",
        }
    }
}

/// Why no law was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Fewer than [`MIN_UNITS`] independent units: no honest error bars.
    TooFewUnits,
    /// Fewer than [`MIN_POINTS`] points in the window.
    TooFewPoints,
    /// The curve is within 2 standard errors of zero from the start of the window.
    DropsIntoNoise,
    /// No significant change over the window.
    FlatCurve,
    /// The best law wins by less than [`MIN_AIC_MARGIN`].
    AicMargin,
    /// The best law wins in fewer than [`MIN_CONFIDENCE`] of the jackknife resamples.
    JackknifeAgreement,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::TooFewUnits,
        Reason::TooFewPoints,
        Reason::DropsIntoNoise,
        Reason::FlatCurve,
        Reason::AicMargin,
        Reason::JackknifeAgreement,
    ];

    /// The snake_case name, as in JSON and the sweep CSV.
    pub fn name(self) -> &'static str {
        match self {
            Reason::TooFewUnits => "too_few_units",
            Reason::TooFewPoints => "too_few_points",
            Reason::DropsIntoNoise => "drops_into_noise",
            Reason::FlatCurve => "flat_curve",
            Reason::AicMargin => "aic_margin",
            Reason::JackknifeAgreement => "jackknife_agreement",
        }
    }

    /// The reason of a [`Reason::name`].
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.name() == name)
    }

    /// A short phrase for display.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::TooFewUnits => "fewer than 4 independent units (realizations or batches)",
            Reason::TooFewPoints => "fewer than 5 points in the window",
            Reason::DropsIntoNoise => "sx drops into the noise at the start of the window",
            Reason::FlatCurve => "no significant change over the window",
            Reason::AicMargin => "AIC margin below 2",
            Reason::JackknifeAgreement => "best law wins in fewer than 80% of jackknife resamples",
        }
    }
}

/// The outcome of the model comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Law(Law),
    Undetermined(Reason),
}

impl Verdict {
    /// The verdict of a [`Verdict::name`] and, when undetermined, a [`Reason::name`] (an
    /// unknown or empty reason reads as an AIC tie).
    pub fn from_names(verdict: &str, reason: &str) -> Option<Verdict> {
        if verdict == "undetermined" {
            return Some(Verdict::Undetermined(
                Reason::from_name(reason).unwrap_or(Reason::AicMargin),
            ));
        }
        Law::ALL
            .into_iter()
            .find(|l| l.name() == verdict)
            .map(Verdict::Law)
    }

    /// The law's name, or `undetermined`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Law(l) => l.name(),
            Verdict::Undetermined(_) => "undetermined",
        }
    }
}

/// The timescales that place the default window (PHYSICS.md, Eqs. 4 and 7).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Timescales {
    /// `t_h` (Eq. 4): the window starts here.
    pub t_h: f64,
    /// The paper's lower bound of `t_omega`, `omega^2 / (sigma^2 h^2)` (text after Eq. 7), when
    /// it lies after `t_h` (fast photons): the logarithmic law is claimed only between `t_h` and
    /// `t_omega`, so the window ends there at the latest. `None` when photons are active.
    /// (The `t_s = 1/h` end of Eq. 7's band, `omega^2 / (h^4 t_h)`, is about twice as late.)
    pub t_omega_low: Option<f64>,
}

impl Timescales {
    /// From `sigma`, `omega`, `h`, `alpha` (absolute units, as in [`Params`]).
    pub fn new(sigma: f64, omega: f64, h: f64, alpha: f64) -> Self {
        let th = t_h(sigma, h, alpha);
        let low = t_omega_bounds(sigma, omega, h, alpha).0;
        Self {
            t_h: th,
            t_omega_low: (low > th).then_some(low),
        }
    }

    pub fn from_params(p: &Params) -> Self {
        Self::new(p.sigma, p.omega, p.h, p.alpha)
    }
}

/// How the window is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WindowRequest {
    /// Start at `t_h`; end at the earlier of the last time before sx first falls within
    /// [`NOISE_SIGMAS`] standard errors of zero and, with fast photons, `t_omega,low`.
    Auto(Timescales),
    /// A user's window, used as given.
    Manual { t_start: f64, t_end: f64 },
}

/// What ended the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowEnd {
    /// sx falls into the noise after this time.
    Noise,
    /// The lower bound of `t_omega` (fast photons).
    TOmega,
    /// The end of the data.
    Data,
    /// Chosen by the user.
    User,
}

/// The fit window: the requested bounds and the grid points inside them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FitWindow {
    pub t_start: f64,
    pub t_end: f64,
    pub end: WindowEnd,
    /// Grid points with `t_start <= t <= t_end`.
    pub n_points: usize,
}

/// Parameters of one law with jackknife errors (NaN when they cannot be estimated) and AIC.
/// `p` and `q` are the law's two parameters: `(a, b)`, `(amplitude, gamma)` or
/// `(amplitude, tau)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LawFit {
    pub law: Law,
    pub p: f64,
    pub p_err: f64,
    pub q: f64,
    pub q_err: f64,
    pub chi2: f64,
    pub aic: f64,
}

impl LawFit {
    /// The fitted curve at `t`.
    pub fn eval(&self, t: f64) -> f64 {
        match self.law {
            Law::Logarithmic => self.p - self.q * t.ln(),
            Law::Algebraic => self.p * t.powf(-self.q),
            Law::Exponential => self.p * (-t / self.q).exp(),
        }
    }

    /// Names of `p` and `q`.
    pub fn parameter_names(&self) -> [&'static str; 2] {
        match self.law {
            Law::Logarithmic => ["a", "b"],
            Law::Algebraic => ["amplitude", "gamma"],
            Law::Exponential => ["amplitude", "tau"],
        }
    }
}

/// Everything a fit produced.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitReport {
    pub window: FitWindow,
    /// The three laws in [`Law::ALL`] order; empty when the window or the units made fitting
    /// impossible.
    pub laws: Vec<LawFit>,
    /// The law of lowest AIC, whatever the verdict.
    pub best: Option<Law>,
    pub verdict: Verdict,
    /// Fraction of jackknife resamples in which `best` also wins (NaN without resamples).
    pub confidence: f64,
    /// AIC of the second law minus AIC of the best (NaN without fits).
    pub aic_margin: f64,
    /// E.g. `jackknife over 8 realizations`.
    pub error_method: String,
    /// Number of resampling units.
    pub units: usize,
}

impl FitReport {
    pub fn law(&self, law: Law) -> Option<&LawFit> {
        self.laws.iter().find(|f| f.law == law)
    }
}

/// Fit `sx` of an ensemble: the units are its [`UnitCurves`].
///
/// ```
/// use spinboson::analysis::{Timescales, WindowRequest, fit_ensemble};
/// # fn demo(e: &spinboson::sim::Ensemble, p: &spinboson::physics::Params) {
/// let report = fit_ensemble(e, WindowRequest::Auto(Timescales::from_params(p)));
/// println!("{} on [{}, {}]", report.verdict.name(), report.window.t_start, report.window.t_end);
/// # }
/// ```
pub fn fit_ensemble(ensemble: &Ensemble, window: WindowRequest) -> FitReport {
    fit_units(&ensemble.t, &ensemble.unit_curves, window)
}

/// Fit the weighted mean of `units.sx` on `t` (see the module documentation).
pub fn fit_units(t: &[f64], units: &UnitCurves, request: WindowRequest) -> FitReport {
    let n_units = units.sx.len().min(units.weights.len());
    let unit_word = match units.basis {
        UnitBasis::Realizations => "realizations",
        UnitBasis::BatchesOfOneRealization => "trajectory batches of one realization",
    };
    let error_method = format!("jackknife over {n_units} {unit_word}");
    let (mean, stderr) = weighted_mean_and_stderr(t.len(), &units.sx[..n_units], &units.weights);
    let window = choose_window(t, &mean, &stderr, request);
    let mut report = FitReport {
        window,
        laws: Vec::new(),
        best: None,
        verdict: Verdict::Undetermined(Reason::TooFewUnits),
        confidence: f64::NAN,
        aic_margin: f64::NAN,
        error_method,
        units: n_units,
    };
    if n_units < MIN_UNITS {
        return report;
    }
    let idx: Vec<usize> = (0..t.len())
        .filter(|&k| t[k] >= window.t_start && t[k] <= window.t_end && t[k] > 0.0)
        .collect();
    let above_noise = idx
        .iter()
        .take_while(|&&k| mean[k] > NOISE_SIGMAS * stderr[k])
        .count();
    if idx.len() < MIN_POINTS {
        report.verdict = Verdict::Undetermined(if window.end == WindowEnd::Noise {
            Reason::DropsIntoNoise
        } else {
            Reason::TooFewPoints
        });
        return report;
    }
    let tw: Vec<f64> = idx.iter().map(|&k| t[k]).collect();
    let inv_s = inverse_errors(idx.iter().map(|&k| stderr[k]));
    let yw: Vec<f64> = idx.iter().map(|&k| mean[k]).collect();
    let full = fit_all(&tw, &yw, &inv_s);
    // Leave-one-out mean curves, same window and weights.
    let resamples: Vec<[Fitted; 3]> = (0..n_units)
        .map(|drop| {
            let (others, w): (Vec<&Vec<f64>>, Vec<f64>) = units.sx[..n_units]
                .iter()
                .zip(&units.weights)
                .enumerate()
                .filter(|(u, _)| *u != drop)
                .map(|(_, (c, w))| (c, *w))
                .unzip();
            let total: f64 = w.iter().sum();
            let y: Vec<f64> = idx
                .iter()
                .map(|&k| others.iter().zip(&w).map(|(c, w)| w * c[k]).sum::<f64>() / total)
                .collect();
            fit_all(&tw, &y, &inv_s)
        })
        .collect();
    let n = n_units as f64;
    let jackknife = |values: &[f64]| -> f64 {
        let m = values.iter().sum::<f64>() / n;
        ((n - 1.0) / n * values.iter().map(|v| (v - m).powi(2)).sum::<f64>()).sqrt()
    };
    for (li, law) in Law::ALL.into_iter().enumerate() {
        let (ps, qs): (Vec<f64>, Vec<f64>) = resamples.iter().map(|r| (r[li].p, r[li].q)).unzip();
        let f = full[li];
        report.laws.push(LawFit {
            law,
            p: f.p,
            p_err: jackknife(&ps),
            q: f.q,
            q_err: jackknife(&qs),
            chi2: f.chi2,
            aic: f.chi2 + 2.0 * 2.0,
        });
    }
    let best_of = |fits: &[Fitted; 3]| -> usize {
        (0..3)
            .min_by(|&a, &b| fits[a].chi2.total_cmp(&fits[b].chi2))
            .unwrap_or(0)
    };
    let best = best_of(&full);
    let mut sorted: Vec<f64> = full.iter().map(|f| f.chi2).collect();
    sorted.sort_by(f64::total_cmp);
    report.best = Some(Law::ALL[best]);
    report.aic_margin = sorted[1] - sorted[0];
    report.confidence =
        resamples.iter().filter(|r| best_of(r) == best).count() as f64 / n_units as f64;
    let log = &report.laws[0];
    let change = log.q * (window.t_end / window.t_start).ln();
    let change_err = log.q_err * (window.t_end / window.t_start).ln();
    // Written so that a NaN (no error estimate) fails each test and leaves the law undecided.
    let significant = |value: f64, bound: f64| value.partial_cmp(&bound).is_some_and(|o| o.is_ge());
    report.verdict = if above_noise < MIN_POINTS {
        Verdict::Undetermined(Reason::DropsIntoNoise)
    } else if !significant(change.abs(), 2.0 * change_err) {
        Verdict::Undetermined(Reason::FlatCurve)
    } else if !significant(report.aic_margin, MIN_AIC_MARGIN) {
        Verdict::Undetermined(Reason::AicMargin)
    } else if !significant(report.confidence, MIN_CONFIDENCE) {
        Verdict::Undetermined(Reason::JackknifeAgreement)
    } else {
        Verdict::Law(Law::ALL[best])
    };
    report
}

/// Weighted mean and its standard error at each time: with unit weights `w_u` (trajectory
/// counts, or 1 per realization), `m = sum w x / W`, `var_1 = sum w (x - m)^2 / (U - 1)` (the
/// variance of a weight-1 unit) and `stderr = sqrt(var_1 / W)`. With equal weights this is
/// the ensemble's `sd / sqrt(R)`. NaN stderr with fewer than 2 units.
pub fn weighted_mean_and_stderr(
    len: usize,
    curves: &[Vec<f64>],
    weights: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let total: f64 = weights.iter().take(curves.len()).sum();
    let units = curves.len().min(weights.len());
    let mut mean = vec![f64::NAN; len];
    let mut stderr = vec![f64::NAN; len];
    for k in 0..len {
        let at = |c: &Vec<f64>| c.get(k).copied().unwrap_or(f64::NAN);
        let m = curves
            .iter()
            .zip(weights)
            .map(|(c, w)| w * at(c))
            .sum::<f64>()
            / total;
        mean[k] = m;
        if units >= 2 {
            let var1 = curves
                .iter()
                .zip(weights)
                .map(|(c, w)| w * (at(c) - m).powi(2))
                .sum::<f64>()
                / (units as f64 - 1.0);
            stderr[k] = (var1 / total).sqrt();
        }
    }
    (mean, stderr)
}

/// `1 / s`, with zero or non-finite `s` replaced by the median of the usable ones (a point
/// with no scatter would otherwise dominate the fit), and all ones when none is usable.
fn inverse_errors(s: impl Iterator<Item = f64>) -> Vec<f64> {
    let s: Vec<f64> = s.collect();
    let mut good: Vec<f64> = s
        .iter()
        .copied()
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    good.sort_by(f64::total_cmp);
    let fallback = good.get(good.len() / 2).copied().unwrap_or(1.0);
    s.iter()
        .map(|&x| {
            1.0 / if x.is_finite() && x > 0.0 {
                x
            } else {
                fallback
            }
        })
        .collect()
}

fn choose_window(t: &[f64], mean: &[f64], stderr: &[f64], request: WindowRequest) -> FitWindow {
    let t_last = t.last().copied().unwrap_or(0.0);
    let (t_start, t_end, end) = match request {
        WindowRequest::Manual { t_start, t_end } => (t_start, t_end, WindowEnd::User),
        WindowRequest::Auto(ts) => {
            let t_start = ts.t_h;
            // The last point before sx first falls within NOISE_SIGMAS stderr of zero.
            let mut noise_end = None;
            let mut last_good = None;
            for k in (0..t.len()).filter(|&k| t[k] >= t_start) {
                if mean[k] > NOISE_SIGMAS * stderr[k] {
                    last_good = Some(t[k]);
                } else {
                    noise_end = Some(last_good.unwrap_or(t_start));
                    break;
                }
            }
            let mut choice = (t_last, WindowEnd::Data);
            if let Some(te) = noise_end {
                choice = (te, WindowEnd::Noise);
            }
            if let Some(tw) = ts.t_omega_low
                && tw < choice.0
            {
                choice = (tw, WindowEnd::TOmega);
            }
            (t_start, choice.0, choice.1)
        }
    };
    let n_points = t
        .iter()
        .filter(|&&x| x >= t_start && x <= t_end && x > 0.0)
        .count();
    FitWindow {
        t_start,
        t_end,
        end,
        n_points,
    }
}

#[derive(Clone, Copy, Debug)]
struct Fitted {
    p: f64,
    q: f64,
    chi2: f64,
}

fn power_model(t: f64, p: [f64; 2]) -> (f64, [f64; 2]) {
    let f = (p[0] - p[1] * t.ln()).exp();
    (f, [f, -t.ln() * f])
}

fn exp_model(t: f64, p: [f64; 2]) -> (f64, [f64; 2]) {
    let f = (p[0] - p[1] * t).exp();
    (f, [f, -t * f])
}

/// Fit the three laws to `y` on `t` with inverse errors `inv_s`, in [`Law::ALL`] order.
fn fit_all(t: &[f64], y: &[f64], inv_s: &[f64]) -> [Fitted; 3] {
    let w: Vec<f64> = inv_s.iter().map(|v| v * v).collect();
    let ln_t: Vec<f64> = t.iter().map(|t| t.ln()).collect();
    // Logarithmic: linear, exact.
    let log = match line_fit(&ln_t, y, &w) {
        Some([a, c1]) => {
            let model = |t: f64, p: [f64; 2]| (p[0] - p[1] * t.ln(), [1.0, -t.ln()]);
            Fitted {
                p: a,
                q: -c1,
                chi2: chi2(t, y, inv_s, [a, -c1], &model),
            }
        }
        None => Fitted {
            p: f64::NAN,
            q: f64::NAN,
            chi2: f64::INFINITY,
        },
    };
    // Start values from the log-linearized fits over sx > 0, weights (sx / s)^2.
    let positive: Vec<usize> = (0..t.len()).filter(|&k| y[k] > 0.0).collect();
    let ly: Vec<f64> = positive.iter().map(|&k| y[k].ln()).collect();
    let lw: Vec<f64> = positive
        .iter()
        .map(|&k| (y[k] * inv_s[k]).powi(2))
        .collect();
    let first = y.first().copied().unwrap_or(1.0).abs().max(1e-3).ln();
    let x_pow: Vec<f64> = positive.iter().map(|&k| ln_t[k]).collect();
    let x_exp: Vec<f64> = positive.iter().map(|&k| t[k]).collect();
    let span = t.last().copied().unwrap_or(1.0).max(1e-9);
    let p0_pow = line_fit(&x_pow, &ly, &lw).map_or([first, 0.5], |c| [c[0], -c[1]]);
    let p0_exp = line_fit(&x_exp, &ly, &lw).map_or([first, 1.0 / span], |c| [c[0], -c[1]]);
    let (pp, cp) = levenberg_marquardt(t, y, inv_s, p0_pow, &power_model);
    let (pe, ce) = levenberg_marquardt(t, y, inv_s, p0_exp, &exp_model);
    [
        log,
        Fitted {
            p: pp[0].exp(),
            q: pp[1],
            chi2: cp,
        },
        Fitted {
            p: pe[0].exp(),
            q: 1.0 / pe[1],
            chi2: ce,
        },
    ]
}
