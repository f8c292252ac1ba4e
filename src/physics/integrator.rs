//! The exact splitting integrator of PHYSICS.md for a batch of trajectories sharing one
//! realization.
//!
//! `H = H0 + Hc` with `H0 = h sum sz + omega sum a^dag a` and `Hc` the coupling. Both flows are
//! exact:
//! - `H0(tau)`: spins rotate about z by `2 h tau`, modes by `a -> a exp(-(i omega + kappa/2) tau)`
//!   plus, with loss, the exact Ornstein-Uhlenbeck noise `sqrt((1 - exp(-kappa tau)) / 4) (xi1 + i xi2)`;
//! - `Hc(tau)`: `sx` and `Re a` are constant, `Im a -= tau g^T sx`, and `(sy, sz)` rotate about x by
//!   `2 X tau` with `X = 2 g Re a` (spin-boson) or `X = -2 J sx (+ self-term)` (adiabatic).
//!
//! A step is `H0(a_0 dt) Hc(b_0 dt) ... Hc(b_{m-1} dt) H0(a_m dt)` (see
//! [`Integrator::coefficients`](super::params::Integrator::coefficients)); the last `H0` of a step
//! is merged with the first of the next. Every spin length is kept exactly, and each coupling stage
//! costs two GEMMs on preallocated buffers.
//!
//! # Example
//! ```
//! use spinboson::physics::{BatchState, Couplings, Dynamics, Integrator, Model, Stepper};
//! // A single spin, no modes coupled (g = 0): sx(t) = cos(2 h t) for sy(0) = 0.
//! let couplings = Couplings::from_fn(1, 1, 1.0, |_, _| 0.0);
//! let dynamics = Dynamics { model: Model::SpinBoson, h: 1.0, omega: 1.0, kappa: 0.0, self_interaction: false };
//! let mut state = BatchState::new(1, 1, 1);
//! state.sx[0] = 1.0;
//! let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, 1);
//! stepper.advance(&mut state, 0.01, 100, &mut [] as &mut [rand_chacha::ChaCha8Rng], &mut |_| false);
//! assert!((state.sx[0] - 2.0_f64.cos()).abs() < 1e-12);
//! ```

use super::couplings::Couplings;
use super::kernels::{kick_and_rotate, rotate_by_field, rotate_fixed, sin_cosm1_libm, sub_scaled};
use super::params::{Integrator, Model, Params};
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// The parameters of the equations of motion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dynamics {
    pub model: Model,
    pub h: f64,
    pub omega: f64,
    pub kappa: f64,
    pub self_interaction: bool,
}

impl Dynamics {
    pub fn from_params(p: &Params) -> Self {
        Self {
            model: p.model,
            h: p.h,
            omega: p.omega,
            kappa: p.kappa,
            self_interaction: p.self_interaction,
        }
    }

    /// Whether photon modes are integrated (the adiabatic model has none).
    pub fn has_modes(&self) -> bool {
        self.model == Model::SpinBoson
    }
}

/// The phase-space state of `width` trajectories, column-major: column `b` is trajectory `b`.
#[derive(Clone, Debug)]
pub struct BatchState {
    pub ns: usize,
    pub nb: usize,
    pub width: usize,
    pub sx: Vec<f64>,
    pub sy: Vec<f64>,
    pub sz: Vec<f64>,
    pub re_a: Vec<f64>,
    pub im_a: Vec<f64>,
}

impl BatchState {
    /// All zeros; fill it with [`sample_spins`](super::sample_spins) and
    /// [`sample_photons`](super::sample_photons) or by hand.
    pub fn new(ns: usize, nb: usize, width: usize) -> Self {
        Self {
            ns,
            nb,
            width,
            sx: vec![0.0; ns * width],
            sy: vec![0.0; ns * width],
            sz: vec![0.0; ns * width],
            re_a: vec![0.0; nb * width],
            im_a: vec![0.0; nb * width],
        }
    }

