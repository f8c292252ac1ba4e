//! The model, sampling, the integrator, observables and timescales. No I/O, no GUI.

mod couplings;
mod integrator;
mod kernels;
mod observables;
mod params;
mod sampling;
mod timescales;

pub use couplings::Couplings;
pub use integrator::{BatchState, Dynamics, Stepper};
pub use kernels::{rotate_by_field, sin_cosm1};
pub use observables::{N_OBS, Observable, measure};
pub use params::{
    AUTO_DT_STRANG, AUTO_DT_YOSHIDA4, Displacement, GridSpacing, Integrator, MAX_BATCH,
    MEMORY_LIMIT_BYTES, Model, ParamError, Params, STABILITY_PHASE, steps_in,
};
pub use sampling::{sample_photons, sample_spins};
pub use timescales::{photons_active, t_h, t_omega_bounds};
