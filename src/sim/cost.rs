//! One model of what a run costs, used for the explorer's read-out, its ETA, the confirmation
//! before huge runs and the command line's estimate.
//!
//! A trajectory-step costs, per coupling stage of the integrator, the two GEMMs
//! (`4 Ns r` flops for the r = [`Params::simulated_modes`] modes the engine integrates: the Ns
//! collective modes when Nb > Ns, else all Nb; the adiabatic model's one `Ns x Ns` GEMM,
//! `2 Ns^2`, see [`AdiabaticForm`];
//! [`OUT_OF_CACHE`] times dearer once the matrix leaves the L2 cache) plus
//! the elementwise updates, counted in GEMM-flop equivalents: [`SPIN_WORK`] per spin (sin/cos of
//! the field rotation, the z rotation) and [`MODE_WORK`] per mode (the free flow and the kick),
//! plus [`STEP_WORK`] per step and [`LOSS_WORK`] per mode with photon loss (normal draws). With
//! [`Precision::Mixed`] the GEMMs cost [`SINGLE_GEMM`] of that, plus [`CONVERT_WORK`] per spin and
//! mode for the roundings. The
//! weights were fitted to single-thread rates measured on this project's machine (README,
//! *Cost model*). The machine's speed is one number, the rate in
//! work units per second per thread: it starts from [`GUESS_RATE`] and is recalibrated from
//! every run's own progress, so the estimate converges to the machine it runs on. The wall time
//! of a run is the list schedule of its batches over the pool's threads, as the job runner hands
//! them out.

use super::batch::batch_specs;
use crate::physics::{AdiabaticForm, Model, Params, Precision};
use std::time::Duration;

/// Work per spin and coupling stage, in GEMM-flop equivalents.
pub const SPIN_WORK: f64 = 100.0;
/// Work per photon mode and coupling stage, in GEMM-flop equivalents.
pub const MODE_WORK: f64 = 12.0;
/// Fixed work per step (loop overhead, bookkeeping), in GEMM-flop equivalents.
pub const STEP_WORK: f64 = 5000.0;
/// Extra work per photon mode and step with loss: a pair of normals (6 bytes of xoshiro256++ and
/// a vectorized Box-Muller transform) and its addition. Fitted to `cargo bench --bench engine`'s
/// loss/lossless step ratio at Nt = 1000, alpha = 10 (1.24-1.26x on this project's AVX2
/// machine): `0.245 x 3.56e5 / 909 = 96` per mode.
pub const LOSS_WORK: f64 = 96.0;
/// With [`Precision::Mixed`] the GEMMs run in f32, at nearly twice the f64 rate (8 lanes instead of
/// 4 per FMA): their work is this fraction of the f64 work. Fitted to `cargo bench --bench
/// engine` on the full-rank step (mixed / f64 1.72-1.83x at Nt = 1000, 1.26-1.35x at Nt = 220,
/// 1.82-2.03x at Nt = 3000). The collective step the engine now runs measured 0.97-1.03x,
/// 1.37-1.51x and 1.65-1.76x (`collective/*`); the model gives 1.07x, 1.42x and 1.65x, tested.
pub const SINGLE_GEMM: f64 = 0.55;
/// With [`Precision::Mixed`], the roundings to f32 and back, per spin or mode and coupling stage.
pub const CONVERT_WORK: f64 = 4.0;
/// The GEMMs slow down by this factor once the coupling matrix (`8 Ns Nb` bytes, `4 Ns Nb` in
/// mixed precision) no longer fits in the core's L2 cache: a ramp in log size from 1 MiB (none)
/// to 4 MiB (all of it).
pub const OUT_OF_CACHE: f64 = 1.5;
/// Work units per second and thread before anything was measured here (this project's machine,
/// quiet: about 40 GFLOP/s of GEMM in a full step).
pub const GUESS_RATE: f64 = 3.5e10;

/// The out-of-cache slowdown of the GEMMs for an `rows x cols` matrix of `bytes`-byte entries.
fn cache_factor(rows: f64, cols: f64, bytes: f64) -> f64 {
    let mib = bytes * rows * cols / (1u64 << 20) as f64;
    let ramp = (mib.log2() / 2.0).clamp(0.0, 1.0);
    1.0 + (OUT_OF_CACHE - 1.0) * ramp
}

