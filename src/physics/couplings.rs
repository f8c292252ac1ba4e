//! Disorder realizations: the coupling matrix `g` of Eq. (1), and the interaction `J` of the
//! adiabatic model, Eq. (3).

use super::integrator::product;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::householder::{
    apply_block_householder_sequence_on_the_left_in_place_scratch,
    apply_block_householder_sequence_on_the_left_in_place_with_conj,
};
use faer::linalg::matmul::matmul;
use faer::linalg::qr::no_pivoting::factor::{
    qr_in_place, qr_in_place_scratch, recommended_block_size,
};
use faer::{Accum, Conj, Mat, MatMut, MatRef, Par};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use std::sync::OnceLock;

/// One disorder realization: `g_jl` i.i.d. `N(0, coupling_var)`, stored column-major twice
/// (as `g`, Ns x Nb, and as `g^T`, Nb x Ns) so both GEMMs read contiguous memory.
///
/// The adiabatic interaction `J = g g^T / omega` (Ns x Ns) is computed on first use by
/// [`Couplings::interaction`] and kept, so every batch and thread that shares this realization
/// (the job runner hands them one `Arc<Couplings>`) uses the same `J`, computed once.
#[derive(Clone, Debug)]
pub struct Couplings {
    ns: usize,
    nb: usize,
    omega: f64,
    g: Vec<f64>,
    gt: Vec<f64>,
    j_diag: Vec<f64>,
    /// `J` with its diagonal zeroed (`[0]`) and kept (`[1]`), column-major, each made on first use.
    interaction: [OnceLock<Vec<f64>>; 2],
    /// Single-precision copies for [`Precision::Mixed`](super::Precision::Mixed), made on first use.
    single: SingleCopies,
    /// Set on the collective form of a realization ([`Couplings::collective`]): how its `nb`
    /// simulated modes sit among the physical ones.
    modes: Option<Box<ModeBasis>>,
}

/// The collective modes of a realization: an orthonormal basis `Q` (Nb x r, r = Ns < Nb) of the
/// mode combinations the spins couple to, the span of the rows of `g` (from the QR factorization
/// `g^T = Q R`).
///
/// All Nb modes share one frequency and one loss rate, so their free flow commutes with any
/// orthogonal change of mode basis; the spins drive `g^T sx = Q (R sx)`, inside that span, and
/// feel `g Re a = R^T (Q^T Re a)`, which ignores everything outside it. So the coordinates
/// `b = Q^T a` evolve exactly as `r` modes with couplings `R^T` (Ns x r), and the rest of `a`
/// rotates and decays freely, never touching the spins. The vacuum's isotropic Gaussian (and the
/// loss noise) projects onto i.i.d. normals in `b` and an independent remainder, so the reduced
/// model gives every trajectory the same spin dynamics as the full one (to round-off) at
/// `4 Ns^2` instead of `4 Ns Nb` flops per step: 10x fewer at alpha = 10.
#[derive(Clone, Debug)]
pub struct ModeBasis {
    /// Physical modes Nb.
    nb: usize,
    /// `Q^T`, r x Nb, column-major.
    qt: Vec<f64>,
}

impl ModeBasis {
    /// The number of physical modes, Nb.
    pub fn physical_modes(&self) -> usize {
        self.nb
    }

    /// The number of collective modes, r.
    pub fn collective_modes(&self) -> usize {
        self.qt.len() / self.nb
    }

    /// `Q^T` (r x Nb).
    pub fn qt(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.qt, self.collective_modes(), self.nb)
    }

    /// `dst = Q^T src` for a column-major `src` (Nb x w) and `dst` (r x w), each column with
    /// the same bits whatever `w` (through the integrator's GEMM wrapper; `pad` is its scratch).
    pub fn project(&self, dst: &mut [f64], src: &[f64], pad: &mut Vec<f64>) {
        product(dst, self.qt(), src, 1.0, pad);
    }
}

/// `g`, `g^T` and the two `J'` rounded to f32 (each made on first use).
#[derive(Clone, Debug, Default)]
struct SingleCopies {
    g: OnceLock<Vec<f32>>,
    gt: OnceLock<Vec<f32>>,
    interaction: [OnceLock<Vec<f32>>; 2],
}

fn rounded(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&x| x as f32).collect()
}

