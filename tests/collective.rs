//! The collective-mode form of the spin-boson model (`Couplings::collective`) against the full
//! model it replaces.
//!
//! Without loss the two are the same dynamics, trajectory by trajectory: given the same initial
//! sample (all Nb modes, projected onto the r = Ns collective ones) and the same splitting, every
//! spin follows the same path in exact arithmetic. They differ only by round-off (other sums
//! of other numbers), which the chaotic dynamics then amplifies, so the test compares them at
//! early times with bounds measured in units of the double-precision epsilon and then checks the
//! growth is the Lyapunov growth of round-off, not a drift.
//!
//! With loss each side draws its own noise (Nb or r modes' worth), so they agree in distribution:
//! ensemble means are compared with tolerances from their standard errors.
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas

#[path = "common/mod.rs"]
mod common;

use rand::SeedableRng;
use spinboson::physics::{
    BatchState, Couplings, Displacement, Dynamics, GridSpacing, Integrator, Model, N_OBS,
    Observable, Params, Stepper, measure, sample_photons, sample_spins, steps_in,
};
use spinboson::sim::{
    BatchEnd, BatchSpec, NoiseRng, realization_couplings, realization_rng, run_batch,
    trajectory_rng,
};

#[test]
fn the_basis_is_orthonormal_and_reproduces_the_couplings() {
    for (ns, nb) in [(3, 4), (6, 40), (91, 909)] {
        let full = common::couplings(ns, nb, 2.0, 1.0, 7);
        let c = full.collective().expect("Nb > Ns");
        let basis = c.mode_basis().expect("collective form");
        assert_eq!((c.ns(), c.nb(), c.physical_modes()), (ns, ns, nb));
        assert_eq!(basis.physical_modes(), nb);
        let qt = basis.qt();
        let scale: f64 = (0..ns)
            .flat_map(|j| (0..nb).map(move |l| (j, l)))
            .map(|(j, l)| full.get(j, l).abs())
            .fold(0.0, f64::max);
        // Householder QR is backward stable: errors of order sqrt(Nb) eps relative (here < 2e-14).
        let tol = 1e-13;
        for i in 0..ns {
            for k in 0..ns {
                let dot: f64 = (0..nb).map(|l| qt[(i, l)] * qt[(k, l)]).sum();
                let expected = if i == k { 1.0 } else { 0.0 };
                assert!((dot - expected).abs() < tol, "Q^T Q at {i},{k}: {dot}");
            }
        }
        // g = R^T Q^T: the collective couplings times the basis give back every g_jl.
        for j in 0..ns {
            for l in 0..nb {
                let g: f64 = (0..ns).map(|i| c.get(j, i) * qt[(i, l)]).sum();
                assert!(
                    (g - full.get(j, l)).abs() < tol * scale,
                    "g at {j},{l}: {g} vs {}",
                    full.get(j, l)
                );
            }
        }
        for j in 0..ns {
            let rel = (c.j_diag()[j] - full.j_diag()[j]).abs() / full.j_diag()[j];
            assert!(rel < tol, "J_jj at {j}: {rel}");
        }
    }
    // Nothing to gain (and nothing done) unless Nb > Ns.
    assert!(common::couplings(5, 5, 2.0, 1.0, 1).collective().is_none());
    assert!(common::couplings(9, 3, 2.0, 1.0, 1).collective().is_none());
}

