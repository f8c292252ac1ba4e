//! The job runner shared by the desktop app and the command line.
//!
//! [`run_job`] integrates a run's batches on the current rayon pool (the global one, or the pool
//! whose `install` calls it), emits [`Progress`] with partial ensemble averages while it works, and
//! honours a cancel flag before every integration step. Batch results are stored by batch index
//! and reduced in that order, so the final result is bitwise identical for any number of threads.

use super::batch::{BatchEnd, BatchMoments, batch_specs, run_batch};
use super::ensemble::Ensemble;
use super::shared_couplings::SharedCouplings;
use crate::physics::{ParamError, Params};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use thiserror::Error;

/// Time between two progress reports, at most.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Steps a worker counts locally before adding them to the job's total and checking whether a
/// progress report is due (one shared atomic update per 16 steps instead of one per step).
const POLLS_PER_FLUSH: u32 = 16;

/// A run to do, tagged so a front end can drop reports of jobs it has moved past.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRequest {
    pub job_id: u64,
    pub params: Params,
}

/// Why a job stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    Completed,
    Cancelled,
    /// A trajectory produced a non-finite value by output time `t`.
    Diverged {
        t: f64,
    },
}

impl StopReason {
    /// One word: `completed`, `cancelled` or `diverged`.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::Completed => "completed",
            StopReason::Cancelled => "cancelled",
            StopReason::Diverged { .. } => "diverged",
        }
    }

    /// The time of divergence, if the run diverged.
    pub fn diverged_at(self) -> Option<f64> {
        match self {
            StopReason::Diverged { t } => Some(t),
            _ => None,
        }
    }
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.diverged_at() {
            Some(t) => write!(f, "diverged at t = {t}"),
            None => f.write_str(self.name()),
        }
    }
}

/// A progress report. `partial` is present when batches finished since the previous report.
#[derive(Clone, Debug)]
pub struct Progress {
    pub job_id: u64,
    pub trajectories_done: usize,
    pub trajectories_total: usize,
    /// Trajectory-steps integrated so far (finished or not).
    pub steps_done: u64,
    pub steps_total: u64,
    pub elapsed: Duration,
    pub partial: Option<Arc<Ensemble>>,
}

/// What a job produced.
#[derive(Clone, Debug)]
pub struct JobOutcome {
    pub job_id: u64,
    /// Averages over every finished batch; `None` if none finished.
    pub ensemble: Option<Ensemble>,
    pub stop: StopReason,
    pub trajectories_completed: usize,
    pub steps_done: u64,
    pub elapsed: Duration,
}

/// Errors of the job runner.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SimError {
    #[error(transparent)]
    Invalid(#[from] ParamError),
    /// The simulation code panicked (a bug): the message, for the report.
    #[error("internal error in the simulation: {0}")]
    Panicked(String),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere cannot leave these plain data structures half-written.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Shared<'a> {
    request: &'a JobRequest,
    cancel: &'a AtomicBool,
    on_progress: &'a (dyn Fn(&Progress) + Sync),
    times: Vec<f64>,
    start: Instant,
    results: Mutex<Vec<Option<BatchMoments>>>,
    couplings: SharedCouplings<'a>,
    abort: AtomicBool,
    diverged_at: Mutex<Option<f64>>,
    next_batch: AtomicUsize,
    batches_done: AtomicUsize,
    batches_reported: AtomicUsize,
    trajectories_done: AtomicUsize,
    /// Trajectory-steps done, as flushed by the workers (each counts its own and adds them here
    /// every [`POLLS_PER_FLUSH`] steps and when a batch ends).
    steps_done: AtomicU64,
    steps_total: u64,
    last_report_us: AtomicU64,
}

