//! CSV and JSON output of a run.

use crate::physics::{Observable, Params};
use crate::sim::{Ensemble, ErrorBasis, JobOutcome};
use serde::Serialize;
use std::fmt::Write as _;

/// The CSV header of `spinboson run`.
pub const RUN_CSV_HEADER: &str =
    "t,sx,sx_err,sy,sy_err,sz,sz_err,n_photon,n_photon_err,energy_drift";

/// One row per output time, full precision (shortest round-trip representation); NaN where an
/// error cannot be estimated. Without an ensemble (nothing finished) only the header is written.
pub fn run_csv(ensemble: Option<&Ensemble>) -> String {
    let mut out = String::from(RUN_CSV_HEADER);
    out.push('\n');
    let Some(e) = ensemble else { return out };
    for (k, t) in e.t.iter().enumerate() {
        let _ = write!(out, "{t}");
        for o in Observable::ALL {
            let _ = write!(out, ",{}", e.mean_of(o)[k]);
            if o != Observable::EnergyDrift {
                let _ = write!(out, ",{}", e.stderr_of(o)[k]);
            }
        }
        out.push('\n');
    }
    out
}

/// The JSON sidecar: every parameter and the provenance of the numbers.
#[derive(Clone, Debug, Serialize)]
pub struct RunMetadata {
    pub program: &'static str,
    pub version: &'static str,
    pub params: Params,
    pub ns: usize,
    pub nb: usize,
    pub seed: u64,
    pub dt_used: f64,
    pub steps_per_trajectory: u64,
    pub trajectories_requested: usize,
    pub trajectories_completed: usize,
    pub error_basis: Option<ErrorBasis>,
    pub error_units: usize,
    pub wall_time_s: f64,
    pub stop_reason: &'static str,
    pub diverged_at: Option<f64>,
}

impl RunMetadata {
    pub fn new(params: &Params, outcome: &JobOutcome) -> Self {
        Self {
            program: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            params: params.clone(),
            ns: params.ns(),
            nb: params.nb(),
            seed: params.seed,
            dt_used: params.effective_dt(),
            steps_per_trajectory: params.steps_per_trajectory(),
            trajectories_requested: params.n_trajectories(),
            trajectories_completed: outcome.trajectories_completed,
            error_basis: outcome.ensemble.as_ref().map(|e| e.error_basis),
            error_units: outcome.ensemble.as_ref().map_or(0, |e| e.units),
            wall_time_s: outcome.elapsed.as_secs_f64(),
            stop_reason: outcome.stop.name(),
            diverged_at: outcome.stop.diverged_at(),
        }
    }
}