    pub fn sx_mat(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.sx, self.ns, self.width)
    }

    pub fn re_a_mat(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.re_a, self.nb, self.width)
    }

    /// The columns of trajectory `b`: `(sx, sy, sz, re_a, im_a)`.
    pub fn trajectory(&self, b: usize) -> [&[f64]; 5] {
        let (s, m) = (
            b * self.ns..(b + 1) * self.ns,
            b * self.nb..(b + 1) * self.nb,
        );
        [
            &self.sx[s.clone()],
            &self.sy[s.clone()],
            &self.sz[s],
            &self.re_a[m.clone()],
            &self.im_a[m],
        ]
    }

    /// Mutable columns of trajectory `b`.
    pub fn trajectory_mut(&mut self, b: usize) -> [&mut [f64]; 5] {
        let (s, m) = (
            b * self.ns..(b + 1) * self.ns,
            b * self.nb..(b + 1) * self.nb,
        );
        [
            &mut self.sx[s.clone()],
            &mut self.sy[s.clone()],
            &mut self.sz[s],
            &mut self.re_a[m.clone()],
            &mut self.im_a[m],
        ]
    }
}

/// Integrates a [`BatchState`] with a fixed realization; owns the GEMM outputs.
pub struct Stepper<'c> {
    dynamics: Dynamics,
    couplings: &'c Couplings,
    a_coef: &'static [f64],
    b_coef: &'static [f64],
    /// `X` (spin-boson) or the adiabatic field, Ns x width.
    field: Vec<f64>,
    /// `g^T sx`, Nb x width.
    drive: Vec<f64>,
    /// A photon kick `Im a -= pending_kick * drive` not yet applied (0 = none).
    pending_kick: f64,
    width: usize,
}

impl<'c> Stepper<'c> {
    pub fn new(
        dynamics: Dynamics,
        integrator: Integrator,
        couplings: &'c Couplings,
        width: usize,
    ) -> Self {
        let (a_coef, b_coef) = integrator.coefficients();
        Self {
            dynamics,
            couplings,
            a_coef,
            b_coef,
            field: vec![0.0; couplings.ns() * width],
            drive: vec![0.0; couplings.nb() * width],
            pending_kick: 0.0,
            width,
        }
    }

