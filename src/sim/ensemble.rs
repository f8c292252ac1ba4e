//! Ensemble averages with honest error bars.
//!
//! Trajectories of one realization share its couplings, so they are not independent samples of
//! the disorder average. With two or more realizations the unit of the standard error is the
//! realization: `mean = average of realization means`, `stderr = sd(realization means) / sqrt(R)`.
//! With one realization the trajectories are the units (they are independent given the couplings),
//! and the error excludes the disorder fluctuation; [`ErrorBasis`] says which.
//!
//! The spread within a realization is accumulated without cancellation: each batch keeps, per
//! observable and time, its count, mean and sum of squared deviations `M2` (Welford's update,
//! [`Moments::push`]), and the batches of a realization are combined in batch order with Chan et
//! al.'s parallel formula ([`Moments::merge`]). The textbook `sum_sq - n mean^2` loses about
//! `log10(mean^2 / var)` digits, which a long run with a large constant part of an observable
//! (the energy, a slowly decaying sx) can exhaust.

use super::batch::BatchMoments;
use crate::physics::{N_OBS, Observable};
use serde::Serialize;

/// Count, mean and sum of squared deviations `M2 = sum (x - mean)^2` of a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    pub count: usize,
    pub mean: f64,
    pub m2: f64,
}

impl Moments {
    /// Add one value (Welford 1962): `delta = x - mean`, `mean += delta / n`,
    /// `M2 += delta (x - mean_new)`.
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Combine with the moments of a disjoint sample (Chan, Golub and LeVeque 1979):
    /// `n = n_a + n_b`, `delta = mean_b - mean_a`, `mean = mean_a + delta n_b / n`,
    /// `M2 = M2_a + M2_b + delta^2 n_a n_b / n`. Not commutative in rounding: merge in a fixed
    /// order.
    ///
    /// ```
    /// use spinboson::sim::Moments;
    /// let (mut a, mut b) = (Moments::default(), Moments::default());
    /// [1.0, 3.0].iter().for_each(|&x| a.push(x));
    /// [5.0, 7.0].iter().for_each(|&x| b.push(x));
    /// a.merge(&b);
    /// assert_eq!((a.count, a.mean, a.m2), (4, 4.0, 20.0));
    /// ```
    pub fn merge(&mut self, other: &Moments) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let (n_a, n_b) = (self.count as f64, other.count as f64);
        let n = n_a + n_b;
        let delta = other.mean - self.mean;
        self.mean += delta * (n_b / n);
        self.m2 += other.m2 + delta * delta * (n_a * n_b / n);
        self.count += other.count;
    }

    /// The sample variance `M2 / (n - 1)` (NaN below two values).
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            f64::NAN
        } else {
            self.m2 / (self.count - 1) as f64
        }
    }
}

/// What the standard errors were computed across.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ErrorBasis {
    /// Independent disorder realizations.
    Realizations,
    /// Trajectories of a single realization (disorder error not included).
    TrajectoriesOfOneRealization,
}

/// Ensemble means and standard errors on the output grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Ensemble {
    pub t: Vec<f64>,
    /// `mean[o][k]`: observable `o` (see [`Observable`]) at time `t[k]`.
    pub mean: [Vec<f64>; N_OBS],
    /// Standard error of `mean`; NaN where it cannot be estimated (a single sample).
    pub stderr: [Vec<f64>; N_OBS],
    pub trajectories: usize,
    /// Number of independent units behind the error bars.
    pub units: usize,
    pub error_basis: ErrorBasis,
    /// Per-unit mean curves of sx and sz, for resampling (jackknife) by [`crate::analysis`].
    pub unit_curves: UnitCurves,
}

/// What the units of [`UnitCurves`] are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum UnitBasis {
    /// Disorder realizations (two or more finished): the ensemble mean is their plain average.
    #[default]
    Realizations,
    /// Trajectory batches of a single realization: the ensemble mean is their average weighted
    /// by trajectory count. Batches are independent given the couplings, so resampling them
    /// excludes the disorder fluctuation, like [`ErrorBasis::TrajectoriesOfOneRealization`].
    BatchesOfOneRealization,
}

/// Mean curves of independent units (realizations, or batches of one realization), in the
/// order of the reduction. `sx[u][k]` is unit `u`'s mean sx at time `t[k]`; `weights[u]` is its
/// weight in the ensemble mean (1 per realization, the trajectory count per batch), so that
/// `sum_u weights[u] sx[u][k] / sum_u weights[u]` is the ensemble mean (up to rounding).
/// Memory: 2 x units x points numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitCurves {
    pub basis: UnitBasis,
    pub weights: Vec<f64>,
    pub sx: Vec<Vec<f64>>,
    pub sz: Vec<Vec<f64>>,
}

impl UnitCurves {
    /// Number of units.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Unit curves of sx or sz (`None` for the other observables, which are not kept).
    pub fn of(&self, o: Observable) -> Option<&[Vec<f64>]> {
        match o {
            Observable::Sx => Some(&self.sx),
            Observable::Sz => Some(&self.sz),
            _ => None,
        }
    }
}

