//! Thermal prediction for the dynamical paramagnet by energy matching (PHYSICS.md, "Paramagnet
//! steady state"; the paper's Fig. 2 right discussion).
//!
//! For weak disorder (`sigma^2 < h`) the coupling is a small perturbation and the steady state is
//! taken to be a Gibbs state of `H0 = h sum_j sz_j + omega sum_l a_l^dag a_l` whose energy equals
//! the initial energy. Per spin, with `alpha = Nb / Ns`, the energy-matching equation is
//!
//! ```text
//!     h <sz>_T + alpha * e_photon(T) = e_spin(0) + alpha * e_photon(0)
//! ```
//!
//! and the initial state (spins along +x, photons in the vacuum, coupling averaging to zero)
//! fixes the right-hand side. Two choices remain, and both are implemented:
//!
//! **Spins** ([`SpinStatistics`]).
//! - `Pauli`: quantum spins, eigenvalues of `sz` are `+-1`, `<sz>_T = -tanh(h / T)`.
//! - `Classical`: the DTWA phase-space spin, a classical vector of length `sqrt 3` (conserved by
//!   the equations of motion), Gibbs weight `exp(-h sz / T)` on the sphere:
//!   `<sz>_T = -sqrt3 L(sqrt3 h / T)` with the Langevin function `L(x) = coth x - 1/x`.
//!   Its high-temperature limit `-h / T` equals the quantum one; at low T it goes to `-sqrt 3`,
//!   beyond the quantum bound -1. The initial DTWA sample has `<sz> = 0` either way.
//!
//! **Photons** ([`PhotonStatistics`]).
//! - `Bose`: `e_photon = omega n`, `n = 1 / (exp(omega / T) - 1)`, vacuum energy 0.
//! - `ClassicalField`: the TWA field `a` is a classical complex amplitude; the equations of
//!   motion conserve `omega |a|^2` and cannot tell zero-point noise from excitation. A classical
//!   Gibbs state has `<omega |a|^2> = T` (equipartition over two quadratures), so the photon
//!   number the program measures is `n = <|a|^2> - 1/2 = T / omega - 1/2`, and the vacuum sample
//!   enters with `<|a|^2> = 1/2`: `e_photon(T) - e_photon(0) = T - omega / 2`.
//!   (Taking `n = T / omega` on top of the zero-point noise instead would double-count: the
//!   classical dynamics would have to keep the noise out of equilibrium.)
//!
//! Energy matching then reads, in units `h = 1`:
//! - Pauli + Bose: `tanh(1 / T) = alpha omega / (exp(omega / T) - 1)`;
//! - Classical spins + classical field: `sqrt3 L(sqrt3 / T) = alpha (T - omega / 2)`.
//!
//! **Which one the simulation should follow.** DTWA + TWA integrates classical Hamiltonian
//! equations for each phase-space sample. If it thermalizes, it can only reach the classical
//! Gibbs state of its own conserved energy: classical spins of length `sqrt 3` and classical
//! fields carrying the zero-point energy as real energy
//! ([`thermal_sz`] with [`PhotonStatistics::ClassicalField`]). The quantum prediction
//! (Pauli + Bose) is what the paper's thermal state of `H0` means. The two agree at high
//! temperature (`T >> h, omega`), i.e. for `omega >> h`, and differ strongly for `omega <~ h`.
//!
//! Limits (h = 1): `omega -> infinity` (equivalently `h -> 0` at fixed omega): photons absorb
//! energy only in quanta `omega`, so `T -> infinity` and `sz -> 0` (classical: `T ~ omega / 2`,
//! `sz ~ -2 / omega`; quantum: `omega / T ~ ln(alpha omega T)`, `sz ~ -1 / T`).
//! `omega -> 0`: the photons become a Rayleigh-Jeans bath with energy `T` per mode, so
//! Pauli + Bose tends to `tanh(1 / T) = alpha T` and classical to `L(x) = alpha / x`,
//! `x = sqrt3 / T` (`sz -> -sqrt3 alpha / (1 + alpha)` for large alpha).
//!
//! # Example
//! ```
//! use spinboson::physics::{PhotonStatistics, thermal_sz};
//! let hot = thermal_sz(100.0, 10.0, PhotonStatistics::Bose).expect("valid");
//! let cold = thermal_sz(1.0, 10.0, PhotonStatistics::Bose).expect("valid");
//! assert!(cold.sz < hot.sz && hot.sz < 0.0);
//! ```

use serde::Serialize;
use thiserror::Error;

/// Statistics of the spins in the thermal state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpinStatistics {
    /// Quantum spins 1/2 (Pauli operators): `<sz> = -tanh(h / T)`.
    Pauli,
    /// Classical spins of length `sqrt 3` (DTWA): `<sz> = -sqrt3 L(sqrt3 h / T)`.
    Classical,
}