    pub fn couplings(&self) -> &'c Couplings {
        self.couplings
    }

    pub fn dynamics(&self) -> &Dynamics {
        &self.dynamics
    }

    /// Advance by `n_steps` steps of size `tau`. `noise` holds one RNG per trajectory (used only
    /// with loss). `poll(steps_done)` is called before every step; returning true stops early.
    /// Returns the number of steps done.
    pub fn advance<R: Rng>(
        &mut self,
        state: &mut BatchState,
        tau: f64,
        n_steps: usize,
        noise: &mut [R],
        poll: &mut dyn FnMut(usize) -> bool,
    ) -> usize {
        let last = self.a_coef.len() - 1;
        let mut carry = 0.0;
        for step in 0..n_steps {
            if poll(step) {
                self.free_flow(state, carry * tau, noise);
                return step;
            }
            for (i, &b) in self.b_coef.iter().enumerate() {
                let a = self.a_coef[i] + if i == 0 { carry } else { 0.0 };
                self.free_flow(state, a * tau, noise);
                // The photon kick of this stage is applied by the next free flow, in one pass.
                self.coupling_stage(state, b * tau);
            }
            carry = self.a_coef[last];
        }
        self.free_flow(state, carry * tau, noise);
        n_steps
    }

    /// The exact flow of `H0` (with loss: the exact Ornstein-Uhlenbeck update) for time `tau`,
    /// preceded by the photon kick `Im a -= tau_c g^T sx` a coupling stage left pending.
    pub fn free_flow<R: Rng>(&mut self, state: &mut BatchState, tau: f64, noise: &mut [R]) {
        let kick = std::mem::take(&mut self.pending_kick);
        if tau == 0.0 {
            if kick != 0.0 {
                sub_scaled(&mut state.im_a, &self.drive, kick);
            }
            return;
        }
        let (sin_h, cm1_h) = sin_cosm1_libm(2.0 * self.dynamics.h * tau);
        rotate_fixed(&mut state.sx, &mut state.sy, cm1_h, sin_h);
        if !self.dynamics.has_modes() {
            return;
        }
        // a -> a exp(-i omega tau) exp(-kappa tau / 2): (re, im) rotate by -omega tau and shrink.
        let (sin_w, cm1_w) = sin_cosm1_libm(-self.dynamics.omega * tau);
        let kappa = self.dynamics.kappa;
        let decay_m1 = (-0.5 * kappa * tau).exp_m1();
        let decay = 1.0 + decay_m1;
        kick_and_rotate(
            &mut state.re_a,
            &mut state.im_a,
            &self.drive,
            kick,
            decay * cm1_w + decay_m1,
            decay * sin_w,
        );
        if kappa > 0.0 {
            let amp = (-(-kappa * tau).exp_m1() / 4.0).sqrt();
            let nb = state.nb;
            for (b, rng) in noise.iter_mut().enumerate().take(state.width) {
                let cols = b * nb..(b + 1) * nb;
                for (re, im) in state.re_a[cols.clone()]
                    .iter_mut()
                    .zip(state.im_a[cols].iter_mut())
                {
                    let xi1: f64 = rng.sample(StandardNormal);
                    let xi2: f64 = rng.sample(StandardNormal);
                    *re += amp * xi1;
                    *im += amp * xi2;
                }
            }
        }
    }

    /// Compute `drive = g^T sx` (Nb x width) into the stepper's buffer and return it.
    pub fn compute_drive(&mut self, state: &BatchState) -> &[f64] {
        let c = self.couplings;
        matmul(
            MatMut::from_column_major_slice_mut(&mut self.drive, c.nb(), self.width),
            Accum::Replace,
            c.gt(),
            state.sx_mat(),
            1.0,
            Par::Seq,
        );
        &self.drive
    }

    /// The exact flow of the coupling for time `tau`.
    pub fn coupling_flow(&mut self, state: &mut BatchState, tau: f64) {
        self.coupling_stage(state, tau);
        let kick = std::mem::take(&mut self.pending_kick);
        if kick != 0.0 {
            sub_scaled(&mut state.im_a, &self.drive, kick);
        }
    }

    /// The coupling flow with its photon kick left pending in `self.pending_kick` (and the
    /// drive `g^T sx` kept in `self.drive`) for the next free flow to apply.
    fn coupling_stage(&mut self, state: &mut BatchState, tau: f64) {
        let c = self.couplings;
        let (ns, nb, width) = (c.ns(), c.nb(), self.width);
        self.compute_drive(state);
        match self.dynamics.model {
            Model::SpinBoson => {
                // X = 2 g Re a.
                matmul(
                    MatMut::from_column_major_slice_mut(&mut self.field, ns, width),
                    Accum::Replace,
                    c.g(),
                    state.re_a_mat(),
                    2.0,
                    Par::Seq,
                );
                self.pending_kick = tau;
            }
            Model::Adiabatic => {
                // B = -2 J sx = -(2 / omega) g (g^T sx), minus the self-term unless kept.
                matmul(
                    MatMut::from_column_major_slice_mut(&mut self.field, ns, width),
                    Accum::Replace,
                    c.g(),
                    MatRef::from_column_major_slice(&self.drive, nb, width),
                    -2.0 / c.omega(),
                    Par::Seq,
                );
                if !self.dynamics.self_interaction {
                    for (field, sx) in self
                        .field
                        .chunks_exact_mut(ns)
                        .zip(state.sx.chunks_exact(ns))
                    {
                        for ((f, s), jd) in field.iter_mut().zip(sx).zip(c.j_diag()) {
                            *f += 2.0 * jd * s;
                        }
                    }
                }
            }
        }
        rotate_by_field(&mut state.sy, &mut state.sz, &self.field, 2.0 * tau);
    }
}