/// Run both forms from the same samples; return per output time the largest difference of any
/// spin component and of any trajectory's photon number and energy per particle.
fn lossless_differences(
    (ns, nb, width): (usize, usize, usize),
    integrator: Integrator,
    displacement: f64,
    (dt, steps_per_output, outputs): (f64, usize, usize),
) -> Vec<[f64; 3]> {
    let full = common::couplings(ns, nb, 2.5, 1.0, 11);
    let start = common::sampled_state(ns, nb, width, displacement, 12);
    let (collective, start_c, outside) = common::collective_state(&full, &start);
    let dynamics = common::dynamics(Model::SpinBoson, 1.0, 1.0, false);
    let mut a = start.clone();
    let mut b = start_c;
    let mut step_a = Stepper::new(dynamics, integrator, &full, width);
    let mut step_b = Stepper::new(dynamics, integrator, &collective, width);
    let (mut obs_a, mut obs_b) = (vec![[0.0; N_OBS]; width], vec![[0.0; N_OBS]; width]);
    let mut out = Vec::new();
    for _ in 0..outputs {
        let noise = &mut common::no_noise();
        step_a.advance(&mut a, dt, steps_per_output, noise, &mut |_| false);
        step_b.advance(&mut b, dt, steps_per_output, noise, &mut |_| false);
        measure(&mut step_a, &a, &[], &mut obs_a);
        measure(&mut step_b, &b, &outside, &mut obs_b);
        let spins = [(&a.sx, &b.sx), (&a.sy, &b.sy), (&a.sz, &b.sz)]
            .iter()
            .flat_map(|(x, y)| x.iter().zip(y.iter()).map(|(p, q)| (p - q).abs()))
            .fold(0.0, f64::max);
        let obs = |o: Observable| {
            obs_a
                .iter()
                .zip(&obs_b)
                .map(|(p, q)| (p[o as usize] - q[o as usize]).abs())
                .fold(0.0, f64::max)
        };
        out.push([
            spins,
            obs(Observable::NPhoton),
            obs(Observable::EnergyDrift),
        ]);
    }
    out
}

#[test]
fn without_loss_every_trajectory_follows_the_full_model() {
    let eps = f64::EPSILON;
    // A small system over a long stretch (t = 0.5 .. 8, dt = 0.01), with a displacement (the
    // composite quench), for both splittings.
    for integrator in [Integrator::Strang, Integrator::Yoshida4] {
        let d = lossless_differences((6, 40, 16), integrator, 0.8, (0.01, 50, 16));
        println!("{integrator:?}: {d:?}");
        // At t = 0.5 the forms differ by round-off alone: spins of size 1 after 50 steps, and
        // |a|^2 sums of ~ Nb (1/2 + d^2) = 46 per trajectory; allow 1000 eps per quantity.
        assert!(d[0][0] < 1000.0 * eps, "spins at t = 0.5: {:e}", d[0][0]);
        assert!(d[0][1] < 1000.0 * eps, "photons at t = 0.5: {:e}", d[0][1]);
        assert!(d[0][2] < 1000.0 * eps, "energy at t = 0.5: {:e}", d[0][2]);
        // Later the difference is round-off grown by the chaos, not a drift of the physics:
        // it stays far below anything an ensemble could resolve (1e-6) up to t = 8.
        let worst = d.iter().flatten().fold(0.0, |m: f64, &x| m.max(x));
        assert!(worst < 1e-6, "up to t = 8: {worst:e}");
    }
    // The paper's size (Ns = 91, Nb = 909) over 40 steps of 0.005.
    let d = lossless_differences((91, 909, 4), Integrator::Strang, 0.0, (0.005, 20, 2));
    println!("Nt 1000: {d:?}");
    for [spins, photons, energy] in d {
        assert!(spins < 1000.0 * eps, "spins: {spins:e}");
        // n per mode is a sum of 909 |a_l|^2 over 909; energy per particle likewise.
        assert!(photons < 1000.0 * eps, "photons: {photons:e}");
        assert!(energy < 1000.0 * eps, "energy: {energy:e}");
    }
}

