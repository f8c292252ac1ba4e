//! Analysis of simulated curves: relaxation-law fits with jackknife errors and an AIC verdict,
//! and the local exponent. No I/O, no GUI; cheap enough to run on every partial result
//! (about a millisecond for 160 points x 8 units).

mod local_exponent;
mod lsq;
mod relaxation;
mod report;

pub use local_exponent::{LOCAL_EXPONENT_HALF_WIDTH, local_exponent};
pub use relaxation::{
    FitReport, FitWindow, Law, LawFit, MIN_AIC_MARGIN, MIN_CONFIDENCE, MIN_POINTS, MIN_UNITS,
    NOISE_SIGMAS, Reason, Timescales, Verdict, WindowEnd, WindowRequest, fit_ensemble, fit_units,
    weighted_mean_and_stderr,
};
pub use report::{fit_json, predicted_regime};

#[cfg(test)]
mod tests;
