//! Model and run parameters, their validation, and the derived quantities
//! (Ns, Nb, coupling variance, automatic time step, memory estimate).
//!
//! Conventions follow `PHYSICS.md`: `sigma`, `omega` and `h` are absolute; with the
//! default `h = 1` they equal the paper's `sigma / sqrt(h)` and `omega / h`.

use super::couplings::AdiabaticForm;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Which Hamiltonian is integrated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Model {
    /// The full spin-boson model, Eq. (1): spins and `Nb` cavity modes.
    #[default]
    SpinBoson,
    /// The adiabatic (quantum Hopfield) model, Eq. (3): photons eliminated.
    Adiabatic,
}

/// Spacing of the output time grid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum GridSpacing {
    /// `t = 0` followed by `points - 1` log-spaced times from `t_min` to `t_max`.
    #[default]
    Log,
    /// `points` equally spaced times from 0 to `t_max`.
    Linear,
}

/// Initial coherent displacement of every photon mode, `<a_l(0)>` (real).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Displacement {
    /// Photons start in the vacuum.
    #[default]
    None,
    /// The paper's composite quench: `2 Ns / sqrt(Nt omega / h)`.
    Paper,
    /// A given real amplitude.
    Value(f64),
}

/// The time integrator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Integrator {
    /// Strang splitting `H0(dt/2) Hc(dt) H0(dt/2)`: second order, one coupling stage per step.
    #[default]
    Strang,
    /// Yoshida's triple-jump composition of Strang: fourth order, three coupling stages per step.
    Yoshida4,
}

impl Integrator {
    /// Coefficients `(a, b)` of the splitting `H0(a_0 dt) Hc(b_0 dt) H0(a_1 dt) ... H0(a_m dt)`.
    pub fn coefficients(self) -> (&'static [f64], &'static [f64]) {
        match self {
            Integrator::Strang => (&[0.5, 0.5], &[1.0]),
            Integrator::Yoshida4 => (&YOSHIDA_A, &YOSHIDA_B),
        }
    }

    /// Largest |b_i|: the longest coupling substep, relative to `dt`.
    pub fn max_stage(self) -> f64 {
        self.coefficients()
            .1
            .iter()
            .fold(0.0_f64, |m, b| m.max(b.abs()))
    }

    /// Automatic step in units of `1 / w_max` (see [`Params::w_max`]).
    pub fn auto_dt_factor(self) -> f64 {
        match self {
            Integrator::Strang => AUTO_DT_STRANG,
            Integrator::Yoshida4 => AUTO_DT_YOSHIDA4,
        }
    }
}

/// The arithmetic of the coupling products (the GEMMs, 90% of a step at the paper's size).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Precision {
    /// Everything in double precision (the default).
    #[default]
    F64,
    /// The coupling products in single precision (operands rounded to f32, f32 GEMM, results
    /// widened back); the state, the rotations, the photon kicks, the noise and every ensemble
    /// sum stay in double precision. The rotations are exact for whatever field they are given,
    /// so `|s|^2` is kept exactly as in [`Precision::F64`]; the fields carry a relative error of
    /// about `1e-7`, which the chaotic dynamics amplify: trajectories differ from f64 after a
    /// while, ensemble averages agree within their statistical error (tested).
    Mixed,
}

impl Precision {
    pub fn is_f64(&self) -> bool {
        *self == Precision::F64
    }

    /// The name used on the command line and in the GUI.
    pub fn label(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::Mixed => "mixed",
        }
    }
}

// Yoshida (1990): w1 = 1 / (2 - 2^(1/3)), w0 = -2^(1/3) / (2 - 2^(1/3)).
const YOSHIDA_W1: f64 = 1.351_207_191_959_657_6;
const YOSHIDA_W0: f64 = -1.702_414_383_919_315_3;
const YOSHIDA_A: [f64; 4] = [
    YOSHIDA_W1 / 2.0,
    (YOSHIDA_W1 + YOSHIDA_W0) / 2.0,
    (YOSHIDA_W0 + YOSHIDA_W1) / 2.0,
    YOSHIDA_W1 / 2.0,
];
const YOSHIDA_B: [f64; 3] = [YOSHIDA_W1, YOSHIDA_W0, YOSHIDA_W1];

