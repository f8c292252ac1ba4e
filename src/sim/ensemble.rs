//! Ensemble averages with honest error bars.
//!
//! Trajectories of one realization share its couplings, so they are not independent samples of
//! the disorder average. With two or more realizations the unit of the standard error is the
//! realization: `mean = average of realization means`, `stderr = sd(realization means) / sqrt(R)`.
//! With one realization the trajectories are the units (they are independent given the couplings),
//! and the error excludes the disorder fluctuation; [`ErrorBasis`] says which.

use super::batch::BatchSums;
use crate::physics::{N_OBS, Observable};
use serde::Serialize;

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
        batches: impl Iterator<Item = &'a BatchSums>,
        realizations: usize,
    ) -> Option<Self> {
        let len = t.len() * N_OBS;
        let mut batch_units = UnitCurves {
            basis: UnitBasis::BatchesOfOneRealization,
            ..UnitCurves::default()
        };
        let unit_curve = |sum: &[f64], n: usize, o: Observable| -> Vec<f64> {
            (0..t.len())
                .map(|k| sum[k * N_OBS + o as usize] / n as f64)
                .collect()
        };
        // Per realization: trajectory count, sums and sums of squares.
        let mut per_real: Vec<(usize, Vec<f64>, Vec<f64>)> = Vec::new();
        per_real.resize_with(realizations, || (0, Vec::new(), Vec::new()));
        for b in batches {
            if b.n_trajectories > 0 {
                batch_units.weights.push(b.n_trajectories as f64);
                batch_units
                    .sx
                    .push(unit_curve(&b.sum, b.n_trajectories, Observable::Sx));
                batch_units
                    .sz
                    .push(unit_curve(&b.sum, b.n_trajectories, Observable::Sz));
            }
            let entry = &mut per_real[b.realization];
            if entry.0 == 0 {
                entry.1 = vec![0.0; len];
                entry.2 = vec![0.0; len];
            }
            entry.0 += b.n_trajectories;
            entry.1.iter_mut().zip(&b.sum).for_each(|(a, x)| *a += x);
            entry.2.iter_mut().zip(&b.sum_sq).for_each(|(a, x)| *a += x);
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
                    .map(|e| unit_curve(&e.1, e.0, Observable::Sx))
                    .collect(),
                sz: filled
                    .iter()
                    .map(|e| unit_curve(&e.1, e.0, Observable::Sz))
                    .collect(),
            }
        } else {
            batch_units
        };
        let (units, error_basis) = match filled.as_slice() {
            [] => return None,
            [(n, sum, sum_sq)] => {
                let n_f = *n as f64;
                for i in 0..len {
                    let m = sum[i] / n_f;
                    mean[i % N_OBS][i / N_OBS] = m;
                    if *n >= 2 {
                        let var = ((sum_sq[i] - n_f * m * m) / (n_f - 1.0)).max(0.0);
                        stderr[i % N_OBS][i / N_OBS] = (var / n_f).sqrt();
                    }
                }
                (*n, ErrorBasis::TrajectoriesOfOneRealization)
            }
            units => {
                let r = units.len() as f64;
                for i in 0..len {
                    let unit_mean = |e: &&(usize, Vec<f64>, Vec<f64>)| e.1[i] / e.0 as f64;
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

    fn batch(realization: usize, values: &[f64]) -> BatchSums {
        // One time point; every observable takes the same values.
        let mut sum = vec![0.0; N_OBS];
        let mut sum_sq = vec![0.0; N_OBS];
        for v in values {
            sum.iter_mut().for_each(|s| *s += v);
            sum_sq.iter_mut().for_each(|s| *s += v * v);
        }
        BatchSums {
            realization,
            n_trajectories: values.len(),
            sum,
            sum_sq,
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
}
