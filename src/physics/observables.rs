//! Per-trajectory observables (PHYSICS.md, "Observables").

use super::integrator::{BatchState, Stepper};
use super::params::Model;

/// The observables recorded at every output time, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observable {
    /// `<sx>`, averaged over spins.
    Sx = 0,
    /// `<sy>`.
    Sy = 1,
    /// `<sz>`.
    Sz = 2,
    /// Photon number per mode, `<|a|^2>_W - 1/2` (adiabatic model: the slaved field
    /// `(sum_j g_jl sx_j)^2 / omega^2`).
    NPhoton = 3,
    /// Energy drift per particle, `(E(t) - E(0)) / Nt`.
    EnergyDrift = 4,
}

/// Number of observables.
pub const N_OBS: usize = 5;

impl Observable {
    pub const ALL: [Observable; N_OBS] = [
        Observable::Sx,
        Observable::Sy,
        Observable::Sz,
        Observable::NPhoton,
        Observable::EnergyDrift,
    ];

    /// Column name in CSV files.
    pub fn name(self) -> &'static str {
        match self {
            Observable::Sx => "sx",
            Observable::Sy => "sy",
            Observable::Sz => "sz",
            Observable::NPhoton => "n_photon",
            Observable::EnergyDrift => "energy_drift",
        }
    }
}

/// Measure every trajectory of `state`: `out[b]` gets `[sx, sy, sz, n_photon, E / Nt]`
/// (the energy itself; the caller subtracts `E(0) / Nt` to form the drift).
///
/// Energy, spin-boson (Eq. 1): `E = sum_j X_j sx_j + h sum_j sz_j + omega sum_l (|a_l|^2 - 1/2)`
/// with `sum_j X_j sx_j = 2 sum_l Re a_l (g^T sx)_l`.
/// Adiabatic (Eq. 3): `E = -|g^T sx|^2 / omega + sum_j J_jj sx_j^2 + h sum_j sz_j`, the middle term
/// dropped when the self-interaction is kept.
///
/// With the collective form of the couplings ([`Couplings::collective`](super::Couplings::collective))
/// the state holds the r collective modes `b`; `outside[b]` is then trajectory `b`'s
/// `|a|^2 - |b|^2`, the part of the Nb physical modes' `sum_l |a_l|^2` outside them (its
/// conditional mean given the initial sample, with loss; see `sim::batch`). Empty otherwise.
/// Photon number and energy are per physical mode and particle either way, and the coupling
/// energy needs no correction: `Re a . g^T sx = Re b . R sx`.
pub fn measure(
    stepper: &mut Stepper<'_>,
    state: &BatchState,
    outside: &[f64],
    out: &mut [[f64; N_OBS]],
) {
    let (ns, nb) = (state.ns, state.nb);
    let physical = stepper.couplings().physical_modes();
    let dynamics = *stepper.dynamics();
    // The adiabatic model keeps no photon state (its photon number is the slaved field).
    assert!(
        physical == nb || dynamics.model == Model::Adiabatic || outside.len() >= state.width,
        "measure: collective modes need every trajectory's outside photons"
    );
    let nt = (ns + physical) as f64;
    let couplings = stepper.couplings();
    let (omega, j_diag) = (couplings.omega(), couplings.j_diag());
    let drive = stepper.compute_drive(state);
    for (b, obs) in out.iter_mut().enumerate().take(state.width) {
        let [sx, sy, sz, re_a, im_a] = state.trajectory(b);
        let drive = &drive[b * nb..(b + 1) * nb];
        let sum = |v: &[f64]| v.iter().sum::<f64>();
        let sum_sz = sum(sz);
        let (n_photon, energy) = match dynamics.model {
            Model::SpinBoson => {
                let a2: f64 = re_a
                    .iter()
                    .zip(im_a)
                    .map(|(r, i)| r * r + i * i)
                    .sum::<f64>()
                    + outside.get(b).copied().unwrap_or(0.0);
                let coupling: f64 = 2.0 * re_a.iter().zip(drive).map(|(r, d)| r * d).sum::<f64>();
                let photons = a2 - 0.5 * physical as f64;
                (
                    photons / physical as f64,
                    coupling + dynamics.h * sum_sz + omega * photons,
                )
            }
            Model::Adiabatic => {
                let d2: f64 = drive.iter().map(|d| d * d).sum();
                let self_term = if dynamics.self_interaction {
                    0.0
                } else {
                    sx.iter().zip(j_diag).map(|(s, j)| j * s * s).sum()
                };
                (
                    d2 / (omega * omega * physical as f64),
                    -d2 / omega + self_term + dynamics.h * sum_sz,
                )
            }
        };
        *obs = [
            sum(sx) / ns as f64,
            sum(sy) / ns as f64,
            sum_sz / ns as f64,
            n_photon,
            energy / nt,
        ];
    }
}