/// Automatic Strang step: `dt = 0.1 / w_max`.
pub const AUTO_DT_STRANG: f64 = 0.1;
/// Automatic Yoshida step: `dt = 0.25 / w_max` (three stages per step).
pub const AUTO_DT_YOSHIDA4: f64 = 0.25;
/// Stability bound: the longest coupling substep `max|b_i| dt` may not exceed `1 / w_max`
/// (one radian of the fastest rotation per stage). Beyond it the splitting error is O(1).
pub const STABILITY_PHASE: f64 = 1.0;
/// Limit on the estimated memory of a run, in bytes (4 GiB).
pub const MEMORY_LIMIT_BYTES: u64 = 4 << 30;
/// Most bytes of couplings a run keeps for realizations whose later batches have not started
/// (the job runner shares a realization's couplings between its batches; beyond this a batch
/// builds its own copy, the same numbers).
pub const SHARED_COUPLINGS_BYTES: u64 = 512 << 20;
/// Largest number of output time points.
pub const MAX_POINTS: usize = 1_000_000;
/// Largest batch of trajectories integrated together (one GEMM's column count); see
/// [`Params::max_batch`].
pub const MAX_BATCH: usize = 256;
/// Batches are never made narrower than this by [`Params::max_batch`] (the width before batch
/// widths followed the system size).
pub const MIN_WIDE_BATCH: usize = 32;
/// Simulated coupling matrices with at least this many entries (`Ns` times
/// [`Params::simulated_modes`]: `Ns^2` for the collective modes, reached at Nt = 5500 for
/// alpha = 10; `Ns Nb` for the adiabatic model, at Nt = 1741) may be integrated in batches of
/// [`MAX_BATCH`] trajectories, smaller ones in batches of at most 64.
pub const WIDE_BATCH_COUPLINGS: usize = 250_000;
/// A batch is widened beyond [`MIN_WIDE_BATCH`] only while the run keeps at least this many
/// batches (for the threads of a large machine, and the jackknife units of a one-realization fit).
pub const MIN_BATCHES: usize = 16;
/// A batch is widened beyond [`MIN_WIDE_BATCH`] only while its state and buffers stay within
/// this many bytes.
pub const WIDE_BATCH_BYTES: u64 = 64 << 20;

/// Every parameter of a run. Loadable from RON; missing fields take the defaults
/// (a moderate Fig. 2-center point: alpha = 10, sigma/sqrt(h) = 3, omega/h = 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Params {
    /// Total number of particles `Nt = Ns + Nb`.
    pub nt: usize,
    /// Frustration parameter `alpha = Nb / Ns`.
    pub alpha: f64,
    /// Disorder strength: couplings have variance `sigma^2 omega / (2 Nt)`.
    pub sigma: f64,
    /// Cavity mode frequency.
    pub omega: f64,
    /// Transverse field.
    pub h: f64,
    /// Final time.
    pub t_max: f64,
    /// Time step; `None` picks `auto_dt_factor / w_max`.
    pub dt: Option<f64>,
    /// Output grid spacing.
    pub grid: GridSpacing,
    /// Number of output times, including `t = 0`.
    pub points: usize,
    /// First nonzero output time of a log grid.
    pub t_min: f64,
    /// Number of disorder realizations (independent coupling matrices).
    pub realizations: usize,
    /// Trajectories (phase-space samples) per realization.
    pub trajectories_per_realization: usize,
    /// Seed of every random number of the run.
    pub seed: u64,
    /// Full spin-boson or adiabatic model.
    pub model: Model,
    /// Adiabatic model only: keep the classical `j = k` term of Eq. (3).
    pub self_interaction: bool,
    /// Photon loss rate (0 = none).
    pub kappa: f64,
    /// Initial photon displacement.
    pub displacement: Displacement,
    /// Time integrator.
    pub integrator: Integrator,
    /// Arithmetic of the coupling products. Left out of the serialized form when f64, so presets
    /// and sweep fingerprints written before it existed stay valid.
    #[serde(skip_serializing_if = "Precision::is_f64")]
    pub precision: Precision,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            nt: 400,
            alpha: 10.0,
            sigma: 3.0,
            omega: 1.0,
            h: 1.0,
            t_max: 100.0,
            dt: None,
            grid: GridSpacing::Log,
            points: 160,
            t_min: 0.01,
            realizations: 8,
            trajectories_per_realization: 32,
            seed: 1,
            model: Model::SpinBoson,
            self_interaction: false,
            kappa: 0.0,
            displacement: Displacement::None,
            integrator: Integrator::Strang,
            precision: Precision::F64,
        }
    }
}

