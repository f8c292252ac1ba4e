//! Fixtures shared by the integration tests and benches: small systems with known answers.
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas of PHYSICS.md
#![allow(dead_code)]

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use spinboson::physics::{BatchState, Couplings, Dynamics, Model, sample_photons, sample_spins};

/// A realization of `ns x nb` couplings with variance `sigma^2 omega / (2 (ns + nb))`.
pub fn couplings(ns: usize, nb: usize, sigma: f64, omega: f64, seed: u64) -> Couplings {
    let var = sigma * sigma * omega / (2.0 * (ns + nb) as f64);
    Couplings::sample(ns, nb, var, omega, &mut ChaCha8Rng::seed_from_u64(seed))
}

/// The collective couplings of `full` and the projection of `start` onto them, with every
/// trajectory's `|a|^2 - |b|^2` (what `sim::batch` does for a run).
pub fn collective_state(full: &Couplings, start: &BatchState) -> (Couplings, BatchState, Vec<f64>) {
    let collective = full.collective().expect("Nb > Ns");
    let basis = collective.mode_basis().expect("collective form");
    let (ns, nb, r, width) = (start.ns, start.nb, collective.nb(), start.width);
    let mut state = BatchState::new(ns, r, width);
    state.sx.copy_from_slice(&start.sx);
    state.sy.copy_from_slice(&start.sy);
    state.sz.copy_from_slice(&start.sz);
    let mut pad = Vec::new();
    basis.project(&mut state.re_a, &start.re_a, &mut pad);
    basis.project(&mut state.im_a, &start.im_a, &mut pad);
    let norm2 = |re: &[f64], im: &[f64]| -> f64 { re.iter().chain(im).map(|x| x * x).sum() };
    let outside = (0..width)
        .map(|b| {
            norm2(&start.re_a[b * nb..][..nb], &start.im_a[b * nb..][..nb])
                - norm2(&state.re_a[b * r..][..r], &state.im_a[b * r..][..r])
        })
        .collect();
    (collective, state, outside)
}

/// `width` DTWA/TWA samples of |+x> and the vacuum displaced by `displacement`.
pub fn sampled_state(
    ns: usize,
    nb: usize,
    width: usize,
    displacement: f64,
    seed: u64,
) -> BatchState {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut state = BatchState::new(ns, nb, width);
    for b in 0..width {
        let [sx, sy, sz, re, im] = state.trajectory_mut(b);
        sample_spins(sx, sy, sz, &mut rng);
        sample_photons(re, im, displacement, &mut rng);
    }
    state
}

pub fn dynamics(model: Model, h: f64, omega: f64, self_interaction: bool) -> Dynamics {
    Dynamics {
        model,
        h,
        omega,
        kappa: 0.0,
        self_interaction,
    }
}

/// No loss: the integrator never touches the noise RNGs.
pub fn no_noise() -> Vec<ChaCha8Rng> {
    Vec::new()
}

/// Energy of every trajectory of `state` (total, not per particle), recomputed here from the
/// definitions of PHYSICS.md without the engine's GEMMs.
pub fn energy(c: &Couplings, d: &Dynamics, state: &BatchState) -> Vec<f64> {
    (0..state.width)
        .map(|b| {
            let [sx, _, sz, re, im] = state.trajectory(b);
            let zeeman: f64 = d.h * sz.iter().sum::<f64>();
            match d.model {
                Model::SpinBoson => {
                    let mut e = zeeman;
                    for j in 0..c.ns() {
                        let x: f64 = (0..c.nb()).map(|l| 2.0 * c.get(j, l) * re[l]).sum();
                        e += x * sx[j];
                    }
                    e + d.omega
                        * re.iter()
                            .zip(im)
                            .map(|(r, i)| r * r + i * i - 0.5)
                            .sum::<f64>()
                }
                Model::Adiabatic => {
                    let mut e = zeeman;
                    for j in 0..c.ns() {
                        for k in 0..c.ns() {
                            if j != k || d.self_interaction {
                                let jjk: f64 =
                                    (0..c.nb()).map(|l| c.get(j, l) * c.get(k, l)).sum::<f64>()
                                        / d.omega;
                                e -= jjk * sx[j] * sx[k];
                            }
                        }
                    }
                    e
                }
            }
        })
        .collect()
}