/// How a step evaluates the adiabatic field `B = -2 J' sx` (`J'`: `J` with or without its
/// diagonal, per the self-interaction switch) for a batch of `B` trajectories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdiabaticForm {
    /// One Ns x Ns GEMM with the precomputed `J'`: `2 Ns^2 B` flops.
    Interaction,
    /// `g (g^T sx) / omega`, two Ns x Nb GEMMs (`4 Ns Nb B` flops), then the diagonal term
    /// `J_jj sx_j` subtracted unless the self-interaction is kept. No `J` is stored.
    TwoProducts,
}

impl AdiabaticForm {
    /// The form with fewer flops: [`AdiabaticForm::Interaction`] unless `Ns > 2 Nb`
    /// (alpha < 1/2), where `J` would cost more than the two products.
    pub fn cheaper(ns: usize, nb: usize) -> Self {
        if ns <= 2 * nb {
            AdiabaticForm::Interaction
        } else {
            AdiabaticForm::TwoProducts
        }
    }
}

impl Couplings {
    /// Draw a realization: `g_jl = sqrt(coupling_var) z_jl`, with the standard normals `z` drawn
    /// spin by spin (`j` outer, `l` inner). Scaling one set of `z` keeps `J = g g^T / omega`
    /// independent of omega at fixed sigma, which the adiabatic-limit comparison relies on.
    pub fn sample<R: Rng + ?Sized>(
        ns: usize,
        nb: usize,
        coupling_var: f64,
        omega: f64,
        rng: &mut R,
    ) -> Self {
        let gt = Self::draw_transposed(ns, nb, coupling_var, rng);
        Self::from_fn(ns, nb, omega, |j, l| gt[(l, j)])
    }

    /// `g^T` (Nb x Ns) of [`Couplings::sample`]: `sqrt(coupling_var)` times standard normals
    /// drawn spin by spin (`j` outer, `l` inner).
    fn draw_transposed<R: Rng + ?Sized>(
        ns: usize,
        nb: usize,
        coupling_var: f64,
        rng: &mut R,
    ) -> Mat<f64> {
        let scale = coupling_var.sqrt();
        let mut gt = Mat::<f64>::zeros(nb, ns);
        for j in 0..ns {
            for l in 0..nb {
                let z: f64 = rng.sample(StandardNormal);
                gt[(l, j)] = scale * z;
            }
        }
        gt
    }

    /// A realization with given couplings `g(j, l)`.
    pub fn from_fn(ns: usize, nb: usize, omega: f64, g: impl Fn(usize, usize) -> f64) -> Self {
        let mut col_major = vec![0.0; ns * nb];
        let mut transposed = vec![0.0; ns * nb];
        for j in 0..ns {
            for l in 0..nb {
                let v = g(j, l);
                col_major[j + l * ns] = v;
                transposed[l + j * nb] = v;
            }
        }
        let j_diag = (0..ns)
            .map(|j| (0..nb).map(|l| transposed[l + j * nb].powi(2)).sum::<f64>() / omega)
            .collect();
        Self {
            ns,
            nb,
            omega,
            g: col_major,
            gt: transposed,
            j_diag,
            interaction: Default::default(),
            single: SingleCopies::default(),
            modes: None,
        }
    }

    /// The same realization on its collective modes (see [`ModeBasis`]): couplings `R^T` (Ns x
    /// Ns) from the Householder QR factorization `g^T = Q R` (faer, single-threaded, so the same
    /// bits on any machine state), with the basis `Q` attached. `None` unless Nb > Ns, where
    /// there is nothing to gain.
    ///
    /// `J = g g^T / omega = R^T R / omega` and its diagonal are unchanged (to round-off).
    ///
    /// ```
    /// use spinboson::physics::Couplings;
    /// use rand::SeedableRng;
    /// let g = Couplings::sample(3, 12, 0.1, 1.0, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
    /// let c = g.collective().expect("Nb > Ns");
    /// assert_eq!((c.ns(), c.nb(), c.physical_modes()), (3, 3, 12));
    /// assert!((c.j_diag()[1] - g.j_diag()[1]).abs() < 1e-15);
    /// ```
    pub fn collective(&self) -> Option<Couplings> {
        (self.nb > self.ns).then(|| Self::collective_from(self.gt().to_owned(), self.omega))
    }

    /// [`Couplings::sample`] followed by [`Couplings::collective`] (when Nb > Ns), with the same
    /// bits, holding at most two Ns x Nb matrices at a time instead of six: the normals go
    /// straight into `g^T`, which the QR then overwrites.
    pub fn sample_collective<R: Rng + ?Sized>(
        ns: usize,
        nb: usize,
        coupling_var: f64,
        omega: f64,
        rng: &mut R,
    ) -> Self {
        let gt = Self::draw_transposed(ns, nb, coupling_var, rng);
        if nb <= ns {
            return Self::from_fn(ns, nb, omega, |j, l| gt[(l, j)]);
        }
        Self::collective_from(gt, omega)
    }

