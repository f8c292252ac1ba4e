//! Ensembles of trajectories over rayon: deterministic RNG streams, work units, the job runner
//! with progress, partial results and cancellation, the worker thread the explorer runs jobs
//! on, the explorer's egui-free session state, and the cost model.

mod batch;
mod cost;
mod ensemble;
mod family;
mod job;
mod rng;
mod session;
mod shared_couplings;
mod worker;

pub use batch::{BatchEnd, BatchMoments, BatchSpec, batch_specs, realization_couplings, run_batch};
pub use cost::{
    CostModel, GUESS_RATE, LOSS_WORK, MODE_WORK, OUT_OF_CACHE, SPIN_WORK, STEP_WORK,
    work_per_trajectory_step,
};
pub use ensemble::{Ensemble, ErrorBasis, Moments, UnitBasis, UnitCurves};
pub use family::{Family, FamilyError, FamilyParameter, MAX_FAMILY};
pub use job::{JobOutcome, JobRequest, PROGRESS_INTERVAL, Progress, SimError, StopReason, run_job};
pub use rng::{NoiseRng, SimRng, noise_rng, realization_rng, trajectory_rng};
pub use session::{
    DRIFT_WARNING, JobRecord, JobStatus, MAX_PINS, Origin, PinError, RunProblem, Session,
    SessionCurve, SessionError, SessionEvent, max_drift, params_diff, params_label,
};
pub use shared_couplings::SharedCouplings;
pub use worker::{JobRunner, RESULT_CAPACITY, Waker, Worker, WorkerError, WorkerMsg};
pub(crate) use worker::{lower_priority, panic_message};