/// Work of one trajectory-step of `p`, in GEMM-flop equivalents.
pub fn work_per_trajectory_step(p: &Params) -> f64 {
    let (_, coupling_stages) = p.integrator.coefficients();
    // The spin-boson model runs on its collective modes when Nb > Ns (r = Ns of them).
    let (ns, nb) = (p.ns() as f64, p.simulated_modes() as f64);
    let bytes = match p.precision {
        Precision::F64 => 8.0,
        Precision::Mixed => 4.0,
    };
    let (modes, gemm) = match p.model {
        Model::SpinBoson => (nb, 4.0 * ns * nb * cache_factor(ns, nb, bytes)),
        Model::Adiabatic => match AdiabaticForm::cheaper(p.ns(), p.nb()) {
            AdiabaticForm::Interaction => (0.0, 2.0 * ns * ns * cache_factor(ns, ns, bytes)),
            AdiabaticForm::TwoProducts => (0.0, 4.0 * ns * nb * cache_factor(ns, nb, bytes)),
        },
    };
    let stage = match p.precision {
        Precision::F64 => gemm + SPIN_WORK * ns + MODE_WORK * modes,
        Precision::Mixed => {
            SINGLE_GEMM * gemm
                + (SPIN_WORK + CONVERT_WORK) * ns
                + (MODE_WORK + CONVERT_WORK) * modes
        }
    };
    let loss = if p.kappa > 0.0 {
        LOSS_WORK * modes
    } else {
        0.0
    };
    coupling_stages.len() as f64 * stage + STEP_WORK + loss
}

/// The machine's rate for the cost model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostModel {
    /// Work units per second on one thread.
    pub rate: f64,
    /// False until a run has lasted long enough to measure.
    pub calibrated: bool,
}

impl Default for CostModel {
    fn default() -> Self {
        Self {
            rate: GUESS_RATE,
            calibrated: false,
        }
    }
}

/// Shortest stretch of a run that is timed for calibration.
const MIN_TIMED: Duration = Duration::from_millis(300);

impl CostModel {
    /// Estimated wall time of the whole run of `p` on `threads` threads: batches are handed out
    /// in order to whichever thread is free (the job runner's schedule).
    pub fn seconds(&self, p: &Params, threads: usize) -> f64 {
        let per_trajectory =
            p.steps_per_trajectory() as f64 * work_per_trajectory_step(p) / self.rate;
        let mut free_at = vec![0.0f64; threads.max(1)];
        for spec in batch_specs(p) {
            if let Some(first) = free_at.iter_mut().min_by(|a, b| a.total_cmp(b)) {
                *first += spec.width as f64 * per_trajectory;
            }
        }
        free_at.into_iter().fold(0.0, f64::max)
    }

    /// Seconds left of a run of `p` that has done `steps_done` of its trajectory-steps.
    pub fn seconds_left(&self, p: &Params, threads: usize, steps_done: u64) -> f64 {
        let total = p.steps_per_trajectory() as f64 * p.n_trajectories() as f64;
        let left = (1.0 - steps_done as f64 / total.max(1.0)).clamp(0.0, 1.0);
        self.seconds(p, threads) * left
    }

    /// Recalibrate from a run of `p` that did `steps` trajectory-steps in `elapsed` on `threads`
    /// threads (a partial run's progress counts too). Stretches shorter than 0.3 s are not timed.
    pub fn observe(&mut self, p: &Params, steps: u64, elapsed: Duration, threads: usize) {
        if elapsed < MIN_TIMED || steps == 0 {
            return;
        }
        let busy = threads.max(1).min(batch_specs(p).len()).max(1) as f64;
        let rate = steps as f64 * work_per_trajectory_step(p) / (elapsed.as_secs_f64() * busy);
        if rate.is_finite() && rate > 0.0 {
            self.rate = rate;
            self.calibrated = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_scales_with_the_work_and_the_threads() {
        let model = CostModel::default();
        let p = Params::default();
        let one = model.seconds(&p, 1);
        let two = model.seconds(&p, 2);
        // 10 batches (2 quick ones of 8, then 8 of 24 or 32): two threads take a bit more than half.
        assert!(two < one && two > 0.45 * one, "{one} {two}");
        let twice = Params {
            t_max: 2.0 * p.t_max,
            ..p.clone()
        };
        assert!(model.seconds(&twice, 1) > 1.5 * one);
        let mut m = model;
        m.observe(&p, 1_000_000, Duration::from_secs(1), 1);
        assert!(m.calibrated);
        let expected = 1e6 * work_per_trajectory_step(&p);
        assert!((m.rate - expected).abs() < 1e-6 * expected);
        // Too short to time: ignored.
        let mut n = CostModel::default();
        n.observe(&p, 10, Duration::from_millis(10), 1);
        assert_eq!(n, CostModel::default());
        assert!((model.seconds_left(&p, 1, 0) - one).abs() < 1e-9);
    }

    /// Mixed precision is predicted cheaper by about what `cargo bench --bench engine` measured
    /// for the collective step (see [`SINGLE_GEMM`]); the bounds are the measured ranges widened
    /// by 10%.
    #[test]
    fn mixed_precision_is_estimated_at_the_measured_speedup() {
        for (nt, low, high) in [(220, 0.87, 1.13), (1000, 1.23, 1.66), (3000, 1.49, 1.94)] {
            let f64s = Params {
                nt,
                ..Params::default()
            };
            let mixed = Params {
                precision: Precision::Mixed,
                ..f64s.clone()
            };
            let ratio = work_per_trajectory_step(&f64s) / work_per_trajectory_step(&mixed);
            println!("Nt {nt}: mixed estimated {ratio:.2}x faster");
            assert!((low..high).contains(&ratio), "Nt {nt}: {ratio}");
        }
    }
}
