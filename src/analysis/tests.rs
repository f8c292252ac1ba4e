//! Synthetic-curve tests of the relaxation fits (issue 9).
//!
//! Each synthetic unit (a "realization") is the true curve plus a realization-level smooth
//! random perturbation `eps_u(t) = c0 + c1 x + c2 sin(pi x) + c3 cos(pi x)`, `x` the position
//! in `ln t` across the grid, with `c_i ~ N(0, (UNIT_NOISE / 2)^2)`: a unit's errors at different
//! times are strongly correlated, as in a simulation, and the mean of 8 units has a pointwise
//! scatter of `~UNIT_NOISE / sqrt(8) ~ 1e-2` (the paper's sampling error).

use super::*;
use crate::sim::{UnitBasis, UnitCurves};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

const UNIT_NOISE: f64 = 0.028;
const UNITS: usize = 8;

/// 160 log-spaced times from 0.01 to 100, as the default output grid (t = 0 included).
fn grid() -> Vec<f64> {
    let mut t = vec![0.0];
    t.extend((0..159).map(|i| 10f64.powf(-2.0 + 4.0 * i as f64 / 158.0)));
    t
}

fn synthetic(truth: impl Fn(f64) -> f64, seed: u64, noise: f64) -> (Vec<f64>, UnitCurves) {
    let t = grid();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let normal = Normal::new(0.0, noise / 2.0).unwrap_or_else(|_| unreachable!());
    let (lo, hi) = (t[1].ln(), t[t.len() - 1].ln());
    let sx: Vec<Vec<f64>> = (0..UNITS)
        .map(|_| {
            let c: [f64; 4] = std::array::from_fn(|_| normal.sample(&mut rng));
            t.iter()
                .map(|&t| {
                    let x = if t > 0.0 {
                        (t.ln() - lo) / (hi - lo)
                    } else {
                        0.0
                    };
                    let pi_x = std::f64::consts::PI * x;
                    truth(t) + c[0] + c[1] * x + c[2] * pi_x.sin() + c[3] * pi_x.cos()
                })
                .collect()
        })
        .collect();
    let units = UnitCurves {
        basis: UnitBasis::Realizations,
        weights: vec![1.0; UNITS],
        sz: sx.clone(),
        sx,
    };
    (t, units)
}

fn auto(t_h: f64) -> WindowRequest {
    WindowRequest::Auto(Timescales {
        t_h,
        t_omega_low: None,
    })
}

/// Each law is recognised on its own curve over several seeds, and its parameters are
/// recovered within two jackknife errors (a 2-sigma test: about 5% of single checks may fail
/// by chance, so the check is on the fraction of seeds, required >= 70% of 10 seeds for each
/// parameter; the verdict must be right in >= 8 of 10).
#[test]
fn each_law_is_recognised_and_recovered() {
    type Truth = (Law, f64, f64, f64, f64);
    // (law, p, q, t_h (window start), window end or 0 for auto)
    let cases: [Truth; 3] = [
        (Law::Logarithmic, 0.9, 0.15, 2.0, 30.0),
        (Law::Algebraic, 1.2, 0.75, 2.0, 0.0),
        (Law::Exponential, 0.8, 8.0, 1.0, 0.0),
    ];
    for (law, p, q, t_h, t_end) in cases {
        let truth = move |t: f64| match law {
            Law::Logarithmic => p - q * t.ln(),
            Law::Algebraic => p * t.powf(-q),
            Law::Exponential => p * (-t / q).exp(),
        };
        let mut right = 0;
        let (mut p_ok, mut q_ok) = (0, 0);
        for seed in 0..10 {
            let (t, units) = synthetic(truth, 100 + seed, UNIT_NOISE);
            let request = if t_end > 0.0 {
                WindowRequest::Manual {
                    t_start: t_h,
                    t_end,
                }
            } else {
                auto(t_h)
            };
            let r = fit_units(&t, &units, request);
            if r.verdict == Verdict::Law(law) {
                right += 1;
            }
            let f = r.law(law).copied();
            assert!(f.is_some(), "{law:?}: {r:?}");
            if let Some(f) = f {
                p_ok += usize::from((f.p - p).abs() < 2.0 * f.p_err);
                q_ok += usize::from((f.q - q).abs() < 2.0 * f.q_err);
            }
            assert_eq!(r.units, UNITS);
            assert_eq!(r.error_method, "jackknife over 8 realizations");
        }
        assert!(right >= 8, "{law:?}: recognised in {right} of 10");
        assert!(
            p_ok >= 7 && q_ok >= 7,
            "{law:?}: within 2 errors {p_ok}, {q_ok} of 10"
        );
    }
}

#[test]
fn flat_noise_and_short_windows_are_undetermined() {
    let (t, units) = synthetic(|_| 0.6, 7, UNIT_NOISE);
    let r = fit_units(&t, &units, auto(1.0));
    assert_eq!(r.verdict, Verdict::Undetermined(Reason::FlatCurve), "{r:?}");
    // Drops into noise at once: sx = 0 from the start of the window.
    let (t, units) = synthetic(|t| if t < 1.0 { 1.0 } else { 0.0 }, 8, UNIT_NOISE);
    let r = fit_units(&t, &units, auto(1.0));
    assert_eq!(
        r.verdict,
        Verdict::Undetermined(Reason::DropsIntoNoise),
        "{r:?}"
    );
    let r = fit_units(
        &t,
        &units,
        WindowRequest::Manual {
            t_start: 1.0,
            t_end: 50.0,
        },
    );
    assert_eq!(
        r.verdict,
        Verdict::Undetermined(Reason::DropsIntoNoise),
        "{r:?}"
    );
    // Fewer than 5 points: the grid has 40 points per decade, so [2, 2.4] holds 3.
    let (t, units) = synthetic(|t| t.powf(-0.75), 9, UNIT_NOISE);
    let r = fit_units(
        &t,
        &units,
        WindowRequest::Manual {
            t_start: 2.0,
            t_end: 2.4,
        },
    );
    assert_eq!(
        r.verdict,
        Verdict::Undetermined(Reason::TooFewPoints),
        "{r:?}"
    );
    assert!(r.window.n_points < MIN_POINTS);
    // One unit: no errors.
    let one = UnitCurves {
        basis: UnitBasis::BatchesOfOneRealization,
        weights: vec![32.0],
        sx: vec![units.sx[0].clone()],
        sz: vec![units.sx[0].clone()],
    };
    let r = fit_units(&t, &one, auto(1.0));
    assert_eq!(r.verdict, Verdict::Undetermined(Reason::TooFewUnits));
}