/// A parameter outside its allowed range. Each variant names the field, the value and the range.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ParamError {
    #[error("{field} = {value} is not a finite number")]
    NotFinite { field: &'static str, value: f64 },
    #[error("{field} = {value} is out of range: allowed {range}")]
    OutOfRange {
        field: &'static str,
        value: f64,
        range: &'static str,
    },
    #[error("nt = {nt} is out of range: allowed 2 <= nt <= 1000000")]
    Nt { nt: usize },
    #[error(
        "alpha = {alpha} leaves no spins at nt = {nt} (Ns = round(nt / (1 + alpha)) must be >= 1)"
    )]
    NoSpins { alpha: f64, nt: usize },
    #[error("alpha = {alpha} leaves no photon modes at nt = {nt} (Nb = nt - Ns must be >= 1)")]
    NoModes { alpha: f64, nt: usize },
    #[error("{field} = {value} is out of range: allowed {range}")]
    Count {
        field: &'static str,
        value: usize,
        range: &'static str,
    },
    #[error("t_min = {t_min} must be below t_max = {t_max} for a log grid")]
    TMin { t_min: f64, t_max: f64 },
    #[error(
        "dt = {dt} exceeds the stability bound {dt_max:.4e} of the {integrator:?} integrator (max stage x dt <= 1 / w_max, w_max = {w_max:.4})"
    )]
    DtTooLarge {
        dt: f64,
        dt_max: f64,
        w_max: f64,
        integrator: Integrator,
    },
    #[error(
        "integrator = Yoshida4 has negative substeps and cannot integrate photon loss (kappa = {kappa}): use Strang"
    )]
    LossNeedsStrang { kappa: f64 },
    #[error(
        "the run needs about {needed_mib} MiB, above the limit of {limit_mib} MiB: lower nt, points or realizations"
    )]
    Memory { needed_mib: u64, limit_mib: u64 },
}

impl ParamError {
    /// The parameter the error is about (for the alpha/Nt pair: `alpha`).
    pub fn field(&self) -> &'static str {
        match self {
            ParamError::NotFinite { field, .. }
            | ParamError::OutOfRange { field, .. }
            | ParamError::Count { field, .. } => field,
            ParamError::Nt { .. } | ParamError::Memory { .. } => "nt",
            ParamError::NoSpins { .. } | ParamError::NoModes { .. } => "alpha",
            ParamError::TMin { .. } => "t_min",
            ParamError::DtTooLarge { .. } => "dt",
            ParamError::LossNeedsStrang { .. } => "kappa",
        }
    }
}

fn finite(field: &'static str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParamError::NotFinite { field, value })
    }
}

fn at_least(
    field: &'static str,
    value: f64,
    min: f64,
    strict: bool,
    range: &'static str,
) -> Result<(), ParamError> {
    finite(field, value)?;
    let ok = if strict { value > min } else { value >= min };
    if ok {
        Ok(())
    } else {
        Err(ParamError::OutOfRange {
            field,
            value,
            range,
        })
    }
}

fn count(
    field: &'static str,
    value: usize,
    min: usize,
    max: usize,
    range: &'static str,
) -> Result<(), ParamError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ParamError::Count {
            field,
            value,
            range,
        })
    }
}

impl Params {
    /// Number of spins, `Ns = round(Nt / (1 + alpha))`.
    pub fn ns(&self) -> usize {
        (self.nt as f64 / (1.0 + self.alpha)).round() as usize
    }

    /// Number of photon modes, `Nb = Nt - Ns`.
    pub fn nb(&self) -> usize {
        self.nt.saturating_sub(self.ns())
    }

    /// The modes the engine integrates: the r = Ns collective modes of the spin-boson model when
    /// Nb > Ns ([`Couplings::collective`](super::Couplings::collective)), else all Nb.
    pub fn simulated_modes(&self) -> usize {
        if self.collective() {
            self.ns()
        } else {
            self.nb()
        }
    }

