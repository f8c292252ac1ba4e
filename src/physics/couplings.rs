//! Disorder realizations: the coupling matrix `g` of Eq. (1), and the interaction `J` of the
//! adiabatic model, Eq. (3).

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
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
        let scale = coupling_var.sqrt();
        let mut rows = Vec::with_capacity(ns * nb);
        for _ in 0..ns * nb {
            let z: f64 = rng.sample(StandardNormal);
            rows.push(scale * z);
        }
        Self::from_fn(ns, nb, omega, |j, l| rows[j * nb + l])
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
        }
    }

    pub fn ns(&self) -> usize {
        self.ns
    }

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
        8 * (self.g.len() + self.gt.len() + self.j_diag.len() + j) + 4 * single
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