    /// The collective form from `g^T` (Nb x Ns, Nb > Ns), factorized in place.
    fn collective_from(mut qr: Mat<f64>, omega: f64) -> Couplings {
        let (nb, ns) = (qr.nrows(), qr.ncols());
        let par = Par::Seq;
        let block = recommended_block_size::<f64>(nb, ns);
        let mut coeff = Mat::<f64>::zeros(block, ns);
        let mut mem = MemBuffer::new(qr_in_place_scratch::<f64>(
            nb,
            ns,
            block,
            par,
            Default::default(),
        ));
        qr_in_place(
            qr.as_mut(),
            coeff.as_mut(),
            par,
            MemStack::new(&mut mem),
            Default::default(),
        );
        // R is the upper triangle of the first Ns rows. Below the diagonal are the Householder
        // vectors, whose unit diagonal is implicit: faer reads only the strict lower part (the
        // basis test checks Q^T Q = I and R^T Q^T = g).
        let r = Mat::<f64>::from_fn(ns, ns, |i, j| if i <= j { qr[(i, j)] } else { 0.0 });
        let mut q = Mat::<f64>::identity(nb, ns);
        let mut mem = MemBuffer::new(
            apply_block_householder_sequence_on_the_left_in_place_scratch::<f64>(nb, block, ns),
        );
        apply_block_householder_sequence_on_the_left_in_place_with_conj(
            qr.as_ref(),
            coeff.as_ref(),
            Conj::No,
            q.as_mut(),
            par,
            MemStack::new(&mut mem),
        );
        drop(qr);
        let qt = (0..nb * ns).map(|i| q[(i / ns, i % ns)]).collect();
        drop(q);
        let mut reduced = Couplings::from_fn(ns, ns, omega, |j, l| r[(l, j)]);
        reduced.modes = Some(Box::new(ModeBasis { nb, qt }));
        reduced
    }

    /// Where the simulated modes sit among the physical ones (collective form only).
    pub fn mode_basis(&self) -> Option<&ModeBasis> {
        self.modes.as_deref()
    }

    /// The number of physical modes: [`Couplings::nb`], or Nb of the collective form's basis.
    pub fn physical_modes(&self) -> usize {
        self.modes.as_ref().map_or(self.nb, |m| m.nb)
    }

    pub fn ns(&self) -> usize {
        self.ns
    }

    /// The number of simulated modes (the collective modes for the collective form).
    pub fn nb(&self) -> usize {
        self.nb
    }

    pub fn omega(&self) -> f64 {
        self.omega
    }