    /// Whether the spin-boson model runs on its collective modes (Nb > Ns).
    fn collective(&self) -> bool {
        self.model == Model::SpinBoson && self.nb() > self.ns()
    }

    /// Variance of each coupling `g_jl`: `sigma^2 omega / (2 Nt)`.
    pub fn coupling_var(&self) -> f64 {
        self.sigma * self.sigma * self.omega / (2.0 * self.nt as f64)
    }

    /// Initial real amplitude of every photon mode.
    pub fn displacement_amplitude(&self) -> f64 {
        match self.displacement {
            Displacement::None => 0.0,
            Displacement::Paper => {
                2.0 * self.ns() as f64 / (self.nt as f64 * self.omega / self.h).sqrt()
            }
            Displacement::Value(v) => v,
        }
    }

    /// Fastest angular frequency of the dynamics, used to choose and bound `dt`:
    /// `w_max = max(2 |h|, omega, w_c)` (omega only with photons), where `w_c` is twice a
    /// two-standard-deviation value of the spin rotation field:
    /// - spin-boson: `X_j = 2 sum_l g_jl Re a_l` has variance `Nb sigma^2 omega (1 + 4 d^2) / (2 Nt)`
    ///   (d the displacement), so `w_c = 2 * 2 sqrt(var X)`; the photon-spin exchange rate
    ///   `2 sqrt(Ns var g)` is included too;
    /// - adiabatic: `B_j = -2 sum_k J_jk s_k` has rms `sigma^2 sqrt(Nb Ns) / Nt`, plus the self-term
    ///   `2 J_jj ~ sigma^2 Nb / Nt` when it is kept, so `w_c = 2 (2 rms + self)`.
    pub fn w_max(&self) -> f64 {
        let nt = self.nt as f64;
        let (ns, nb) = (self.ns() as f64, self.nb() as f64);
        let s2 = self.sigma * self.sigma;
        match self.model {
            Model::SpinBoson => {
                let d = self.displacement_amplitude();
                let var_x = nb * s2 * self.omega * (1.0 + 4.0 * d * d) / (2.0 * nt);
                let exchange = 2.0 * (ns * self.coupling_var()).sqrt();
                let w_c = 4.0 * var_x.sqrt();
                (2.0 * self.h.abs()).max(self.omega).max(w_c).max(exchange)
            }
            Model::Adiabatic => {
                let rms = s2 * (nb * ns).sqrt() / nt;
                let self_term = if self.self_interaction {
                    s2 * nb / nt
                } else {
                    0.0
                };
                (2.0 * self.h.abs()).max(2.0 * (2.0 * rms + self_term))
            }
        }
    }

    /// Energy scale per particle of the spins' dynamics, `(Ns / Nt) (|h| + rms B_x)`: the Zeeman
    /// energy plus the typical coupling field (the rms of `X_j` for the full model, of the
    /// adiabatic field `B_j / 2` for Eq. 3; see [`Params::w_max`]). The energy drift per particle
    /// is judged against it: at `sigma/sqrt(h) = 5` a drift of `2e-3` is a `1e-3` relative error,
    /// at `sigma/sqrt(h) = 0.7` a large one.
    pub fn energy_scale(&self) -> f64 {
        let nt = self.nt as f64;
        let (ns, nb) = (self.ns() as f64, self.nb() as f64);
        let s2 = self.sigma * self.sigma;
        let field = match self.model {
            Model::SpinBoson => {
                let d = self.displacement_amplitude();
                (nb * s2 * self.omega * (1.0 + 4.0 * d * d) / (2.0 * nt)).sqrt()
            }
            Model::Adiabatic => s2 * (nb * ns).sqrt() / nt,
        };
        ns / nt * (self.h.abs() + field)
    }

    /// Largest stable step: `STABILITY_PHASE / (max|b_i| w_max)`.
    pub fn dt_max(&self) -> f64 {
        STABILITY_PHASE / (self.integrator.max_stage() * self.w_max())
    }

    /// The time step used: `dt` if given, else `auto_dt_factor / w_max`, never above `t_max`.
    pub fn effective_dt(&self) -> f64 {
        match self.dt {
            Some(dt) => dt,
            None => (self.integrator.auto_dt_factor() / self.w_max()).min(self.t_max),
        }
    }

