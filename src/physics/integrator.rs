//! The exact splitting integrator of PHYSICS.md for a batch of trajectories sharing one
//! realization.
//!
//! `H = H0 + Hc` with `H0 = h sum sz + omega sum a^dag a` and `Hc` the coupling. Both flows are
//! exact:
//! - `H0(tau)`: spins rotate about z by `2 h tau`, modes by `a -> a exp(-(i omega + kappa/2) tau)`
//!   plus, with loss, the exact Ornstein-Uhlenbeck noise `sqrt((1 - exp(-kappa tau)) / 4) (xi1 + i xi2)`
//!   (normals drawn a step at a time per trajectory, [`NoiseBuffer`]);
//! - `Hc(tau)`: `sx` and `Re a` are constant, `Im a -= tau g^T sx`, and `(sy, sz)` rotate about x by
//!   `2 X tau` with `X = 2 g Re a` (spin-boson) or `X = -2 J' sx` (adiabatic; `J'` is `J` with its
//!   diagonal kept or zeroed by the self-interaction switch, precomputed once per realization, see
//!   [`AdiabaticForm`]).
//!
//! A step is `H0(a_0 dt) Hc(b_0 dt) ... Hc(b_{m-1} dt) H0(a_m dt)` (see
//! [`Integrator::coefficients`](super::params::Integrator::coefficients)); the last `H0` of a step
//! is merged with the first of the next. Every spin length is kept exactly, and each coupling stage
//! costs two GEMMs (spin-boson) or one Ns x Ns GEMM (adiabatic) on preallocated buffers.
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