/// Statistics of the photon modes in the thermal state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotonStatistics {
    /// Bose-Einstein occupation `1 / (exp(omega / T) - 1)`.
    Bose,
    /// Classical fields (TWA): `<|a|^2> = T / omega`, zero-point energy counted as energy.
    ClassicalField,
}

impl PhotonStatistics {
    /// The spin statistics that belong with these photons in a consistent description:
    /// quantum with Bose, DTWA-classical with classical fields.
    pub fn matching_spins(self) -> SpinStatistics {
        match self {
            PhotonStatistics::Bose => SpinStatistics::Pauli,
            PhotonStatistics::ClassicalField => SpinStatistics::Classical,
        }
    }
}

/// The thermal state that matches the initial energy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ThermalPrediction {
    /// Effective temperature, in units of h.
    pub temperature: f64,
    /// Predicted `<sz>` (as the program measures it).
    pub sz: f64,
    /// Predicted photon number per mode as the program measures it (`<|a|^2>_W - 1/2` for
    /// classical fields, the Bose occupation otherwise).
    pub n_photon: f64,
}

/// Inputs the energy matching cannot use.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum ThermalError {
    #[error("{field} = {value} must be a positive finite number")]
    NotPositive { field: &'static str, value: f64 },
}

/// Mean `sz` of one spin at temperature `t` (h = 1).
fn spin_sz(spins: SpinStatistics, t: f64) -> f64 {
    match spins {
        SpinStatistics::Pauli => -(1.0 / t).tanh(),
        SpinStatistics::Classical => -3.0_f64.sqrt() * langevin(3.0_f64.sqrt() / t),
    }
}

/// Langevin function `coth x - 1/x`, with its series near 0 (where the difference cancels).
fn langevin(x: f64) -> f64 {
    if x.abs() < 1e-3 {
        x / 3.0 - x.powi(3) / 45.0
    } else {
        1.0 / x.tanh() - 1.0 / x
    }
}

/// Photon energy per mode relative to the initial vacuum, `e_photon(T) - e_photon(0)`.
fn photon_energy(photons: PhotonStatistics, omega: f64, t: f64) -> f64 {
    match photons {
        // omega / expm1(omega / T): 0 when the exponent overflows, T when omega / T -> 0.
        PhotonStatistics::Bose => omega / (omega / t).exp_m1(),
        PhotonStatistics::ClassicalField => t - 0.5 * omega,
    }
}

/// The thermal state of `H0` with the initial energy, for any pairing of spin and photon
/// statistics (see the module documentation for the equations), `h = 1`.
///
/// Solves `<sz>_T + alpha (e_photon(T) - e_photon(0)) = 0` for `T` by bisection in `ln T`: the
/// left side increases strictly with `T`, is negative as `T -> 0` and positive as `T -> inf`,
/// so the root is unique; the result is accurate to a relative 1e-13 in `T`.
pub fn thermal_state(
    omega_over_h: f64,
    alpha: f64,
    spins: SpinStatistics,
    photons: PhotonStatistics,
) -> Result<ThermalPrediction, ThermalError> {
    for (field, value) in [("omega/h", omega_over_h), ("alpha", alpha)] {
        if !(value.is_finite() && value > 0.0) {
            return Err(ThermalError::NotPositive { field, value });
        }
    }
    let f = |t: f64| spin_sz(spins, t) + alpha * photon_energy(photons, omega_over_h, t);
    // Bracket the root: f(lo) < 0 < f(hi). The scales involved are 1, omega and 1 / alpha.
    let scale = 1.0_f64.min(omega_over_h).min(1.0 / alpha);
    let (mut lo, mut hi) = (scale, scale);
    while f(lo) >= 0.0 && lo > f64::MIN_POSITIVE * 1e10 {
        lo *= 0.5;
    }
    while f(hi) <= 0.0 && hi < f64::MAX / 4.0 {
        hi *= 2.0;
    }
    for _ in 0..400 {
        let mid = (lo * hi).sqrt();
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi / lo - 1.0 < 1e-14 {
            break;
        }
    }
    let temperature = (lo * hi).sqrt();
    let n_photon = match photons {
        PhotonStatistics::Bose => 1.0 / (omega_over_h / temperature).exp_m1(),
        PhotonStatistics::ClassicalField => temperature / omega_over_h - 0.5,
    };
    Ok(ThermalPrediction {
        temperature,
        sz: spin_sz(spins, temperature),
        n_photon,
    })
}

