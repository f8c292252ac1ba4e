//! One work unit: a batch of trajectories of one realization, integrated over the whole grid.

use super::ensemble::Moments;
use super::rng::{NoiseRng, SimRng, noise_rng, realization_rng, trajectory_rng};
use crate::physics::{
    BatchState, Couplings, Dynamics, Model, N_OBS, Observable, Params, Stepper, measure,
    sample_photons, sample_spins, steps_in,
};

/// Which trajectories a batch integrates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchSpec {
    /// Position in the job's batch order (the order of the reduction).
    pub index: usize,
    pub realization: usize,
    /// Index of the first trajectory within its realization.
    pub first_trajectory: usize,
    pub width: usize,
}

/// Trajectories in each quick first batch (see [`batch_specs`]).
pub const QUICK_BATCH: usize = 8;

/// Realizations whose first trajectories run as a quick batch.
pub const QUICK_REALIZATIONS: usize = 2;

/// The batches of a run. Chunks are interleaved across realizations (chunk 0 of every
/// realization first) so that early partial results already span several realizations. The run
/// opens with small batches of `QUICK_BATCH` (8) trajectories from the first
/// `QUICK_REALIZATIONS` (2) realizations, so the first partial average arrives after a fraction
/// of a full batch's time. The layout depends only on the parameters (never on the thread
/// count), and samples depend only on the trajectory index, so results stay reproducible.
pub fn batch_specs(params: &Params) -> Vec<BatchSpec> {
    let (chunks, width) = params.batch_layout();
    let per_real = params.trajectories_per_realization;
    let quick_width = if width > QUICK_BATCH { QUICK_BATCH } else { 0 };
    let quick_realizations = if quick_width > 0 {
        QUICK_REALIZATIONS.min(params.realizations)
    } else {
        0
    };
    let mut specs = Vec::with_capacity(chunks * params.realizations + quick_realizations);
    let mut push = |realization, first_trajectory, width| {
        specs.push(BatchSpec {
            index: specs.len(),
            realization,
            first_trajectory,
            width,
        });
    };
    for realization in 0..quick_realizations {
        push(realization, 0, quick_width);
    }
    for chunk in 0..chunks {
        for realization in 0..params.realizations {
            let mut first = chunk * width;
            let end = (first + width).min(per_real);
            if chunk == 0 && realization < quick_realizations {
                first = quick_width;
            }
            if end > first {
                push(realization, first, end - first);
            }
        }
    }
    specs
}

/// A batch's statistics at every output time: `moments[k * N_OBS + o]` holds the mean and the
/// sum of squared deviations of observable `o` at time `t_k` over the batch's trajectories
/// (Welford's update, trajectories in order).
#[derive(Clone, Debug, PartialEq)]
pub struct BatchMoments {
    pub realization: usize,
    pub n_trajectories: usize,
    pub moments: Vec<Moments>,
}

/// How a batch ended.
#[derive(Clone, Debug, PartialEq)]
pub enum BatchEnd {
    Done(BatchMoments),
    /// Stopped from outside (cancel, or another batch diverged); its work is discarded.
    Stopped,
    /// A non-finite value appeared by output time `t`.
    Diverged {
        t: f64,
    },
}

/// The couplings of realization `realization` of a run (its own random stream). The spin-boson
/// model with more modes than spins is simulated on its collective modes
/// ([`Couplings::collective`]): the same dynamics, `alpha` times fewer flops.
pub fn realization_couplings(params: &Params, realization: usize) -> Couplings {
    let (ns, nb) = (params.ns(), params.nb());
    let (var, omega) = (params.coupling_var(), params.omega);
    let rng = &mut realization_rng(params.seed, realization);
    match params.model {
        Model::SpinBoson => Couplings::sample_collective(ns, nb, var, omega, rng),
        Model::Adiabatic => Couplings::sample(ns, nb, var, omega, rng),
    }
}

/// Sample the batch's initial state into `state`, one trajectory after another from its own
/// stream (spins, then photons). With collective couplings every trajectory samples all Nb
/// physical modes, as the full model does, and keeps their projection `b = Q^T a`; the return
/// value then holds each trajectory's `|a|^2 - |b|^2`, the photons outside the collective modes
/// (empty otherwise).
fn sample_initial_state(
    params: &Params,
    couplings: &Couplings,
    state: &mut BatchState,
    rngs: &mut [SimRng],
) -> Vec<f64> {
    let displacement = params.displacement_amplitude();
    let photons = params.model == Model::SpinBoson;
    let Some(basis) = couplings.mode_basis().filter(|_| photons) else {
        for (b, rng) in rngs.iter_mut().enumerate() {
            let [sx, sy, sz, re_a, im_a] = state.trajectory_mut(b);
            sample_spins(sx, sy, sz, rng);
            if photons {
                sample_photons(re_a, im_a, displacement, rng);
            }
        }
        return Vec::new();
    };
    let nb = basis.physical_modes();
    let mut re = vec![0.0; nb * state.width];
    let mut im = vec![0.0; nb * state.width];
    let columns = re.chunks_exact_mut(nb).zip(im.chunks_exact_mut(nb));
    for (b, (rng, (re, im))) in rngs.iter_mut().zip(columns).enumerate() {
        let [sx, sy, sz, _, _] = state.trajectory_mut(b);
        sample_spins(sx, sy, sz, rng);
        sample_photons(re, im, displacement, rng);
    }
    let mut pad = Vec::new();
    basis.project(&mut state.re_a, &re, &mut pad);
    basis.project(&mut state.im_a, &im, &mut pad);
    let norm2 = |re: &[f64], im: &[f64]| -> f64 { re.iter().chain(im).map(|x| x * x).sum() };
    let r = state.nb;
    (0..state.width)
        .map(|b| {
            let full = norm2(&re[b * nb..][..nb], &im[b * nb..][..nb]);
            full - norm2(&state.re_a[b * r..][..r], &state.im_a[b * r..][..r])
        })
        .collect()
}