/// Per-trajectory `(sx, sz, n_photon)` at each output time, with loss, for either form.
fn lossy_run(
    couplings: &Couplings,
    start: &BatchState,
    outside0: &[f64],
    noise_seed: u64,
    (dt, steps_per_output, outputs): (f64, usize, usize),
) -> Vec<Vec<[f64; 3]>> {
    let dynamics = Dynamics {
        kappa: 0.6,
        ..common::dynamics(Model::SpinBoson, 1.0, 1.0, false)
    };
    let width = start.width;
    let mut state = start.clone();
    let mut stepper = Stepper::new(dynamics, Integrator::Strang, couplings, width);
    let mut noise: Vec<NoiseRng> = (0..width as u64)
        .map(|k| NoiseRng::seed_from_u64(noise_seed + k))
        .collect();
    let outside_modes = (couplings.physical_modes() - couplings.nb()) as f64;
    let mut obs = vec![[0.0; N_OBS]; width];
    (1..=outputs)
        .map(|k| {
            stepper.advance(&mut state, dt, steps_per_output, &mut noise, &mut |_| false);
            // The engine's conditional mean of the outside photons (sim::batch).
            let decay = (-dynamics.kappa * dt * (k * steps_per_output) as f64).exp();
            let outside: Vec<f64> = outside0
                .iter()
                .map(|o| decay * o + (1.0 - decay) * 0.5 * outside_modes)
                .collect();
            measure(&mut stepper, &state, &outside, &mut obs);
            obs.iter()
                .map(|o| {
                    [
                        o[Observable::Sx as usize],
                        o[Observable::Sz as usize],
                        o[Observable::NPhoton as usize],
                    ]
                })
                .collect()
        })
        .collect()
}

#[test]
fn with_loss_the_collective_form_agrees_in_distribution() {
    // Ns = 8, Nb = 80 (alpha = 10), sigma = 2.5, kappa = 0.6, a displaced start (so the photon
    // number relaxes visibly); 1500 trajectories of one realization, t = 1, 2, 4, 6.
    let (ns, nb, width) = (8, 80, 1500);
    let full = common::couplings(ns, nb, 2.5, 1.0, 21);
    let start = common::sampled_state(ns, nb, width, 0.5, 22);
    let (collective, start_c, outside0) = common::collective_state(&full, &start);
    let grid = (0.01, 100, 6);
    let a = lossy_run(&full, &start, &[], 1 << 20, grid);
    let b = lossy_run(&collective, &start_c, &outside0, 2 << 20, grid);
    let mut worst: f64 = 0.0;
    for (k, (ta, tb)) in a.iter().zip(&b).enumerate() {
        for q in 0..3 {
            let stats = |v: &[[f64; 3]]| {
                let n = v.len() as f64;
                let mean = v.iter().map(|x| x[q]).sum::<f64>() / n;
                let var = v.iter().map(|x| (x[q] - mean).powi(2)).sum::<f64>() / (n - 1.0);
                (mean, var / n)
            };
            let ((ma, va), (mb, vb)) = (stats(ta), stats(tb));
            // Both ensembles start from the same samples, so the two means are positively
            // correlated and the unpaired error sqrt(va + vb) overstates the difference's spread:
            // a z of 4.5 is then a conservative bound (false alarm well below 1e-5 per check).
            let z = (ma - mb) / (va + vb).sqrt();
            println!("t = {}: q{q} {ma:.5} vs {mb:.5}, z = {z:.2}", k + 1);
            worst = worst.max(z.abs());
            assert!(z.abs() < 4.5, "observable {q} at output {k}: z = {z}");
        }
    }
    println!("worst |z| = {worst:.2}");
}

/// The projection onto the collective modes gives each trajectory the same bits whatever the
/// batch it is sampled in (a one-column projection is padded to two, as the integrator's products
/// are: faer's matrix-vector path sums in another order), so runs stay independent of the width.
#[test]
fn the_projection_does_not_depend_on_the_batch_width() {
    let (ns, nb, width) = (91, 909, 20);
    let full = common::couplings(ns, nb, 3.0, 1.0, 5);
    let c = full.collective().expect("Nb > Ns");
    let basis = c.mode_basis().expect("collective form");
    let start = common::sampled_state(ns, nb, width, 0.3, 6);
    let mut pad = Vec::new();
    let mut all = vec![0.0; ns * width];
    basis.project(&mut all, &start.re_a, &mut pad);
    for chunk in [1, 2, 3, 8, 13] {
        let mut pieces = vec![0.0; ns * width];
        for (dst, src) in pieces
            .chunks_mut(ns * chunk)
            .zip(start.re_a.chunks(nb * chunk))
        {
            basis.project(dst, src, &mut pad);
        }
        let equal = all
            .chunks(ns)
            .zip(pieces.chunks(ns))
            .filter(|(a, b)| a == b)
            .count();
        assert_eq!(
            equal, width,
            "{equal} of {width} trajectories equal at width {chunk}"
        );
    }
}