impl Shared<'_> {
    fn stopping(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed)
    }

    fn reduce(&self) -> Option<Ensemble> {
        let results = lock(&self.results);
        Ensemble::reduce(
            &self.times,
            results.iter().flatten(),
            self.request.params.realizations,
        )
    }

    /// Report progress unless a report went out less than `PROGRESS_INTERVAL` ago (the first
    /// finished batch is always reported at once).
    fn maybe_report(&self) {
        let now = self.start.elapsed().as_micros() as u64;
        let last = self.last_report_us.load(Ordering::Relaxed);
        let done = self.batches_done.load(Ordering::Acquire);
        let first_partial = done > 0 && self.batches_reported.load(Ordering::Relaxed) == 0;
        if now.saturating_sub(last) < PROGRESS_INTERVAL.as_micros() as u64 && !first_partial {
            return;
        }
        if self
            .last_report_us
            .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            return; // another thread is reporting
        }
        let fresh = self.batches_reported.swap(done, Ordering::AcqRel) != done;
        let partial = if fresh {
            self.reduce().map(Arc::new)
        } else {
            None
        };
        (self.on_progress)(&Progress {
            job_id: self.request.job_id,
            trajectories_done: self.trajectories_done.load(Ordering::Relaxed),
            trajectories_total: self.request.params.n_trajectories(),
            steps_done: self.steps_done.load(Ordering::Relaxed),
            steps_total: self.steps_total,
            elapsed: self.start.elapsed(),
            partial,
        });
    }

    fn worker(&self, specs: &[super::batch::BatchSpec]) {
        let params = &self.request.params;
        loop {
            if self.stopping() {
                return;
            }
            let i = self.next_batch.fetch_add(1, Ordering::Relaxed);
            let Some(spec) = specs.get(i) else { return };
            let couplings = self.couplings.acquire(spec.realization);
            let mut polls = 0_u32;
            let mut unflushed = 0_u64;
            let end = run_batch(params, spec, &couplings, &self.times, &mut |steps| {
                unflushed += steps;
                polls = polls.wrapping_add(1);
                if polls.is_multiple_of(POLLS_PER_FLUSH) {
                    self.steps_done.fetch_add(unflushed, Ordering::Relaxed);
                    unflushed = 0;
                    self.maybe_report();
                }
                self.stopping()
            });
            self.steps_done.fetch_add(unflushed, Ordering::Relaxed);
            drop(couplings);
            self.couplings.release(spec.realization);
            match end {
                BatchEnd::Done(sums) => {
                    lock(&self.results)[i] = Some(sums);
                    self.trajectories_done
                        .fetch_add(spec.width, Ordering::Relaxed);
                    self.batches_done.fetch_add(1, Ordering::Release);
                    self.maybe_report();
                }
                BatchEnd::Stopped => return,
                BatchEnd::Diverged { t } => {
                    let mut at = lock(&self.diverged_at);
                    *at = Some(at.map_or(t, |a| a.min(t)));
                    self.abort.store(true, Ordering::Relaxed);
                    return;
                }
            }
        }
    }
}

/// Run a job to the end, until `cancel` is set, or until a trajectory diverges.
///
/// `on_progress` is called from worker threads, at most every [`PROGRESS_INTERVAL`] and at
/// once when the first batch finishes. Bad parameters return [`SimError::Invalid`] before any
/// work starts.
pub fn run_job(
    request: &JobRequest,
    cancel: &AtomicBool,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> Result<JobOutcome, SimError> {
    let params = &request.params;
    let threads = rayon::current_num_threads();
    params.validate_for(threads)?;
    let specs = batch_specs(params);
    let shared = Shared {
        request,
        cancel,
        on_progress,
        times: params.output_times(),
        start: Instant::now(),
        results: Mutex::new(vec![None; specs.len()]),
        couplings: SharedCouplings::new(params, &specs),
        abort: AtomicBool::new(false),
        diverged_at: Mutex::new(None),
        next_batch: AtomicUsize::new(0),
        batches_done: AtomicUsize::new(0),
        batches_reported: AtomicUsize::new(0),
        trajectories_done: AtomicUsize::new(0),
        steps_done: AtomicU64::new(0),
        steps_total: params.steps_per_trajectory() * params.n_trajectories() as u64,
        last_report_us: AtomicU64::new(0),
    };
    let workers = threads.min(specs.len()).max(1);
    rayon::scope(|s| {
        for _ in 0..workers {
            s.spawn(|_| shared.worker(&specs));
        }
    });
    let trajectories_completed = shared.trajectories_done.load(Ordering::Relaxed);
    let stop = match *lock(&shared.diverged_at) {
        Some(t) => StopReason::Diverged { t },
        None if trajectories_completed < params.n_trajectories() => StopReason::Cancelled,
        None => StopReason::Completed,
    };
    Ok(JobOutcome {
        job_id: request.job_id,
        ensemble: shared.reduce(),
        stop,
        trajectories_completed,
        steps_done: shared.steps_done.load(Ordering::Relaxed),
        elapsed: shared.start.elapsed(),
    })
}
