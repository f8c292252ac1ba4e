//! The model, sampling, the integrator, observables and timescales. No I/O, no GUI.

mod couplings;
mod integrator;
mod kernels;
mod noise;
mod observables;
mod params;
mod regimes;
mod sampling;
mod thermal;
mod timescales;

pub use couplings::{AdiabaticForm, Couplings, ModeBasis};
pub use integrator::{BatchState, Dynamics, Stepper};
pub use kernels::{rotate_by_field, sin_cosm1};
pub use noise::{NoiseBuffer, normal_pair, words_per_draw};
pub use observables::{N_OBS, Observable, measure};
pub use params::{
    AUTO_DT_STRANG, AUTO_DT_YOSHIDA4, Displacement, GridSpacing, Integrator, MAX_BATCH,
    MEMORY_LIMIT_BYTES, Model, ParamError, Params, Precision, SHARED_COUPLINGS_BYTES,
    STABILITY_PHASE, steps_in,
};
pub use regimes::{
    ALPHA_C_AT_SIGMA_2, ALPHA_C_CLASSICAL, EXPONENTIAL_BAND, FROZEN_BAND, FROZEN_WINDOW_FACTOR,
    LOGARITHMIC_BAND, PARAMAGNET_BAND, Regime, RegimeMargins, alpha_c, exponential_margin,
    frozen_margin, logarithmic_margin, paramagnet_margin, regime, regime_margins, regime_weights,
};
pub use sampling::{sample_photons, sample_spins};
pub use thermal::{
    PhotonStatistics, SpinStatistics, ThermalError, ThermalPrediction, thermal_state, thermal_sz,
};
pub use timescales::{photons_active, t_h, t_omega_bounds};