/// The engine's own path (`sim::batch`: a run's couplings, its samples projected onto the
/// collective modes, the photons outside them, the measurements) against the full model
/// integrated here on all Nb modes from the same random streams: the batch's ensemble means of
/// every observable agree to round-off at t <= 0.5 (displaced start, so the photon number and the
/// energy have large outside parts).
#[test]
fn a_run_on_collective_modes_matches_the_full_model_from_the_same_streams() {
    let params = Params {
        nt: 66,
        alpha: 10.0,
        sigma: 2.5,
        omega: 1.0,
        t_max: 0.5,
        grid: GridSpacing::Linear,
        points: 6,
        dt: Some(0.01),
        displacement: Displacement::Value(0.6),
        realizations: 1,
        trajectories_per_realization: 8,
        ..Params::default()
    };
    let (ns, nb, width) = (params.ns(), params.nb(), 8);
    let times = params.output_times();
    let couplings = realization_couplings(&params, 0);
    assert_eq!((couplings.nb(), couplings.physical_modes()), (ns, nb));
    let spec = BatchSpec {
        index: 0,
        realization: 0,
        first_trajectory: 0,
        width,
    };
    let BatchEnd::Done(engine) = run_batch(&params, &spec, &couplings, &times, &mut |_| false)
    else {
        panic!("the batch did not finish");
    };
    // The reference: the full couplings and all Nb modes, from the same streams.
    let full = Couplings::sample(
        ns,
        nb,
        params.coupling_var(),
        params.omega,
        &mut realization_rng(params.seed, 0),
    );
    let mut state = BatchState::new(ns, nb, width);
    for b in 0..width {
        let mut rng = trajectory_rng(params.seed, 0, b);
        let [sx, sy, sz, re, im] = state.trajectory_mut(b);
        sample_spins(sx, sy, sz, &mut rng);
        sample_photons(re, im, 0.6, &mut rng);
    }
    let mut stepper = Stepper::new(
        Dynamics::from_params(&params),
        params.integrator,
        &full,
        width,
    );
    let mut obs = vec![[0.0; N_OBS]; width];
    let mut energy0 = vec![0.0; width];
    let mut worst: f64 = 0.0;
    for k in 0..times.len() {
        if k > 0 {
            let interval = times[k] - times[k - 1];
            let n = steps_in(interval, params.effective_dt());
            let tau = interval / n as f64;
            stepper.advance(&mut state, tau, n, &mut common::no_noise(), &mut |_| false);
        }
        measure(&mut stepper, &state, &[], &mut obs);
        for (o, e0) in obs.iter_mut().zip(energy0.iter_mut()) {
            let e = &mut o[Observable::EnergyDrift as usize];
            if k == 0 {
                *e0 = *e;
            }
            *e -= *e0;
        }
        for o in Observable::ALL {
            let reference = obs.iter().map(|x| x[o as usize]).sum::<f64>() / width as f64;
            let ours = engine.moments[k * N_OBS + o as usize].mean;
            // Means of O(1) quantities (the photon number per mode ~ 0.6^2 + 1/2 is a sum of
            // 60 |a|^2 over 60; the energy per particle ~ 10): 1e-12 is 1e4 eps.
            assert!(
                (ours - reference).abs() < 1e-12,
                "{} at t = {}: {ours} vs {reference}",
                o.name(),
                times[k]
            );
            worst = worst.max((ours - reference).abs());
        }
    }
    println!("largest difference of a mean: {worst:e}");
}
