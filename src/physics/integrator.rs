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
//! costs two GEMMs (spin-boson) or one Ns x Ns GEMM (adiabatic) on preallocated buffers, in f64 or,
//! with [`Precision::Mixed`] ([`Stepper::with_precision`]), in f32 with everything else in f64.
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
    kick_and_rotate, kick_rotate_and_add_noise, narrow, rotate_by_field, rotate_fixed,
    sin_cosm1_libm, sub_scaled, widen_scaled,
};
use super::noise::NoiseBuffer;
use super::params::{Integrator, Model, Params, Precision};
use faer::linalg::matmul::matmul;
use faer::traits::ComplexField;
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

/// Trajectories whose loss noise is drawn and applied together (one call of each kernel for
/// all of them: with collective modes a trajectory has only Ns modes, and per-trajectory calls
/// cost more than their work).
const NOISE_CHUNK: usize = 8;

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
    /// The loss noise of [`NOISE_CHUNK`] trajectories at a time (empty without loss).
    noise: NoiseBuffer,
    /// How the adiabatic field is evaluated (unused by the spin-boson model).
    adiabatic_form: AdiabaticForm,
    /// The single-precision GEMM operands and results ([`Precision::Mixed`] only).
    single: Option<SingleBuffers>,
    /// Scratch of [`product`] for one-trajectory batches.
    pad: Vec<f64>,
    width: usize,
}

/// [`Stepper::free_flow`], given the drive of the pending kick in f64 or f32 (its parts borrowed
/// separately).
#[allow(clippy::too_many_arguments)] // the stepper's parts, borrowed separately
fn free_flow_with<D: Copy + Into<f64>, R: Rng>(
    dynamics: &Dynamics,
    noise_buffer: &mut NoiseBuffer,
    state: &mut BatchState,
    tau: f64,
    kick: f64,
    drive: &[D],
    noise: &mut [R],
) {
    if tau == 0.0 {
        if kick != 0.0 {
            sub_scaled(&mut state.im_a, drive, kick);
        }
        return;
    }
    let (sin_h, cm1_h) = sin_cosm1_libm(2.0 * dynamics.h * tau);
    rotate_fixed(&mut state.sx, &mut state.sy, cm1_h, sin_h);
    if !dynamics.has_modes() {
        return;
    }
    // a -> a exp(-i omega tau) exp(-kappa tau / 2): (re, im) rotate by -omega tau and shrink.
    let (sin_w, cm1_w) = sin_cosm1_libm(-dynamics.omega * tau);
    let kappa = dynamics.kappa;
    let decay_m1 = (-0.5 * kappa * tau).exp_m1();
    let decay = 1.0 + decay_m1;
    let (cm1, sin) = (decay * cm1_w + decay_m1, decay * sin_w);
    if kappa > 0.0 {
        // A few trajectories at a time: their normals (each a whole step's worth from its own
        // stream, so they do not depend on the batch), then the kick, rotation, decay and noise
        // in one pass over their modes.
        let amp = (-(-kappa * tau).exp_m1() / 4.0).sqrt();
        let nb = state.nb;
        let streams = noise.len().min(state.width);
        let chunk = noise_buffer.trajectories().max(1);
        for first in (0..streams).step_by(chunk) {
            let last = (first + chunk).min(streams);
            noise_buffer.draw_columns(&mut noise[first..last]);
            let columns = first * nb..last * nb;
            let n = columns.len();
            kick_rotate_and_add_noise(
                &mut state.re_a[columns.clone()],
                &mut state.im_a[columns.clone()],
                &drive[columns],
                kick,
                cm1,
                sin,
                amp,
                &noise_buffer.xi_re[..n],
                &noise_buffer.xi_im[..n],
            );
        }
        // Trajectories without a stream: the mean (noiseless) decay.
        let rest = streams * nb..state.width * nb;
        if !rest.is_empty() {
            kick_and_rotate(
                &mut state.re_a[rest.clone()],
                &mut state.im_a[rest.clone()],
                &drive[rest],
                kick,
                cm1,
                sin,
            );
        }
    } else {
        kick_and_rotate(&mut state.re_a, &mut state.im_a, drive, kick, cm1, sin);
    }
}

