//! Analytic limits of the whole engine, run through the job runner.

use spinboson::physics::{Displacement, GridSpacing, Observable, Params};
use spinboson::sim::{Ensemble, JobRequest, StopReason, run_job};
use std::sync::atomic::AtomicBool;

fn run(params: Params) -> Ensemble {
    let request = JobRequest { job_id: 1, params };
    let outcome = run_job(&request, &AtomicBool::new(false), &|_| {}).expect("valid parameters");
    assert_eq!(outcome.stop, StopReason::Completed);
    outcome.ensemble.expect("finished batches")
}

/// `|mean - exact| <= 4 stderr` at every time, plus a rounding floor where the error bar is 0.
/// With 16 realizations as units, a 4-standard-error deviation has probability ~1e-3 per
/// independent check (Student t, 15 degrees of freedom); the seed is fixed.
fn assert_within(e: &Ensemble, o: Observable, exact: impl Fn(f64) -> f64) {
    for (k, &t) in e.t.iter().enumerate() {
        let (m, se) = (e.mean_of(o)[k], e.stderr_of(o)[k]);
        assert!(
            (m - exact(t)).abs() <= 4.0 * se + 1e-12,
            "{o:?} at t = {t}: {m} vs {} (stderr {se})",
            exact(t)
        );
    }
}

fn free_params() -> Params {
    Params {
        nt: 60,
        alpha: 2.0,
        sigma: 0.0,
        h: 0.8,
        omega: 1.7,
        t_max: 20.0,
        grid: GridSpacing::Linear,
        points: 81,
        realizations: 16,
        trajectories_per_realization: 16,
        ..Params::default()
    }
}

#[test]
fn without_disorder_spins_precess_freely() {
    let p = free_params();
    let e = run(p.clone());
    assert_within(&e, Observable::Sx, |t| (2.0 * p.h * t).cos());
    assert_within(&e, Observable::Sz, |_| 0.0);
    assert_within(&e, Observable::NPhoton, |_| 0.0);
    // The error bars are real: sx deviates from cos(2ht) by mean(sy(0)) sin(2ht), which is nonzero.
    assert!(e.stderr_of(Observable::Sx).iter().any(|&s| s > 1e-3));
}

#[test]
fn loss_keeps_the_vacuum_and_empties_a_displaced_cavity() {
    // 64 realizations so 4 standard errors is a ~1e-4 event per time even with fresh noise at
    // every one of the 41 output times.
    let base = Params {
        kappa: 0.7,
        realizations: 64,
        trajectories_per_realization: 8,
        points: 41,
        ..free_params()
    };
    let vacuum = run(base.clone());
    assert_within(&vacuum, Observable::NPhoton, |_| 0.0);
    // A coherent amplitude d decays as d exp(-kappa t / 2): n(t) = d^2 exp(-kappa t).
    let d = 1.3;
    let displaced = run(Params {
        displacement: Displacement::Value(d),
        ..base.clone()
    });
    assert_within(&displaced, Observable::NPhoton, |t| {
        d * d * (-base.kappa * t).exp()
    });
    assert!(displaced.mean_of(Observable::NPhoton)[0] > 1.5);
}

#[test]
fn a_displaced_cavity_without_loss_keeps_its_photons() {
    let d = 0.9;
    let e = run(Params {
        displacement: Displacement::Value(d),
        ..free_params()
    });
    assert_within(&e, Observable::NPhoton, |_| d * d);
    // Energy is conserved exactly by the free flow.
    assert!(
        e.mean_of(Observable::EnergyDrift)
            .iter()
            .all(|x| x.abs() < 1e-12)
    );
}
