//! DTWA + TWA initial samples (PHYSICS.md, "DTWA + TWA sampling").
//!
//! Spins start in |+x>: the discrete Wigner function puts `sx = +1` and independent random signs
//! on `sy` and `sz`. Photons start in the (possibly displaced) vacuum: `a = d + q + i p` with
//! `q, p ~ N(0, 1/4)`, so `<|a|^2 - 1/2> = d^2`.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

/// Fill one trajectory's spins with a DTWA sample of |+x>.
/// Signs come two per spin from the bits of 64-bit words, spin `j` using bits `2j` and `2j + 1`.
pub fn sample_spins<R: Rng + ?Sized>(sx: &mut [f64], sy: &mut [f64], sz: &mut [f64], rng: &mut R) {
    let mut word = 0_u64;
    for j in 0..sx.len() {
        if j % 32 == 0 {
            word = rng.next_u64();
        }
        let bits = word >> (2 * (j % 32));
        sx[j] = 1.0;
        sy[j] = if bits & 1 == 1 { 1.0 } else { -1.0 };
        sz[j] = if bits & 2 == 2 { 1.0 } else { -1.0 };
    }
}

/// Fill one trajectory's photon modes with a TWA sample of the vacuum displaced by `d`.
pub fn sample_photons<R: Rng + ?Sized>(
    re_a: &mut [f64],
    im_a: &mut [f64],
    displacement: f64,
    rng: &mut R,
) {
    for (re, im) in re_a.iter_mut().zip(im_a.iter_mut()) {
        let q: f64 = rng.sample(StandardNormal);
        let p: f64 = rng.sample(StandardNormal);
        *re = displacement + 0.5 * q;
        *im = 0.5 * p;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn spin_samples_reproduce_the_x_polarized_moments() {
        let n = 40_000;
        let (mut sx, mut sy, mut sz) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        sample_spins(&mut sx, &mut sy, &mut sz, &mut ChaCha8Rng::seed_from_u64(9));
        let mean = |v: &[f64]| v.iter().sum::<f64>() / n as f64;
        assert!(sx.iter().all(|&x| x == 1.0));
        // Each sign is +-1 with probability 1/2: the mean has standard error 1/sqrt(n) = 0.005.
        assert!(mean(&sy).abs() < 4.0 / (n as f64).sqrt());
        assert!(mean(&sz).abs() < 4.0 / (n as f64).sqrt());
        let corr: f64 = sy.iter().zip(&sz).map(|(a, b)| a * b).sum::<f64>() / n as f64;
        assert!(
            corr.abs() < 4.0 / (n as f64).sqrt(),
            "sy and sz independent: {corr}"
        );
    }

    #[test]
    fn photon_samples_have_half_a_quantum() {
        let n = 100_000;
        let (mut re, mut im) = (vec![0.0; n], vec![0.0; n]);
        sample_photons(&mut re, &mut im, 0.0, &mut ChaCha8Rng::seed_from_u64(2));
        let n_photon = re.iter().zip(&im).map(|(r, i)| r * r + i * i).sum::<f64>() / n as f64 - 0.5;
        // |a|^2 of the vacuum sample is exponential with mean 1/2 and sd 1/2.
        assert!(n_photon.abs() < 4.0 * 0.5 / (n as f64).sqrt(), "{n_photon}");
    }
}