/// `dst = alpha lhs rhs` for a column-major `rhs` (k x n) and `dst` (m x n), single-threaded.
///
/// faer evaluates a one-column product as a matrix-vector product, whose summation order is not
/// that of its GEMM, so a trajectory integrated alone would get other bits than in a batch. A
/// one-column `rhs` is therefore multiplied as two columns (the second zero) through `pad`: every
/// trajectory gets the same bits whatever the width of its batch (`tests/precision.rs`).
pub(crate) fn product<T: ComplexField + Copy + Default>(
    dst: &mut [T],
    lhs: MatRef<'_, T>,
    rhs: &[T],
    alpha: T,
    pad: &mut Vec<T>,
) {
    let (m, k) = (lhs.nrows(), lhs.ncols());
    let n = rhs.len() / k;
    if n == 1 {
        pad.clear();
        pad.extend_from_slice(rhs);
        pad.resize(2 * k + 2 * m, T::default());
        let (input, output) = pad.split_at_mut(2 * k);
        matmul(
            MatMut::from_column_major_slice_mut(output, m, 2),
            Accum::Replace,
            lhs,
            MatRef::from_column_major_slice(input, k, 2),
            alpha,
            Par::Seq,
        );
        dst.copy_from_slice(&output[..m]);
    } else {
        matmul(
            MatMut::from_column_major_slice_mut(dst, m, n),
            Accum::Replace,
            lhs,
            MatRef::from_column_major_slice(rhs, k, n),
            alpha,
            Par::Seq,
        );
    }
}

