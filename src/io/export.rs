//! CSV and JSON output of a run.

use super::palette::CurveView;
use crate::physics::{Observable, Params};
use crate::sim::{Ensemble, ErrorBasis, JobOutcome, StopReason};
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
    /// The photon modes the engine integrated: the Ns collective modes of the spin-boson model
    /// when Nb > Ns (the same dynamics; README, *Collective modes*), else all Nb; none (null)
    /// for the adiabatic model.
    pub simulated_modes: Option<usize>,
    pub seed: u64,
    /// `f64` or `mixed`, stated for every run (in `params` only when mixed, so that presets and
    /// sweep fingerprints from before the choice existed stay valid).
    pub precision: &'static str,
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
            simulated_modes: (params.model == crate::physics::Model::SpinBoson)
                .then(|| params.simulated_modes()),
            seed: params.seed,
            precision: params.precision.label(),
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

/// The columns of [`tidy_csv`], in order. `sx_fit` is the best-AIC law of the curve's relaxation
/// fit inside its window (empty outside the window or without a fit; the sidecar has the fit).
pub const TIDY_CSV_COLUMNS: [&str; 20] = [
    "curve",
    "nt",
    "alpha",
    "sigma",
    "omega",
    "h",
    "kappa",
    "model",
    "seed",
    "t",
    "sx",
    "sx_err",
    "sy",
    "sy_err",
    "sz",
    "sz_err",
    "n_photon",
    "n_photon_err",
    "energy_drift",
    "sx_fit",
];

/// Every curve in one long ("tidy") table: a row per curve and output time, the curve's
/// parameters repeated on each row, ready for `pandas.read_csv(...).groupby("curve")`.
pub fn tidy_csv(curves: &[CurveView<'_>]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(TIDY_CSV_COLUMNS)?;
    for c in curves {
        let p = c.params;
        let model = match p.model {
            crate::physics::Model::SpinBoson => "spin-boson",
            crate::physics::Model::Adiabatic => "adiabatic",
        };
        let fixed = [
            c.label.to_string(),
            p.nt.to_string(),
            p.alpha.to_string(),
            p.sigma.to_string(),
            p.omega.to_string(),
            p.h.to_string(),
            p.kappa.to_string(),
            model.to_string(),
            p.seed.to_string(),
        ];
        let e = c.ensemble;
        let best = c
            .fit
            .and_then(|f| f.best.and_then(|law| f.law(law)).map(|l| (f.window, *l)));
        for (k, t) in e.t.iter().enumerate() {
            let mut row: Vec<String> = fixed.to_vec();
            row.push(t.to_string());
            for o in Observable::ALL {
                row.push(e.mean_of(o)[k].to_string());
                if o != Observable::EnergyDrift {
                    row.push(e.stderr_of(o)[k].to_string());
                }
            }
            row.push(match best {
                Some((w, law)) if *t >= w.t_start && *t <= w.t_end => law.eval(*t).to_string(),
                _ => String::new(),
            });
            writer.write_record(&row)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Provenance of one exported curve.
#[derive(Clone, Debug, Serialize)]
pub struct CurveMetadata {
    pub curve: String,
    pub params: Params,
    pub ns: usize,
    pub nb: usize,
    pub seed: u64,
    /// `f64` or `mixed` (see [`RunMetadata::precision`]).
    pub precision: &'static str,
    pub dt_used: f64,
    pub trajectories_requested: usize,
    pub trajectories_completed: usize,
    pub error_basis: ErrorBasis,
    pub error_units: usize,
    /// `completed`, `cancelled` or `diverged`; absent for a curve still running.
    pub stop_reason: Option<&'static str>,
    /// The curve's color on screen and in figures (`#rrggbb`).
    pub color: String,
    /// The relaxation fit of sx, as in `spinboson run --fit`'s sidecar.
    pub fit: Option<serde_json::Value>,
}

/// The JSON sidecar of a tidy export.
#[derive(Clone, Debug, Serialize)]
pub struct ExportMetadata {
    pub program: &'static str,
    pub version: &'static str,
    pub columns: Vec<&'static str>,
    pub curves: Vec<CurveMetadata>,
}

impl ExportMetadata {
    pub fn new(curves: &[CurveView<'_>]) -> Self {
        Self {
            program: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
            columns: TIDY_CSV_COLUMNS.to_vec(),
            curves: curves
                .iter()
                .map(|c| CurveMetadata {
                    curve: c.label.to_string(),
                    params: c.params.clone(),
                    ns: c.params.ns(),
                    nb: c.params.nb(),
                    seed: c.params.seed,
                    precision: c.params.precision.label(),
                    dt_used: c.params.effective_dt(),
                    trajectories_requested: c.params.n_trajectories(),
                    trajectories_completed: c.ensemble.trajectories,
                    error_basis: c.ensemble.error_basis,
                    error_units: c.ensemble.units,
                    stop_reason: c.stop.map(StopReason::name),
                    color: c.color.hex(),
                    fit: c.fit.map(|f| crate::analysis::fit_json(f, c.params)),
                })
                .collect(),
        }
    }
}

/// Why a tidy export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot encode the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot encode the JSON sidecar: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Write(#[from] super::atomic::WriteError),
}

/// Write `curves` as a tidy CSV at `path` and its JSON sidecar beside it (`.json`), both
/// atomically. Returns the sidecar's path.
pub fn write_tidy_export(
    path: &std::path::Path,
    curves: &[CurveView<'_>],
) -> Result<std::path::PathBuf, ExportError> {
    super::atomic::write_atomic(path, tidy_csv(curves)?.as_bytes())?;
    let sidecar = path.with_extension("json");
    let meta = serde_json::to_string_pretty(&ExportMetadata::new(curves))?;
    super::atomic::write_atomic(&sidecar, meta.as_bytes())?;
    Ok(sidecar)
}