    /// Total number of trajectories.
    pub fn n_trajectories(&self) -> usize {
        self.realizations * self.trajectories_per_realization
    }

    /// The widest batch for these parameters. faer packs the coupling matrix anew for every
    /// product, and a wider batch spreads that over more columns: on the AVX2 machine of
    /// `cargo bench --bench engine` (`gemm/*`), f64 GEMMs of 273 x 2727 couplings ran at 31
    /// GFLOP/s with 32 columns and 40 with 256, those of 20 x 200 and 91 x 909 within 5% of
    /// their best from 64 on; the collective step (`collective/*`, Ns x Ns couplings) is within
    /// 5% of its best from 64 columns on at Nt = 220, 1000 and 3000. So the width is 64, or
    /// [`MAX_BATCH`] for a simulated coupling matrix (Ns x [`Params::simulated_modes`]) of
    /// [`WIDE_BATCH_COUPLINGS`] entries or more, but it is widened beyond [`MIN_WIDE_BATCH`] (32) only as far as the run keeps
    /// [`MIN_BATCHES`] batches (threads to feed; a one-realization fit's jackknife units are its
    /// batches) and a batch's buffers stay within [`WIDE_BATCH_BYTES`].
    ///
    /// The width never changes a trajectory's bits (each trajectory has its own random streams,
    /// and every product is a GEMM whose columns do not interact; `tests/precision.rs`); it only
    /// sets the order of the ensemble reduction, so it depends on the parameters alone.
    pub fn max_batch(&self) -> usize {
        let by_size = if self.ns() * self.simulated_modes() >= WIDE_BATCH_COUPLINGS {
            MAX_BATCH
        } else {
            64
        };
        let by_ensemble = self.n_trajectories().div_ceil(MIN_BATCHES);
        let by_memory = (WIDE_BATCH_BYTES / self.batch_bytes_per_trajectory().max(1)) as usize;
        by_size.min(by_ensemble).min(by_memory).max(MIN_WIDE_BATCH)
    }

    /// Bytes of a batch's state and buffers per trajectory (see [`Params::memory_estimate`]).
    /// With collective modes, the initial sample of all Nb physical modes is held while it is
    /// projected.
    fn batch_bytes_per_trajectory(&self) -> u64 {
        let (ns, nb) = (self.ns() as u64, self.simulated_modes() as u64);
        let single = match self.precision {
            Precision::F64 => 0,
            Precision::Mixed => 4 * 2 * (ns + nb),
        };
        let sample = if self.collective() {
            16 * self.nb() as u64
        } else {
            0
        };
        8 * (6 * ns + 5 * nb) + sample + single + 512
    }

    /// Trajectories per batch: at most [`Params::max_batch`], batches of a realization equal in
    /// size.
    pub fn batch_layout(&self) -> (usize, usize) {
        let per_real = self.trajectories_per_realization.max(1);
        let batches = per_real.div_ceil(self.max_batch());
        (batches, per_real.div_ceil(batches))
    }

    /// Bytes of one realization's couplings: `g` twice, plus the adiabatic interaction `J`
    /// (Ns x Ns) when the adiabatic model evaluates its field with it, plus the single-precision
    /// copies the products use with [`Precision::Mixed`].
    ///
    /// With collective modes they are the couplings `R^T` twice (Ns x Ns) and the basis `Q`
    /// (Nb x Ns); building them holds more for a moment ([`Params::couplings_build_bytes`]).
    pub fn couplings_bytes(&self) -> u64 {
        let (ns, nb) = (self.ns() as u64, self.simulated_modes() as u64);
        let interaction = self.model == Model::Adiabatic
            && AdiabaticForm::cheaper(self.ns(), self.nb()) == AdiabaticForm::Interaction;
        let single = match (self.precision, self.model, interaction) {
            (Precision::F64, _, _) => 0,
            (Precision::Mixed, Model::Adiabatic, true) => ns * ns,
            (Precision::Mixed, _, _) => 2 * ns * nb,
        };
        let basis = if self.collective() {
            ns * self.nb() as u64
        } else {
            0
        };
        8 * (2 * ns * nb + ns + basis + if interaction { ns * ns } else { 0 }) + 4 * single
    }