    /// The coupling matrix `g` (Ns x Nb).
    pub fn g(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.g, self.ns, self.nb)
    }

    /// Its transpose `g^T` (Nb x Ns), stored contiguously.
    pub fn gt(&self) -> MatRef<'_, f64> {
        MatRef::from_column_major_slice(&self.gt, self.nb, self.ns)
    }

    /// `g_jl`.
    pub fn get(&self, j: usize, l: usize) -> f64 {
        self.g[j + l * self.ns]
    }

    /// Diagonal of the adiabatic interaction, `J_jj = sum_l g_jl^2 / omega` (Eq. 3).
    pub fn j_diag(&self) -> &[f64] {
        &self.j_diag
    }

    /// The adiabatic interaction of Eq. (3), `J_jk = sum_l g_jl g_kl / omega` (Ns x Ns), with the
    /// diagonal `J_jj` kept if `self_interaction` and zeroed otherwise. Computed by one GEMM on
    /// the first call for each value of the switch, then shared.
    ///
    /// ```
    /// use spinboson::physics::Couplings;
    /// let c = Couplings::from_fn(2, 3, 2.0, |j, l| (j + l) as f64);
    /// // J_01 = (0*1 + 1*2 + 2*3) / 2 = 4; J_00 = (0 + 1 + 4) / 2 = 2.5.
    /// assert_eq!(c.interaction(true)[(0, 1)], 4.0);
    /// assert_eq!(c.interaction(true)[(0, 0)], 2.5);
    /// assert_eq!(c.interaction(false)[(0, 0)], 0.0);
    /// ```
    pub fn interaction(&self, self_interaction: bool) -> MatRef<'_, f64> {
        let ns = self.ns;
        let j = self.interaction[usize::from(self_interaction)].get_or_init(|| {
            let mut j = vec![0.0; ns * ns];
            matmul(
                MatMut::from_column_major_slice_mut(&mut j, ns, ns),
                Accum::Replace,
                self.g(),
                self.gt(),
                1.0 / self.omega,
                Par::Seq,
            );
            if !self_interaction {
                for d in 0..ns {
                    j[d + d * ns] = 0.0;
                }
            }
            j
        });
        MatRef::from_column_major_slice(j, ns, ns)
    }

    /// `g` rounded to single precision (Ns x Nb), made on first use.
    pub fn g_f32(&self) -> MatRef<'_, f32> {
        let g = self.single.g.get_or_init(|| rounded(&self.g));
        MatRef::from_column_major_slice(g, self.ns, self.nb)
    }

    /// `g^T` rounded to single precision (Nb x Ns), made on first use.
    pub fn gt_f32(&self) -> MatRef<'_, f32> {
        let gt = self.single.gt.get_or_init(|| rounded(&self.gt));
        MatRef::from_column_major_slice(gt, self.nb, self.ns)
    }

    /// [`Couplings::interaction`] (computed in f64) rounded to single precision, made on first use.
    pub fn interaction_f32(&self, self_interaction: bool) -> MatRef<'_, f32> {
        let ns = self.ns;
        let j = self.single.interaction[usize::from(self_interaction)].get_or_init(|| {
            let j = self.interaction(self_interaction);
            (0..ns * ns).map(|i| j[(i % ns, i / ns)] as f32).collect()
        });
        MatRef::from_column_major_slice(j, ns, ns)
    }

    /// Bytes held: `g` twice and `J` for each switch value computed so far, plus the
    /// single-precision copies made so far.
    pub fn bytes(&self) -> usize {
        let j: usize = self
            .interaction
            .iter()
            .filter_map(|j| j.get().map(Vec::len))
            .sum();
        let single: usize = [&self.single.g, &self.single.gt]
            .into_iter()
            .chain(&self.single.interaction)
            .filter_map(|v| v.get().map(Vec::len))
            .sum();
        let basis = self.modes.as_ref().map_or(0, |m| m.qt.len());
        8 * (self.g.len() + self.gt.len() + self.j_diag.len() + j + basis) + 4 * single
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn sampled_couplings_have_the_stated_variance() {
        let var = 0.3;
        let c = Couplings::sample(50, 400, var, 2.0, &mut ChaCha8Rng::seed_from_u64(3));
        let n = (50 * 400) as f64;
        let mean = c.g.iter().sum::<f64>() / n;
        let v = c.g.iter().map(|x| x * x).sum::<f64>() / n;
        // Standard error of a sample variance of n normals: var * sqrt(2 / n) = 0.003; allow 4.
        assert!(
            (v - var).abs() < 4.0 * var * (2.0 / n).sqrt(),
            "variance {v}"
        );
        assert!(mean.abs() < 4.0 * (var / n).sqrt(), "mean {mean}");
        assert_eq!(c.get(3, 7), c.gt()[(7, 3)]);
        assert_eq!(c.get(3, 7), c.g()[(3, 7)]);
        let jd: f64 = (0..400).map(|l| c.get(5, l).powi(2)).sum::<f64>() / 2.0;
        assert!((c.j_diag()[5] - jd).abs() < 1e-12);
    }

    #[test]
    fn interaction_is_g_g_transposed_over_omega() {
        let c = Couplings::sample(7, 30, 0.2, 1.7, &mut ChaCha8Rng::seed_from_u64(4));
        let before = c.bytes();
        for self_interaction in [false, true] {
            let j = c.interaction(self_interaction);
            for a in 0..7 {
                for b in 0..7 {
                    let direct: f64 = (0..30).map(|l| c.get(a, l) * c.get(b, l)).sum::<f64>() / 1.7;
                    let expected = if a == b && !self_interaction {
                        0.0
                    } else {
                        direct
                    };
                    // Sums of 30 products of size 0.2: round-off ~ 30 * 0.2 * 1e-16.
                    assert!((j[(a, b)] - expected).abs() < 1e-14, "{a} {b}");
                }
                if self_interaction {
                    assert!((j[(a, a)] - c.j_diag()[a]).abs() < 1e-14);
                }
            }
        }
        assert_eq!(c.bytes(), before + 2 * 8 * 49);
        // Computed once: the same storage on the next call.
        assert_eq!(c.interaction(true).as_ptr(), c.interaction(true).as_ptr());
    }
}
