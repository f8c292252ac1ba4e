//! Photon loss with the bulk Box-Muller noise (from the engine's noise generator, xoshiro256++,
//! one per trajectory) against the previous implementation: a plain
//! per-trajectory Strang integrator, kept here as the reference, that draws its noise as the
//! engine used to (two `StandardNormal` samples per mode and half step, ziggurat, from the
//! trajectory's ChaCha8 stream). The two differ in every random number, so they agree only in
//! distribution: ensemble means are compared with tolerances from their standard errors.
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas of PHYSICS.md

#[path = "common/mod.rs"]
mod common;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use spinboson::physics::{
    BatchState, Couplings, Dynamics, Integrator, Model, N_OBS, Observable, Stepper, measure,
};
use spinboson::sim::NoiseRng;

const NS: usize = 4;
const NB: usize = 12;
const TRAJECTORIES: usize = 4000;
const DT: f64 = 0.02;
/// Output times, in steps: t = 0.5, 1, 2, 4.
const CHECKPOINTS: [usize; 4] = [25, 50, 100, 200];

fn dynamics() -> Dynamics {
    Dynamics {
        kappa: 0.5,
        ..common::dynamics(Model::SpinBoson, 1.0, 1.0, false)
    }
}

/// The per-trajectory `(sx, n_photon)` of the engine at the checkpoints.
fn engine(c: &Couplings, start: &BatchState) -> Vec<Vec<[f64; 2]>> {
    let mut state = start.clone();
    let mut stepper = Stepper::new(dynamics(), Integrator::Strang, c, TRAJECTORIES);
    let mut noise: Vec<NoiseRng> = (0..TRAJECTORIES as u64)
        .map(|k| NoiseRng::seed_from_u64(1_000 + k))
        .collect();
    let mut obs = vec![[0.0; N_OBS]; TRAJECTORIES];
    let mut done = 0;
    CHECKPOINTS
        .iter()
        .map(|&step| {
            stepper.advance(&mut state, DT, step - done, &mut noise, &mut |_| false);
            done = step;
            measure(&mut stepper, &state, &[], &mut obs);
            obs.iter()
                .map(|o| [o[Observable::Sx as usize], o[Observable::NPhoton as usize]])
                .collect()
        })
        .collect()
}

/// The reference: Strang steps `H0(dt/2) Hc(dt) H0(dt/2)` of PHYSICS.md written out per
/// trajectory, with the old noise and `noise_scale` times its amplitude.
fn reference(c: &Couplings, start: &BatchState, noise_scale: f64) -> Vec<Vec<[f64; 2]>> {
    let d = dynamics();
    let mut out = vec![Vec::with_capacity(TRAJECTORIES); CHECKPOINTS.len()];
    for b in 0..TRAJECTORIES {
        let [sx0, sy0, sz0, re0, im0] = start.trajectory(b);
        let (mut sx, mut sy, mut sz) = (sx0.to_vec(), sy0.to_vec(), sz0.to_vec());
        let (mut re, mut im) = (re0.to_vec(), im0.to_vec());
        let mut rng = ChaCha8Rng::seed_from_u64(1_000 + b as u64);
        let mut free =
            |tau: f64, sx: &mut [f64], sy: &mut [f64], re: &mut [f64], im: &mut [f64]| {
                let (s, co) = (2.0 * d.h * tau).sin_cos();
                for j in 0..NS {
                    (sx[j], sy[j]) = (sx[j] * co - sy[j] * s, sy[j] * co + sx[j] * s);
                }
                let (s, co) = (-d.omega * tau).sin_cos();
                let decay = (-0.5 * d.kappa * tau).exp();
                let amp = noise_scale * ((1.0 - (-d.kappa * tau).exp()) / 4.0).sqrt();
                for l in 0..NB {
                    let (x, y) = (re[l], im[l]);
                    let xi1: f64 = rng.sample(StandardNormal);
                    let xi2: f64 = rng.sample(StandardNormal);
                    re[l] = decay * (x * co - y * s) + amp * xi1;
                    im[l] = decay * (y * co + x * s) + amp * xi2;
                }
            };
        let mut step = 0;
        for (k, &until) in CHECKPOINTS.iter().enumerate() {
            while step < until {
                free(0.5 * DT, &mut sx, &mut sy, &mut re, &mut im);
                for j in 0..NS {
                    let field: f64 = (0..NB).map(|l| 2.0 * c.get(j, l) * re[l]).sum();
                    let (s, co) = (2.0 * field * DT).sin_cos();
                    (sy[j], sz[j]) = (sy[j] * co - sz[j] * s, sz[j] * co + sy[j] * s);
                }
                for l in 0..NB {
                    im[l] -= DT * (0..NS).map(|j| c.get(j, l) * sx[j]).sum::<f64>();
                }
                free(0.5 * DT, &mut sx, &mut sy, &mut re, &mut im);
                step += 1;
            }
            let n_photon =
                re.iter().zip(&im).map(|(x, y)| x * x + y * y).sum::<f64>() / NB as f64 - 0.5;
            out[k].push([sx.iter().sum::<f64>() / NS as f64, n_photon]);
        }
    }
    out
}

/// z-score of the mean of the paired differences `a_i - b_i` (same initial samples; the noise
/// differs, so the differences are independent across trajectories).
fn paired_z(a: &[[f64; 2]], b: &[[f64; 2]], o: usize) -> f64 {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x[o] - y[o]).collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    mean / (var / n).sqrt()
}

#[test]
fn loss_agrees_in_distribution_with_the_previous_noise() {
    let c = common::couplings(NS, NB, 2.0, 1.0, 21);
    let start = common::sampled_state(NS, NB, TRAJECTORIES, 0.6, 22);
    let new = engine(&c, &start);
    let old = reference(&c, &start, 1.0);
    // 8 comparisons; |z| < 4.5 has probability ~7e-6 each to fail by chance (the seeds are fixed).
    for (k, step) in CHECKPOINTS.iter().enumerate() {
        for (o, name) in [(0, "sx"), (1, "n_photon")] {
            let z = paired_z(&new[k], &old[k], o);
            println!("{name} at t = {}: z = {z:+.2}", *step as f64 * DT);
            assert!(
                z.abs() < 4.5,
                "{name} at t = {}: z = {z:.2}",
                *step as f64 * DT
            );
        }
    }
    // The comparison has the power to see a wrong noise strength: 10% less amplitude (19% less
    // variance) moves the photon number at t = 4 by many standard errors.
    let weak = reference(&c, &start, 0.9);
    let last = CHECKPOINTS.len() - 1;
    let z = paired_z(&new[last], &weak[last], 1);
    println!("against 10% weaker noise: z = {z:.1}");
    assert!(z > 10.0, "a 10% weaker noise went unnoticed: z = {z:.2}");
}