    /// Peak bytes while one realization's couplings are built: with collective modes one
    /// Ns x Nb matrix (the QR factors, then the basis `Q` before it is transposed) besides the
    /// result ([`Couplings::sample_collective`](super::Couplings::sample_collective)); else the
    /// normals drawn before they are stored twice, one more Ns x Nb.
    pub fn couplings_build_bytes(&self) -> u64 {
        self.couplings_bytes() + 8 * (self.ns() * self.nb()) as u64
    }

    /// Estimated peak memory in bytes: per worker thread one batch (its couplings, state and
    /// buffers, RNGs), the couplings kept for realizations with batches still to run (at most
    /// [`SHARED_COUPLINGS_BYTES`]), plus the per-batch moments kept for the deterministic reduction.
    pub fn memory_estimate(&self, threads: usize) -> u64 {
        let nb = self.simulated_modes() as u64;
        let batch = self.batch_layout().1 as u64;
        let couplings = self.couplings_bytes();
        // The loss noise buffer: 8 trajectories of 4 + 2 bytes of words and 2 x 4 of normals
        // per mode.
        let per_worker =
            self.couplings_build_bytes() + batch * self.batch_bytes_per_trajectory() + 112 * nb;
        // Realizations waiting for a later batch: all of them between the passes over the chunks,
        // else at most the two whose quick batch ran ahead of the rest.
        let (chunks, _) = self.batch_layout();
        let waiting = if chunks > 1 {
            self.realizations
        } else {
            self.realizations.min(2)
        };
        let kept = (waiting as u64 * couplings).min(SHARED_COUPLINGS_BYTES);
        let batches = (self.realizations * self.batch_layout().0) as u64;
        let moments = batches * self.points as u64 * 5 * 24;
        per_worker * threads.max(1) as u64 + kept + moments + self.points as u64 * 8 * 16
    }

    /// Check every field for a run on the current rayon pool (its thread count sets the memory
    /// estimate): [`Params::validate_for`] with `rayon::current_num_threads()`. Inside
    /// `pool.install` that is the pool's size, elsewhere the global pool's (`RAYON_NUM_THREADS`,
    /// else one per core).
    pub fn validate(&self) -> Result<(), ParamError> {
        self.validate_for(rayon::current_num_threads())
    }

    /// Check every field for a run on `threads` threads; returns the first problem found.
    pub fn validate_for(&self, threads: usize) -> Result<(), ParamError> {
        if !(2..=1_000_000).contains(&self.nt) {
            return Err(ParamError::Nt { nt: self.nt });
        }
        at_least("alpha", self.alpha, 0.0, true, "alpha > 0")?;
        if self.ns() < 1 {
            return Err(ParamError::NoSpins {
                alpha: self.alpha,
                nt: self.nt,
            });
        }
        if self.nb() < 1 {
            return Err(ParamError::NoModes {
                alpha: self.alpha,
                nt: self.nt,
            });
        }
        at_least("sigma", self.sigma, 0.0, false, "sigma >= 0")?;
        at_least("omega", self.omega, 0.0, true, "omega > 0")?;
        at_least("h", self.h, 0.0, false, "h >= 0")?;
        at_least("t_max", self.t_max, 0.0, true, "t_max > 0")?;
        at_least("kappa", self.kappa, 0.0, false, "kappa >= 0")?;
        if let Displacement::Value(v) = self.displacement {
            finite("displacement", v)?;
        }
        count(
            "points",
            self.points,
            2,
            MAX_POINTS,
            "2 <= points <= 1000000",
        )?;
        if self.grid == GridSpacing::Log {
            at_least("t_min", self.t_min, 0.0, true, "t_min > 0")?;
            if self.t_min >= self.t_max {
                return Err(ParamError::TMin {
                    t_min: self.t_min,
                    t_max: self.t_max,
                });
            }
        }
        count(
            "realizations",
            self.realizations,
            1,
            1_000_000,
            "1 <= realizations <= 1000000",
        )?;
        count(
            "trajectories_per_realization",
            self.trajectories_per_realization,
            1,
            1_000_000,
            "1 <= trajectories_per_realization <= 1000000",
        )?;
        if self.realizations * self.trajectories_per_realization < 2 {
            return Err(ParamError::Count {
                field: "trajectories_per_realization",
                value: self.trajectories_per_realization,
                range: ">= 2 when realizations = 1 (an error bar needs two samples)",
            });
        }
        if self.integrator == Integrator::Yoshida4 && self.kappa > 0.0 {
            return Err(ParamError::LossNeedsStrang { kappa: self.kappa });
        }
        if let Some(dt) = self.dt {
            at_least("dt", dt, 0.0, true, "dt > 0")?;
            let dt_max = self.dt_max();
            if dt > dt_max {
                return Err(ParamError::DtTooLarge {
                    dt,
                    dt_max,
                    w_max: self.w_max(),
                    integrator: self.integrator,
                });
            }
        }
        let needed = self.memory_estimate(threads);
        if needed > MEMORY_LIMIT_BYTES {
            return Err(ParamError::Memory {
                needed_mib: needed >> 20,
                limit_mib: MEMORY_LIMIT_BYTES >> 20,
            });
        }
        Ok(())
    }