use super::couplings::{AdiabaticForm, Couplings};
use super::kernels::{
    kick_and_rotate, kick_rotate_and_add_noise, rotate_by_field, rotate_fixed, sin_cosm1_libm,
    sub_scaled,
};
use super::noise::NoiseBuffer;
use super::params::{Integrator, Model, Params};
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use rand::Rng;

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
    /// One trajectory's loss noise at a time (empty without loss).
    noise: NoiseBuffer,
    /// How the adiabatic field is evaluated (unused by the spin-boson model).
    adiabatic_form: AdiabaticForm,
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
            noise: if dynamics.has_modes() && dynamics.kappa > 0.0 {
                NoiseBuffer::new(couplings.nb())
            } else {
                NoiseBuffer::default()
            },
            adiabatic_form: AdiabaticForm::cheaper(couplings.ns(), couplings.nb()),
            width,
        }
    }

    /// Evaluate the adiabatic field in the given form instead of the cheaper one (to compare the
    /// two forms; both give the same field to round-off).
    pub fn with_adiabatic_form(mut self, form: AdiabaticForm) -> Self {
        self.adiabatic_form = form;
        self
    }

    pub fn adiabatic_form(&self) -> AdiabaticForm {
        self.adiabatic_form
    }

    pub fn couplings(&self) -> &'c Couplings {
        self.couplings
    }

    pub fn dynamics(&self) -> &Dynamics {
        &self.dynamics
    }

    /// Advance by `n_steps` steps of size `tau`. `noise` holds one RNG per trajectory (used only
    /// with loss: each free flow draws `words_per_draw(Nb)` 32-bit words from trajectory `b`'s
    /// RNG, see [`NoiseBuffer`]). `poll(steps_done)` is called before every step; returning true
    /// stops early. Returns the number of steps done.
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
        let (cm1, sin) = (decay * cm1_w + decay_m1, decay * sin_w);
        if kappa > 0.0 {
            // Trajectory by trajectory: its normals (a whole step's worth from its own stream, so
            // they do not depend on the batch), then the kick, rotation, decay and noise in one pass.
            let amp = (-(-kappa * tau).exp_m1() / 4.0).sqrt();
            let nb = state.nb;
            let columns = state
                .re_a
                .chunks_exact_mut(nb)
                .zip(state.im_a.chunks_exact_mut(nb))
                .zip(self.drive.chunks_exact(nb));
            for (b, ((re, im), drive)) in columns.enumerate() {
                match noise.get_mut(b) {
                    Some(rng) => {
                        self.noise.draw(rng);
                        kick_rotate_and_add_noise(
                            re,
                            im,
                            drive,
                            kick,
                            cm1,
                            sin,
                            amp,
                            &self.noise.xi_re,
                            &self.noise.xi_im,
                        );
                    }
                    // No stream for this trajectory: the mean (noiseless) decay.
                    None => kick_and_rotate(re, im, drive, kick, cm1, sin),
                }
            }
        } else {
            kick_and_rotate(
                &mut state.re_a,
                &mut state.im_a,
                &self.drive,
                kick,
                cm1,
                sin,
            );
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
        match (self.dynamics.model, self.adiabatic_form) {
            (Model::SpinBoson, _) => {
                self.compute_drive(state);
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
            (Model::Adiabatic, AdiabaticForm::Interaction) => {
                // B = -2 J' sx, J' precomputed once per realization (with or without J_jj).
                matmul(
                    MatMut::from_column_major_slice_mut(&mut self.field, ns, width),
                    Accum::Replace,
                    c.interaction(self.dynamics.self_interaction),
                    state.sx_mat(),
                    -2.0,
                    Par::Seq,
                );
            }
            (Model::Adiabatic, AdiabaticForm::TwoProducts) => {
                // B = -2 J sx = -(2 / omega) g (g^T sx), minus the self-term unless kept.
                self.compute_drive(state);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::{sample_photons, sample_spins};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// The adiabatic field from the precomputed `J'` (one Ns x Ns GEMM) against the two-product
    /// form `g (g^T sx) / omega - J_jj sx` it replaced, with and without the self-term, on a small
    /// system: the same spins to round-off after 20 steps (each field is a sum of Ns Nb products of
    /// size ~ sigma^2 / Nt; the two forms round differently, ~1e-16 relative per step, and 20 steps
    /// of a chaotic map amplify that by far less than 1e3).
    #[test]
    fn interaction_form_matches_the_two_product_form() {
        let (ns, nb, width) = (6, 23, 5);
        let omega = 3.0;
        let couplings = Couplings::sample(
            ns,
            nb,
            2.0 * omega / 58.0,
            omega,
            &mut ChaCha8Rng::seed_from_u64(8),
        );
        for self_interaction in [false, true] {
            let dynamics = Dynamics {
                model: Model::Adiabatic,
                h: 1.0,
                omega,
                kappa: 0.0,
                self_interaction,
            };
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let mut start = BatchState::new(ns, nb, width);
            for b in 0..width {
                let [sx, sy, sz, _, _] = start.trajectory_mut(b);
                sample_spins(sx, sy, sz, &mut rng);
            }
            let run = |form| {
                let mut state = start.clone();
                let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, width)
                    .with_adiabatic_form(form);
                stepper.advance(
                    &mut state,
                    0.05,
                    20,
                    &mut [] as &mut [ChaCha8Rng],
                    &mut |_| false,
                );
                state
            };
            let (a, b) = (
                run(AdiabaticForm::Interaction),
                run(AdiabaticForm::TwoProducts),
            );
            let worst = [(&a.sx, &b.sx), (&a.sy, &b.sy), (&a.sz, &b.sz)]
                .iter()
                .flat_map(|(x, y)| x.iter().zip(y.iter()).map(|(p, q)| (p - q).abs()))
                .fold(0.0_f64, f64::max);
            assert!(
                worst < 1e-13,
                "self_interaction {self_interaction}: {worst:e}"
            );
            // The dynamics did something: the spins moved by O(1).
            let moved =
                a.sy.iter()
                    .zip(&start.sy)
                    .map(|(p, q)| (p - q).abs())
                    .fold(0.0, f64::max);
            assert!(moved > 0.1, "{moved}");
        }
        assert_eq!(AdiabaticForm::cheaper(ns, nb), AdiabaticForm::Interaction);
        assert_eq!(AdiabaticForm::cheaper(21, 10), AdiabaticForm::TwoProducts);
    }

    /// Trajectory `b`'s loss noise comes from its own stream only: integrating trajectories in
    /// batches of 1, 3 or 7 gives the same bits as all 7 together.
    #[test]
    fn loss_results_do_not_depend_on_the_batch_width() {
        let (ns, nb, total) = (5, 17, 7);
        let couplings = Couplings::sample(ns, nb, 0.05, 1.3, &mut ChaCha8Rng::seed_from_u64(1));
        let dynamics = Dynamics {
            model: Model::SpinBoson,
            h: 1.0,
            omega: 1.3,
            kappa: 0.4,
            self_interaction: false,
        };
        let run = |first: usize, width: usize| {
            let mut state = BatchState::new(ns, nb, width);
            let mut rngs: Vec<ChaCha8Rng> = (first..first + width)
                .map(|k| ChaCha8Rng::seed_from_u64(100 + k as u64))
                .collect();
            for (b, rng) in rngs.iter_mut().enumerate() {
                let [sx, sy, sz, re, im] = state.trajectory_mut(b);
                sample_spins(sx, sy, sz, rng);
                sample_photons(re, im, 0.3, rng);
            }
            let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, width);
            stepper.advance(&mut state, 0.03, 50, &mut rngs, &mut |_| false);
            (0..width)
                .map(|b| {
                    state
                        .trajectory(b)
                        .map(|v| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
                })
                .collect::<Vec<_>>()
        };
        let whole = run(0, total);
        for width in [1, 3] {
            let mut pieces = Vec::new();
            let mut first = 0;
            while first < total {
                let w = width.min(total - first);
                pieces.extend(run(first, w));
                first += w;
            }
            assert_eq!(pieces, whole, "batches of {width}");
        }
    }
}
