//! Ensembles of trajectories over rayon: deterministic RNG streams, work units, the job runner
//! with progress, partial results and cancellation.

mod batch;
mod ensemble;
mod family;
mod job;
mod rng;

pub use batch::{BatchEnd, BatchSpec, BatchSums, batch_specs, run_batch};
pub use ensemble::{Ensemble, ErrorBasis, UnitBasis, UnitCurves};
pub use family::{Family, FamilyError, FamilyParameter, MAX_FAMILY};
pub use job::{JobOutcome, JobRequest, PROGRESS_INTERVAL, Progress, SimError, StopReason, run_job};
pub use rng::{SimRng, realization_rng, trajectory_rng};