#[test]
fn auto_window_ends_at_noise_or_t_omega() {
    // 1.2 t^-1.2 reaches 2 x 1e-2 (two standard errors) near t = 30.
    let (t, units) = synthetic(|t| 1.2 * t.powf(-1.2), 3, UNIT_NOISE);
    let r = fit_units(&t, &units, auto(2.0));
    assert_eq!(r.window.end, WindowEnd::Noise, "{:?}", r.window);
    assert!(
        r.window.t_end > 10.0 && r.window.t_end < 90.0,
        "{:?}",
        r.window
    );
    // With a slower decay the data end first.
    let (t, units) = synthetic(|t| 1.2 * t.powf(-0.5), 3, UNIT_NOISE);
    let r = fit_units(&t, &units, auto(2.0));
    assert_eq!((r.window.end, r.window.t_end), (WindowEnd::Data, 100.0));
    let r = fit_units(
        &t,
        &units,
        WindowRequest::Auto(Timescales {
            t_h: 2.0,
            t_omega_low: Some(10.0),
        }),
    );
    assert_eq!((r.window.end, r.window.t_end), (WindowEnd::TOmega, 10.0));
    // Paper's Fig. 2-left numbers: sigma = 2, omega = 10, alpha = 10.
    let ts = Timescales::new(2.0, 10.0, 1.0, 10.0);
    assert!((ts.t_h - 1.907).abs() < 1e-3);
    // The paper's lower bound omega^2 / (sigma^2 h^2) = 100 / 4 = 25.
    let low = ts.t_omega_low.unwrap_or(f64::NAN);
    assert!((low - 25.0).abs() < 1e-12, "{low}");
    assert_eq!(Timescales::new(3.0, 1.0, 1.0, 10.0).t_omega_low, None);
}

/// The jackknife error of gamma matches the scatter of gamma over independent synthetic data
/// sets. Statistics: with 400 seeds the sample sd has a relative error of 1/sqrt(2 * 399) =
/// 3.5%, and the root-mean jackknife variance (8 units, each estimate with relative sd ~
/// sqrt(2/7) in variance) about 1.5%; the jackknife's own bias for this smooth estimator is a
/// few percent. 30% (the tolerance) is therefore a loose bound, failing only if the
/// method is wrong (a least-squares error formula misses by a factor ~3 here).
#[test]
fn jackknife_error_matches_the_scatter_over_seeds() {
    let seeds = 400;
    let (mut gammas, mut jk_var) = (Vec::new(), Vec::new());
    for seed in 0..seeds {
        let (t, units) = synthetic(|t| 1.2 * t.powf(-0.75), 10_000 + seed, UNIT_NOISE);
        let r = fit_units(
            &t,
            &units,
            WindowRequest::Manual {
                t_start: 2.0,
                t_end: 40.0,
            },
        );
        if let Some(f) = r.law(Law::Algebraic) {
            gammas.push(f.q);
            jk_var.push(f.q_err * f.q_err);
        }
    }
    assert_eq!(gammas.len(), seeds as usize);
    let n = gammas.len() as f64;
    let mean = gammas.iter().sum::<f64>() / n;
    let sd = (gammas.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let jk = (jk_var.iter().sum::<f64>() / n).sqrt();
    assert!(
        (jk / sd - 1.0).abs() < 0.3,
        "jackknife {jk} vs scatter {sd}"
    );
    // The estimator is unbiased to well within its scatter.
    assert!((mean - 0.75).abs() < 3.0 * sd / n.sqrt() + 0.01, "{mean}");
}

#[test]
fn batches_as_units_and_ensemble_entry_point() {
    let (t, mut units) = synthetic(|t| 0.9 - 0.15 * t.ln(), 5, UNIT_NOISE);
    units.basis = UnitBasis::BatchesOfOneRealization;
    units.weights = vec![8.0, 8.0, 24.0, 24.0, 32.0, 32.0, 32.0, 32.0];
    let r = fit_units(
        &t,
        &units,
        WindowRequest::Manual {
            t_start: 2.0,
            t_end: 30.0,
        },
    );
    assert_eq!(
        r.error_method,
        "jackknife over 8 trajectory batches of one realization"
    );
    assert!(r.law(Law::Logarithmic).is_some_and(|f| f.q_err > 0.0));
}

/// Timing: one fit of 160 points x 8 units, far below the 5 ms the GUI can afford per partial.
#[test]
fn a_fit_is_cheap() {
    let (t, units) = synthetic(|t| 1.2 * t.powf(-0.75), 1, UNIT_NOISE);
    let start = std::time::Instant::now();
    for _ in 0..20 {
        let r = fit_units(&t, &units, auto(2.0));
        assert!(r.best.is_some());
    }
    let per_fit = start.elapsed().as_secs_f64() / 20.0;
    // Generous: debug builds and a loaded machine; release measures ~0.2 ms.
    assert!(per_fit < 0.05, "{per_fit} s per fit");
}