/// Integrate one batch with its realization's `couplings` (from [`realization_couplings`]).
/// `poll(steps)` is called before every step with the number of trajectory-steps since the last
/// call; returning true stops the batch.
pub fn run_batch(
    params: &Params,
    spec: &BatchSpec,
    couplings: &Couplings,
    times: &[f64],
    poll: &mut dyn FnMut(u64) -> bool,
) -> BatchEnd {
    let dynamics = Dynamics::from_params(params);
    let mut state = BatchState::new(params.ns(), couplings.nb(), spec.width);
    let mut rngs: Vec<SimRng> = (0..spec.width)
        .map(|b| trajectory_rng(params.seed, spec.realization, spec.first_trajectory + b))
        .collect();
    let outside0 = sample_initial_state(params, couplings, &mut state, &mut rngs);
    // The photons outside the collective modes rotate freely and relax to the vacuum
    // independently of everything else: each trajectory records their conditional mean given its
    // initial sample, `e^{-kappa t} |a_out(0)|^2 + (1 - e^{-kappa t}) (Nb - r) / 2` (exactly
    // `|a_out(0)|^2`, conserved, without loss).
    let outside_modes = couplings.physical_modes() - couplings.nb();
    let mut outside = outside0.clone();
    let outside_at = |t: f64, outside: &mut Vec<f64>| {
        let decay = (-dynamics.kappa * t).exp();
        let relaxed = (1.0 - decay) * 0.5 * outside_modes as f64;
        for (o, o0) in outside.iter_mut().zip(&outside0) {
            *o = decay * o0 + relaxed;
        }
    };
    // Loss noise: a generator per trajectory, seeded from its stream (none without loss).
    let mut noise: Vec<NoiseRng> = if dynamics.has_modes() && dynamics.kappa > 0.0 {
        rngs.iter_mut().map(noise_rng).collect()
    } else {
        Vec::new()
    };
    let mut stepper = Stepper::new(dynamics, params.integrator, couplings, spec.width)
        .with_precision(params.precision);
    let mut obs = vec![[0.0; N_OBS]; spec.width];
    let mut stats = BatchMoments {
        realization: spec.realization,
        n_trajectories: spec.width,
        moments: vec![Moments::default(); times.len() * N_OBS],
    };
    measure(&mut stepper, &state, &outside, &mut obs);
    let energy0: Vec<f64> = obs
        .iter()
        .map(|o| o[Observable::EnergyDrift as usize])
        .collect();
    let dt = params.effective_dt();
    let width = spec.width as u64;
    for k in 0..times.len() {
        if k > 0 {
            let interval = times[k] - times[k - 1];
            let n_steps = steps_in(interval, dt);
            let done = stepper.advance(
                &mut state,
                interval / n_steps as f64,
                n_steps,
                &mut noise,
                &mut |_| poll(width),
            );
            if done < n_steps {
                return BatchEnd::Stopped;
            }
            outside_at(times[k] - times[0], &mut outside);
            measure(&mut stepper, &state, &outside, &mut obs);
        }
        let moments = &mut stats.moments[k * N_OBS..][..N_OBS];
        for (o, e0) in obs.iter_mut().zip(&energy0) {
            o[Observable::EnergyDrift as usize] -= e0;
            for (m, x) in moments.iter_mut().zip(o.iter()) {
                m.push(*x);
            }
        }
        if !moments.iter().all(|m| m.mean.is_finite()) {
            return BatchEnd::Diverged { t: times[k] };
        }
    }
    BatchEnd::Done(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_every_trajectory_once_quick_ones_first() {
        for (realizations, per_real) in [(8, 32), (1, 100), (3, 8), (2, 9), (5, 70)] {
            let p = Params {
                realizations,
                trajectories_per_realization: per_real,
                ..Params::default()
            };
            let specs = batch_specs(&p);
            let mut seen = vec![vec![0u8; per_real]; realizations];
            for (k, b) in specs.iter().enumerate() {
                assert_eq!(b.index, k);
                assert!(b.width >= 1 && b.width <= crate::physics::MAX_BATCH);
                for count in &mut seen[b.realization][b.first_trajectory..][..b.width] {
                    *count += 1;
                }
            }
            assert!(
                seen.iter().flatten().all(|&n| n == 1),
                "{realizations} x {per_real}"
            );
            if per_real > QUICK_BATCH {
                assert_eq!(specs[0].width, QUICK_BATCH);
                assert_eq!(specs[0].realization, 0);
            }
        }
    }
}