impl Ensemble {
    pub fn mean_of(&self, o: Observable) -> &[f64] {
        &self.mean[o as usize]
    }

    pub fn stderr_of(&self, o: Observable) -> &[f64] {
        &self.stderr[o as usize]
    }

    /// Reduce finished batches, visited in the given order (the job's batch order, so the result
    /// does not depend on which thread finished first). Returns `None` when no batch finished.
    pub fn reduce<'a>(
        t: &[f64],
        batches: impl Iterator<Item = &'a BatchMoments>,
        realizations: usize,
    ) -> Option<Self> {
        let len = t.len() * N_OBS;
        let mut batch_units = UnitCurves {
            basis: UnitBasis::BatchesOfOneRealization,
            ..UnitCurves::default()
        };
        let unit_curve = |moments: &[Moments], o: Observable| -> Vec<f64> {
            (0..t.len())
                .map(|k| moments[k * N_OBS + o as usize].mean)
                .collect()
        };
        // Per realization: trajectory count and the merged moments of its batches.
        let mut per_real: Vec<(usize, Vec<Moments>)> = Vec::new();
        per_real.resize_with(realizations, || (0, Vec::new()));
        for b in batches {
            if b.n_trajectories > 0 {
                batch_units.weights.push(b.n_trajectories as f64);
                batch_units.sx.push(unit_curve(&b.moments, Observable::Sx));
                batch_units.sz.push(unit_curve(&b.moments, Observable::Sz));
            }
            let entry = &mut per_real[b.realization];
            if entry.0 == 0 {
                entry.1 = vec![Moments::default(); len];
            }
            entry.0 += b.n_trajectories;
            entry
                .1
                .iter_mut()
                .zip(&b.moments)
                .for_each(|(a, x)| a.merge(x));
        }
        let filled: Vec<_> = per_real.iter().filter(|e| e.0 > 0).collect();
        let trajectories: usize = filled.iter().map(|e| e.0).sum();
        let mut mean: [Vec<f64>; N_OBS] = std::array::from_fn(|_| vec![0.0; t.len()]);
        let mut stderr: [Vec<f64>; N_OBS] = std::array::from_fn(|_| vec![f64::NAN; t.len()]);
        let unit_curves = if filled.len() >= 2 {
            UnitCurves {
                basis: UnitBasis::Realizations,
                weights: vec![1.0; filled.len()],
                sx: filled
                    .iter()
                    .map(|e| unit_curve(&e.1, Observable::Sx))
                    .collect(),
                sz: filled
                    .iter()
                    .map(|e| unit_curve(&e.1, Observable::Sz))
                    .collect(),
            }
        } else {
            batch_units
        };
        let (units, error_basis) = match filled.as_slice() {
            [] => return None,
            [(n, moments)] => {
                for (i, m) in moments.iter().enumerate() {
                    mean[i % N_OBS][i / N_OBS] = m.mean;
                    if *n >= 2 {
                        stderr[i % N_OBS][i / N_OBS] = (m.variance().max(0.0) / *n as f64).sqrt();
                    }
                }
                (*n, ErrorBasis::TrajectoriesOfOneRealization)
            }
            units => {
                let r = units.len() as f64;
                for i in 0..len {
                    let unit_mean = |e: &&(usize, Vec<Moments>)| e.1[i].mean;
                    let m = units.iter().map(unit_mean).sum::<f64>() / r;
                    let var = units
                        .iter()
                        .map(|e| (unit_mean(e) - m).powi(2))
                        .sum::<f64>()
                        / (r - 1.0);
                    mean[i % N_OBS][i / N_OBS] = m;
                    stderr[i % N_OBS][i / N_OBS] = (var / r).sqrt();
                }
                (units.len(), ErrorBasis::Realizations)
            }
        };
        Some(Self {
            t: t.to_vec(),
            mean,
            stderr,
            trajectories,
            units,
            error_basis,
            unit_curves,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(realization: usize, values: &[f64]) -> BatchMoments {
        // One time point; every observable takes the same values.
        let mut moments = vec![Moments::default(); N_OBS];
        for v in values {
            moments.iter_mut().for_each(|m| m.push(*v));
        }
        BatchMoments {
            realization,
            n_trajectories: values.len(),
            moments,
        }
    }

    #[test]
    fn realizations_are_the_units() {
        let b = [
            batch(0, &[1.0, 3.0]),
            batch(1, &[5.0, 7.0]),
            batch(0, &[2.0, 2.0]),
        ];
        let e = Ensemble::reduce(&[0.0], b.iter(), 2).expect("data");
        // Realization means 2 and 6: mean 4, sd 2 sqrt 2, stderr 2.
        assert_eq!(e.mean[0][0], 4.0);
        assert!((e.stderr[0][0] - 2.0).abs() < 1e-12);
        assert_eq!((e.units, e.trajectories), (2, 6));
        assert_eq!(e.error_basis, ErrorBasis::Realizations);
        // Unit curves: the two realization means, plain weights.
        assert_eq!(e.unit_curves.basis, UnitBasis::Realizations);
        assert_eq!(e.unit_curves.sx, vec![vec![2.0], vec![6.0]]);
        assert_eq!(e.unit_curves.sz, vec![vec![2.0], vec![6.0]]);
        assert_eq!(e.unit_curves.weights, vec![1.0, 1.0]);
    }

    #[test]
    fn one_realization_has_its_batches_as_units() {
        let b = [batch(0, &[1.0, 3.0]), batch(0, &[2.0, 4.0, 6.0])];
        let e = Ensemble::reduce(&[0.0], b.iter(), 1).expect("data");
        let u = &e.unit_curves;
        assert_eq!(u.basis, UnitBasis::BatchesOfOneRealization);
        assert_eq!(u.sx, vec![vec![2.0], vec![4.0]]);
        assert_eq!(u.weights, vec![2.0, 3.0]);
        let weighted = (2.0 * 2.0 + 3.0 * 4.0) / 5.0;
        assert!((weighted - e.mean[0][0]).abs() < 1e-12);
        assert_eq!(u.of(Observable::NPhoton), None);
    }

    #[test]
    fn one_realization_uses_its_trajectories() {
        let b = [batch(0, &[1.0, 3.0, 5.0, 7.0])];
        let e = Ensemble::reduce(&[0.0], b.iter(), 3).expect("data");
        assert_eq!(e.mean[2][0], 4.0);
        // Sample variance 20/3 over 4 trajectories.
        assert!((e.stderr[2][0] - (20.0 / 3.0 / 4.0_f64).sqrt()).abs() < 1e-12);
        assert_eq!(e.error_basis, ErrorBasis::TrajectoriesOfOneRealization);
        assert!(Ensemble::reduce(&[0.0], [].iter(), 3).is_none());
    }

    /// A long series with a large constant offset (1e8 + values of spread ~1, 2^20 of them in
    /// batches of 32, as a long run of one realization): the stable reduction agrees with a
    /// two-pass reference to 1e-8 relative, where `sum_sq - n mean^2` keeps no correct digit
    /// (its rounding error, ~ eps * sum_sq ~ 1e6 at least, is as large as the sum of squared
    /// deviations, 1e6; here it even comes out negative).
    #[test]
    fn variance_survives_a_large_constant_offset() {
        let offset = 1e8;
        let n = 1 << 20;
        // A deterministic, irregular series in [-1.7, 1.7].
        let value =
            |i: usize| offset + 1.7 * ((i as f64 * 0.618_033_988_749_894_9).fract() * 2.0 - 1.0);
        let batches: Vec<BatchMoments> = (0..n)
            .collect::<Vec<_>>()
            .chunks(32)
            .map(|c| batch(0, &c.iter().map(|&i| value(i)).collect::<Vec<_>>()))
            .collect();
        let e = Ensemble::reduce(&[0.0], batches.iter(), 1).expect("data");
        // Two-pass reference: the mean (summing the exact differences x - offset), then the
        // squared deviations from it.
        let mean = offset + (0..n).map(|i| value(i) - offset).sum::<f64>() / n as f64;
        let m2 = (0..n).map(|i| (value(i) - mean).powi(2)).sum::<f64>();
        let reference = (m2 / (n as f64 - 1.0) / n as f64).sqrt();
        let stable = e.stderr[0][0];
        // Each deviation x - mean is formed with an absolute error of about ulp(1e8) = 1.5e-8
        // against a spread of ~1, which bounds the relative error of M2 by ~1e-8 (measured: 5e-11).
        assert!(
            (stable - reference).abs() < 1e-8 * reference,
            "{stable} vs {reference}"
        );
        assert!((e.mean[0][0] - mean).abs() < 1e-15 * offset);
        // The old formula on the same data.
        let (sum, sum_sq) = (0..n)
            .map(value)
            .fold((0.0, 0.0), |(s, q), x| (s + x, q + x * x));
        let naive_var = (sum_sq - n as f64 * (sum / n as f64).powi(2)) / (n as f64 - 1.0);
        let naive = (naive_var.max(0.0) / n as f64).sqrt();
        assert!(
            (naive - reference).abs() > 0.1 * reference,
            "the naive formula was expected to fail here: {naive} vs {reference}"
        );
    }

    #[test]
    fn merging_in_batches_matches_one_sample() {
        let values: Vec<f64> = (0..37)
            .map(|i| (i as f64 * 0.37).sin() * 3.0 + 2.0)
            .collect();
        let mut whole = Moments::default();
        values.iter().for_each(|&x| whole.push(x));
        let mut merged = Moments::default();
        for chunk in values.chunks(5) {
            let mut part = Moments::default();
            chunk.iter().for_each(|&x| part.push(x));
            merged.merge(&part);
        }
        assert_eq!(merged.count, whole.count);
        assert!((merged.mean - whole.mean).abs() < 1e-14);
        assert!((merged.m2 - whole.m2).abs() < 1e-12 * whole.m2);
        assert!(Moments::default().variance().is_nan());
    }
}
