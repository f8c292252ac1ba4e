//! Disorder realizations: the coupling matrix `g` of Eq. (1).

use faer::MatRef;
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// One disorder realization: `g_jl` i.i.d. `N(0, coupling_var)`, stored column-major twice
/// (as `g`, Ns x Nb, and as `g^T`, Nb x Ns) so both GEMMs read contiguous memory.
#[derive(Clone, Debug)]
pub struct Couplings {
    ns: usize,
    nb: usize,
    omega: f64,
    g: Vec<f64>,
    gt: Vec<f64>,
    j_diag: Vec<f64>,
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
}