    /// The output times: `t = 0` first, then a log or linear grid up to `t_max`.
    pub fn output_times(&self) -> Vec<f64> {
        let n = self.points.max(2);
        match self.grid {
            GridSpacing::Linear => (0..n)
                .map(|i| self.t_max * i as f64 / (n - 1) as f64)
                .collect(),
            GridSpacing::Log => {
                let (lo, hi) = (self.t_min.ln(), self.t_max.ln());
                let m = n - 1;
                let mut t = Vec::with_capacity(n);
                t.push(0.0);
                if m == 1 {
                    t.push(self.t_max);
                } else {
                    t.extend((0..m).map(|i| (lo + (hi - lo) * i as f64 / (m - 1) as f64).exp()));
                    // exp(ln(t_max)) may round away from t_max; the grid ends exactly there.
                    if let Some(last) = t.last_mut() {
                        *last = self.t_max;
                    }
                }
                t
            }
        }
    }

    /// Number of integration steps of one trajectory on the output grid: each interval between
    /// output times is cut into `ceil(interval / dt)` equal steps.
    pub fn steps_per_trajectory(&self) -> u64 {
        let dt = self.effective_dt();
        self.output_times()
            .windows(2)
            .map(|w| steps_in(w[1] - w[0], dt) as u64)
            .sum()
    }
}