/// Predicted steady-state `sz` of the dynamical paramagnet (spins along +x, photon vacuum) by
/// energy matching, with the spin statistics that belong with `photons`
/// ([`PhotonStatistics::matching_spins`]): Bose photons with Pauli spins (the paper's quantum
/// thermal state of `H0`), classical fields with classical spins of length `sqrt 3` (the Gibbs
/// state the DTWA + TWA dynamics can reach). `h = 1`. See the module documentation.
pub fn thermal_sz(
    omega_over_h: f64,
    alpha: f64,
    photons: PhotonStatistics,
) -> Result<ThermalPrediction, ThermalError> {
    thermal_state(omega_over_h, alpha, photons.matching_spins(), photons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PhotonStatistics::{Bose, ClassicalField};
    use SpinStatistics::{Classical, Pauli};

    const COMBOS: [(SpinStatistics, PhotonStatistics); 4] = [
        (Pauli, Bose),
        (Pauli, ClassicalField),
        (Classical, Bose),
        (Classical, ClassicalField),
    ];

    fn solve(w: f64, a: f64, s: SpinStatistics, p: PhotonStatistics) -> ThermalPrediction {
        let r = thermal_state(w, a, s, p);
        assert!(r.is_ok(), "{w} {a} {s:?} {p:?}");
        r.unwrap_or(ThermalPrediction {
            temperature: f64::NAN,
            sz: f64::NAN,
            n_photon: f64::NAN,
        })
    }

    #[test]
    fn energy_is_matched() {
        for (s, p) in COMBOS {
            for w in [0.01, 0.3, 1.0, 3.0, 10.0, 1e3] {
                for a in [0.1, 1.0, 10.0] {
                    let r = solve(w, a, s, p);
                    let photon_e = match p {
                        Bose => w * r.n_photon,
                        ClassicalField => w * r.n_photon, // omega (T/omega - 1/2)
                    };
                    let residual = r.sz + a * photon_e;
                    assert!(
                        residual.abs() < 1e-10 * (1.0 + a * r.temperature),
                        "{s:?} {p:?} w={w} a={a}: {residual}"
                    );
                    assert!(r.sz.is_finite() && r.temperature > 0.0);
                }
            }
        }
    }

    #[test]
    fn sz_vanishes_as_omega_grows() {
        // Classical: T -> omega/2 + 1/(alpha T), sz -> -1/T ~ -2/omega; the correction to
        // sz * omega / 2 = -1 is O(1/omega^2) (1e-8 here), so 1e-6 is a safe tolerance.
        let r = solve(1e4, 10.0, Classical, ClassicalField);
        assert!((r.sz * 1e4 / 2.0 + 1.0).abs() < 1e-6, "{}", r.sz);
        // Quantum: omega / T = ln(1 + alpha omega / tanh(1/T)) exactly (the matching equation).
        let w = 1e4;
        let q = solve(w, 10.0, Pauli, Bose);
        let lhs = w / q.temperature;
        let rhs = (1.0 + 10.0 * w / (1.0 / q.temperature).tanh()).ln();
        assert!((lhs - rhs).abs() < 1e-9 * lhs, "{lhs} {rhs}");
        assert!(q.sz > -0.005 && q.sz < 0.0, "{}", q.sz);
    }

    #[test]
    fn small_omega_limits() {
        // Pauli + Bose, omega -> 0: tanh(1/T) = alpha T; alpha = 10 gives T = 0.1 (tanh(10) = 1
        // up to 4e-9) with an O(omega) shift: T = 0.1 + omega / 2.
        let q = solve(1e-8, 10.0, Pauli, Bose);
        assert!((q.temperature - 0.1).abs() < 1e-7, "{}", q.temperature);
        assert!((q.sz + 1.0).abs() < 1e-7);
        // Classical, omega -> 0: L(x) = alpha / x, x = sqrt3 / T; for alpha = 10, coth(11) = 1
        // to 6e-10, so x = alpha + 1 and sz = -sqrt3 alpha / (alpha + 1).
        let c = solve(1e-10, 10.0, Classical, ClassicalField);
        let expected = -3.0_f64.sqrt() * 10.0 / 11.0;
        assert!((c.sz - expected).abs() < 1e-8, "{} vs {expected}", c.sz);
    }

    #[test]
    fn sz_rises_monotonically_with_omega_and_falls_with_alpha() {
        for (s, p) in COMBOS {
            let mut last = f64::NEG_INFINITY;
            for k in 0..60 {
                let w = 10f64.powf(-2.0 + 5.0 * k as f64 / 59.0);
                let r = solve(w, 10.0, s, p);
                assert!(r.sz >= last, "{s:?} {p:?} w={w}: {} < {last}", r.sz);
                last = r.sz;
            }
            let mut last = f64::INFINITY;
            for a in [0.01, 0.1, 1.0, 10.0, 100.0] {
                let r = solve(2.0, a, s, p);
                assert!(r.sz <= last, "{s:?} {p:?} alpha={a}");
                last = r.sz;
            }
        }
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert!(matches!(
            thermal_sz(0.0, 10.0, Bose),
            Err(ThermalError::NotPositive {
                field: "omega/h",
                ..
            })
        ));
        assert!(thermal_sz(1.0, f64::NAN, ClassicalField).is_err());
    }
}