/// The f32 copies of the GEMM operands (`sx`, `Re a`) and results (field, drive) of
/// [`Precision::Mixed`].
struct SingleBuffers {
    sx: Vec<f32>,
    re_a: Vec<f32>,
    field: Vec<f32>,
    drive: Vec<f32>,
    /// Scratch of [`product`] for one-trajectory batches.
    pad: Vec<f32>,
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
                NoiseBuffer::with_trajectories(couplings.nb(), NOISE_CHUNK.min(width))
            } else {
                NoiseBuffer::default()
            },
            adiabatic_form: AdiabaticForm::cheaper(couplings.ns(), couplings.nb()),
            single: None,
            pad: Vec::new(),
            width,
        }
    }

    /// Evaluate the coupling products in the given precision (f64 by default).
    pub fn with_precision(mut self, precision: Precision) -> Self {
        let (ns, nb, width) = (self.couplings.ns(), self.couplings.nb(), self.width);
        self.single = match precision {
            Precision::F64 => None,
            Precision::Mixed => Some(SingleBuffers {
                sx: vec![0.0; ns * width],
                re_a: vec![0.0; nb * width],
                field: vec![0.0; ns * width],
                drive: vec![0.0; nb * width],
                pad: Vec::new(),
            }),
        };
        self
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
    /// with loss: each free flow draws Nb radius words and Nb angles from trajectory `b`'s
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
        // The drive of the pending kick: in mixed precision straight from the f32 GEMM.
        match &self.single {
            Some(single) => free_flow_with(
                &self.dynamics,
                &mut self.noise,
                state,
                tau,
                kick,
                &single.drive,
                noise,
            ),
            None => free_flow_with(
                &self.dynamics,
                &mut self.noise,
                state,
                tau,
                kick,
                &self.drive,
                noise,
            ),
        }
    }

    /// Compute `drive = g^T sx` (Nb x width) into the stepper's buffer and return it.
    pub fn compute_drive(&mut self, state: &BatchState) -> &[f64] {
        let c = self.couplings;
        product(&mut self.drive, c.gt(), &state.sx, 1.0, &mut self.pad);
        &self.drive
    }

    /// The exact flow of the coupling for time `tau`.
    pub fn coupling_flow(&mut self, state: &mut BatchState, tau: f64) {
        self.coupling_stage(state, tau);
        let kick = std::mem::take(&mut self.pending_kick);
        if kick != 0.0 {
            match &self.single {
                Some(single) => sub_scaled(&mut state.im_a, &single.drive, kick),
                None => sub_scaled(&mut state.im_a, &self.drive, kick),
            }
        }
    }

    /// The coupling flow with its photon kick left pending in `self.pending_kick` (and the
    /// drive `g^T sx` kept in `self.drive`, or in f32 in the mixed buffers) for the next free
    /// flow to apply.
    fn coupling_stage(&mut self, state: &mut BatchState, tau: f64) {
        if self.single.is_some() {
            self.coupling_products_f32(state);
        } else {
            self.coupling_products_f64(state);
        }
        if self.dynamics.model == Model::SpinBoson {
            self.pending_kick = tau;
        }
        match &self.single {
            Some(single) if self.field_in_single() => {
                rotate_by_field(&mut state.sy, &mut state.sz, &single.field, 2.0 * tau)
            }
            _ => rotate_by_field(&mut state.sy, &mut state.sz, &self.field, 2.0 * tau),
        }
    }

    /// The field (and, for the spin-boson model, the drive `g^T sx`) in double precision.
    fn coupling_products_f64(&mut self, state: &BatchState) {
        let c = self.couplings;
        match (self.dynamics.model, self.adiabatic_form) {
            (Model::SpinBoson, _) => {
                self.compute_drive(state);
                // X = 2 g Re a.
                product(&mut self.field, c.g(), &state.re_a, 2.0, &mut self.pad);
            }
            (Model::Adiabatic, AdiabaticForm::Interaction) => {
                // B = -2 J' sx, J' precomputed once per realization (with or without J_jj).
                product(
                    &mut self.field,
                    c.interaction(self.dynamics.self_interaction),
                    &state.sx,
                    -2.0,
                    &mut self.pad,
                );
            }
            (Model::Adiabatic, AdiabaticForm::TwoProducts) => {
                // B = -2 J sx = -(2 / omega) g (g^T sx), minus the self-term unless kept.
                self.compute_drive(state);
                product(
                    &mut self.field,
                    c.g(),
                    &self.drive,
                    -2.0 / c.omega(),
                    &mut self.pad,
                );
                self.remove_self_term(state);
            }
        }
    }

    /// The same products with f32 operands and results ([`Precision::Mixed`]): the state is
    /// rounded to f32 and multiplied by the f32 couplings. The results stay in f32: the kernels
    /// that use them widen each element as they read it (exact, so the same bits as widening
    /// the buffer first, one pass over memory fewer). Only the adiabatic two-product form
    /// widens its field into the f64 buffer, to take out the self-term in f64.
    fn coupling_products_f32(&mut self, state: &BatchState) {
        let c = self.couplings;
        let field_in_single = self.field_in_single();
        let Some(single) = self.single.as_mut() else {
            return;
        };
        narrow(&mut single.sx, &state.sx);
        let pad = &mut single.pad;
        // The drive g^T sx: the photon kick (spin-boson) or the first of the two products.
        if !matches!(
            (self.dynamics.model, self.adiabatic_form),
            (Model::Adiabatic, AdiabaticForm::Interaction)
        ) {
            product(&mut single.drive, c.gt_f32(), &single.sx, 1.0, pad);
        }
        match (self.dynamics.model, self.adiabatic_form) {
            (Model::SpinBoson, _) => {
                narrow(&mut single.re_a, &state.re_a);
                product(&mut single.field, c.g_f32(), &single.re_a, 2.0, pad);
            }
            (Model::Adiabatic, AdiabaticForm::Interaction) => {
                let j = c.interaction_f32(self.dynamics.self_interaction);
                product(&mut single.field, j, &single.sx, -2.0, pad);
            }
            (Model::Adiabatic, AdiabaticForm::TwoProducts) => {
                // g (g^T sx); the factor -2 / omega is applied in f64 when widening (below), so
                // it is not rounded to f32 (nor out of its range for tiny omega).
                product(&mut single.field, c.g_f32(), &single.drive, 1.0, pad);
            }
        }
        if !field_in_single {
            widen_scaled(&mut self.field, &single.field, -2.0 / c.omega());
            self.remove_self_term(state);
        }
    }

    /// Whether the field of a coupling stage is left in the f32 buffer (mixed precision, except
    /// the adiabatic two-product form, whose self-term correction is done in f64).
    fn field_in_single(&self) -> bool {
        self.single.is_some()
            && (self.dynamics.model, self.adiabatic_form)
                != (Model::Adiabatic, AdiabaticForm::TwoProducts)
    }

    /// Adiabatic field from the two products: take out the `j = k` term `-2 J_jj sx_j` unless
    /// the self-interaction is kept.
    fn remove_self_term(&mut self, state: &BatchState) {
        if self.dynamics.self_interaction {
            return;
        }
        let ns = self.couplings.ns();
        for (field, sx) in self
            .field
            .chunks_exact_mut(ns)
            .zip(state.sx.chunks_exact(ns))
        {
            for ((f, s), jd) in field.iter_mut().zip(sx).zip(self.couplings.j_diag()) {
                *f += 2.0 * jd * s;
            }
        }
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