/// Number of equal steps of size `<= dt` that cover `interval`.
pub fn steps_in(interval: f64, dt: f64) -> usize {
    // The small slack keeps an interval that is an exact multiple of dt from gaining a step
    // through rounding.
    ((interval / dt) * (1.0 - 1e-12)).ceil().max(1.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_sizes_follow_alpha() {
        let p = Params::default();
        p.validate().expect("defaults validate");
        assert_eq!(p.ns(), 36);
        assert_eq!(p.nb(), 364);
        let q = Params { nt: 1000, ..p };
        assert_eq!((q.ns(), q.nb()), (91, 909));
    }

    #[test]
    fn errors_name_the_field() {
        let p = Params {
            sigma: f64::NAN,
            ..Params::default()
        };
        assert!(p.validate().unwrap_err().to_string().contains("sigma"));
        let p = Params {
            alpha: 1e6,
            nt: 40,
            ..Params::default()
        };
        assert_eq!(
            p.validate(),
            Err(ParamError::NoSpins { alpha: 1e6, nt: 40 })
        );
        let p = Params {
            dt: Some(1.0),
            ..Params::default()
        };
        assert!(matches!(p.validate(), Err(ParamError::DtTooLarge { .. })));
        let p = Params {
            kappa: -1.0,
            ..Params::default()
        };
        assert!(p.validate().unwrap_err().to_string().contains("kappa"));
        let p = Params {
            realizations: 100_000,
            points: 10_000,
            ..Params::default()
        };
        assert!(matches!(p.validate(), Err(ParamError::Memory { .. })));
    }

    #[test]
    fn the_memory_limit_follows_the_thread_count_passed_in() {
        // Per worker ~ 8 * 2 Ns Nb = 1.2 GiB of couplings at Nt = 20000, alpha = 1.
        let p = Params {
            nt: 20_000,
            alpha: 1.0,
            realizations: 1,
            trajectories_per_realization: 2,
            ..Params::default()
        };
        assert_eq!(p.validate_for(1), Ok(()));
        assert!(matches!(p.validate_for(4), Err(ParamError::Memory { .. })));
        // The adiabatic model keeps J (Ns x Ns) besides g.
        let a = Params {
            model: Model::Adiabatic,
            ..Params::default()
        };
        let (ns, nb) = (a.ns() as u64, a.nb() as u64);
        assert_eq!(a.couplings_bytes(), 8 * (2 * ns * nb + ns + ns * ns));
        // The spin-boson model keeps its collective couplings (Ns x Ns, twice) and the basis.
        assert_eq!(
            Params::default().couplings_bytes(),
            8 * (2 * ns * ns + ns + ns * nb)
        );
        // With fewer modes than spins it keeps g twice.
        let few = Params {
            alpha: 0.5,
            ..Params::default()
        };
        let (ns, nb) = (few.ns() as u64, few.nb() as u64);
        assert_eq!(few.couplings_bytes(), 8 * (2 * ns * nb + ns));
        assert_eq!(few.simulated_modes(), few.nb());
    }

    #[test]
    fn log_grid_starts_at_zero_and_ends_at_t_max() {
        let p = Params {
            points: 6,
            t_min: 0.1,
            t_max: 1000.0,
            ..Params::default()
        };
        let t = p.output_times();
        assert_eq!(t.len(), 6);
        assert_eq!(t[0], 0.0);
        assert!((t[1] - 0.1).abs() < 1e-15);
        assert!((t[3] - 10.0).abs() < 1e-12);
        assert_eq!(t[5], 1000.0);
    }

    #[test]
    fn steps_cover_exact_multiples_without_an_extra_step() {
        assert_eq!(steps_in(1.0, 0.1), 10);
        assert_eq!(steps_in(1.0, 0.3), 4);
        assert_eq!(steps_in(1e-3, 0.1), 1);
    }

    /// Batches widen with the system size only where the run keeps 16 batches and a batch stays
    /// within 64 MiB; never below the old 32.
    #[test]
    fn batch_width_follows_the_system_the_ensemble_and_memory() {
        let at = |nt: usize, realizations: usize, per_real: usize| Params {
            nt,
            realizations,
            trajectories_per_realization: per_real,
            ..Params::default()
        };
        assert_eq!(at(400, 8, 32).max_batch(), 32, "the default preset");
        assert_eq!(
            at(1000, 2, 64).max_batch(),
            32,
            "128 trajectories: 16 batches of 8 at most"
        );
        assert_eq!(at(1000, 8, 256).max_batch(), 64);
        // The spin-boson model's products are Ns x Ns (its collective modes): wide from Ns = 500.
        assert_eq!(at(6000, 16, 256).max_batch(), 256, "Ns^2 = 297,025");
        assert_eq!(at(3000, 16, 256).max_batch(), 64, "Ns^2 = 74,529");
        assert_eq!(
            at(6000, 1, 768).max_batch(),
            48,
            "one realization: 16 batches of 48"
        );
        assert_eq!(
            at(5000, 16, 256).max_batch(),
            64,
            "Ns^2 = 207,025 < 250,000"
        );
        // The adiabatic model keeps the Ns x Nb couplings.
        let adiabatic = Params {
            model: Model::Adiabatic,
            ..at(3000, 16, 256)
        };
        assert_eq!(adiabatic.max_batch(), 256, "Ns Nb = 744,471");
        // A one-realization run of 128 keeps 4 batches (plus the quick one): a fit's jackknife
        // needs 4 units.
        assert_eq!(at(6000, 1, 128).batch_layout(), (4, 32));
        // Huge Nb: the initial sample of 2 Nb modes per trajectory allows fewer than 32 in 64 MiB,
        // so the width stays at 32, as before widths depended on the system.
        let huge = Params {
            alpha: 1000.0,
            ..at(200_000, 1, 256)
        };
        assert_eq!(huge.max_batch(), 32);
        let mixed = Params {
            precision: Precision::Mixed,
            ..at(6000, 16, 256)
        };
        assert_eq!(mixed.max_batch(), 256);
    }
}
