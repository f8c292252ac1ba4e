//! Bookkeeping of the explorer's runs: which job is current, its progress, and the rate that
//! turns a parameter set into a cost estimate.

use super::worker::WorkerMsg;
use crate::physics::Params;
use crate::sim::{Ensemble, JobOutcome, Progress, SimError, StopReason};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Jobs remembered for inspection (tests, the status bar); older ones are forgotten.
const HISTORY: usize = 64;

/// A job the explorer started.
#[derive(Clone, Debug)]
pub struct JobRecord {
    pub job_id: u64,
    pub params: Params,
    pub cancel: Arc<AtomicBool>,
}

impl JobRecord {
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The latest known state of the current job.
#[derive(Clone, Debug, Default)]
pub struct JobStatus {
    pub trajectories_done: usize,
    pub trajectories_total: usize,
    pub steps_done: u64,
    pub steps_total: u64,
    pub elapsed: Duration,
    /// `Some` once the job has ended.
    pub finished: Option<Result<StopReason, SimError>>,
}

impl JobStatus {
    pub fn in_flight(&self) -> bool {
        self.finished.is_none()
    }

    /// Trajectory-steps per second so far.
    pub fn steps_per_second(&self) -> Option<f64> {
        let secs = self.elapsed.as_secs_f64();
        (secs > 0.0 && self.steps_done > 0).then(|| self.steps_done as f64 / secs)
    }

    /// Estimated seconds left, from the rate so far.
    pub fn eta(&self) -> Option<f64> {
        let rate = self.steps_per_second()?;
        Some(self.steps_total.saturating_sub(self.steps_done) as f64 / rate)
    }
}

/// What a delivered message changed.
#[derive(Debug)]
pub enum Delivery {
    /// The message belonged to an older job and was dropped.
    Stale,
    /// Progress of the current job, with a new partial average if one came.
    Progress(Option<Arc<Ensemble>>),
    /// The current job ended.
    Finished(Result<Box<JobOutcome>, SimError>),
}

/// Job ids, the current job and its status.
#[derive(Debug, Default)]
pub struct Jobs {
    next_id: u64,
    history: Vec<JobRecord>,
    status: Option<JobStatus>,
    stale_dropped: u64,
}

impl Jobs {
    /// Record a new current job; the caller has cancelled the previous one.
    pub fn begin(&mut self, params: Params, cancel: Arc<AtomicBool>) -> u64 {
        self.next_id += 1;
        if self.history.len() == HISTORY {
            self.history.remove(0);
        }
        self.history.push(JobRecord {
            job_id: self.next_id,
            params: params.clone(),
            cancel,
        });
        self.status = Some(JobStatus {
            trajectories_total: params.n_trajectories(),
            steps_total: params.steps_per_trajectory() * params.n_trajectories() as u64,
            ..JobStatus::default()
        });
        self.next_id
    }

    /// The id the next job will get.
    pub fn next_id(&self) -> u64 {
        self.next_id + 1
    }

    pub fn current(&self) -> Option<&JobRecord> {
        self.history.last()
    }

    pub fn history(&self) -> &[JobRecord] {
        &self.history
    }

    pub fn status(&self) -> Option<&JobStatus> {
        self.status.as_ref()
    }

    pub fn in_flight(&self) -> bool {
        self.status.as_ref().is_some_and(JobStatus::in_flight)
    }

    /// Messages of older jobs dropped so far.
    pub fn stale_dropped(&self) -> u64 {
        self.stale_dropped
    }

    /// Mark the current job as stopped without waiting for the worker (no worker, or it died).
    pub fn abandon(&mut self) {
        if let Some(status) = self.status.as_mut().filter(|s| s.in_flight()) {
            status.finished = Some(Ok(StopReason::Cancelled));
        }
    }

    /// Apply a worker message; messages of any job but the current one are dropped.
    pub fn deliver(&mut self, msg: WorkerMsg) -> Delivery {
        let current = self.current().map(|r| r.job_id);
        let status = match self.status.as_mut() {
            Some(s) if current == Some(msg.job_id()) && s.in_flight() => s,
            _ => {
                self.stale_dropped += 1;
                return Delivery::Stale;
            }
        };
        match msg {
            WorkerMsg::Progress(p) => {
                let Progress {
                    trajectories_done,
                    trajectories_total,
                    steps_done,
                    steps_total,
                    elapsed,
                    partial,
                    ..
                } = p;
                status.trajectories_done = trajectories_done;
                status.trajectories_total = trajectories_total;
                status.steps_done = steps_done;
                status.steps_total = steps_total;
                status.elapsed = elapsed;
                Delivery::Progress(partial)
            }
            WorkerMsg::Finished { result, .. } => {
                match &result {
                    Ok(outcome) => {
                        status.trajectories_done = outcome.trajectories_completed;
                        status.steps_done = outcome.steps_done;
                        status.elapsed = outcome.elapsed;
                        status.finished = Some(Ok(outcome.stop));
                    }
                    Err(e) => status.finished = Some(Err(e.clone())),
                }
                Delivery::Finished(result)
            }
        }
    }
}

/// Floating-point work of one trajectory-step, the unit of the cost estimate: two GEMMs of
/// `Ns x Nb` per coupling stage plus the elementwise updates of every particle.
pub fn flops_per_trajectory_step(p: &Params) -> f64 {
    let (_, coupling_stages) = p.integrator.coefficients();
    let (ns, nb) = (p.ns() as f64, p.nb() as f64);
    coupling_stages.len() as f64 * 4.0 * ns * nb + 60.0 * (ns + nb)
}

/// The machine's effective rate, in flops per second, measured on the explorer's own runs.
#[derive(Clone, Copy, Debug)]
pub struct RateEstimate {
    pub flops_per_second: f64,
    /// False until a run has lasted long enough to measure.
    pub measured: bool,
}

impl RateEstimate {
    /// A first guess before anything ran: 4 GFLOP/s per thread, below what the default preset
    /// reaches here (bench `engine`: about 7.7 GFLOP/s effective on one thread).
    pub fn guess(threads: usize) -> Self {
        Self {
            flops_per_second: 4e9 * threads.max(1) as f64,
            measured: false,
        }
    }

    /// Fold in a run that did `steps` trajectory-steps of `params` in `elapsed`.
    pub fn observe(&mut self, params: &Params, steps: u64, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if secs < 0.2 || steps == 0 {
            return; // too short to time
        }
        self.flops_per_second = steps as f64 * flops_per_trajectory_step(params) / secs;
        self.measured = true;
    }

    /// Seconds the whole run of `params` should take.
    pub fn seconds(&self, params: &Params) -> f64 {
        let steps = params.steps_per_trajectory() as f64 * params.n_trajectories() as f64;
        steps * flops_per_trajectory_step(params) / self.flops_per_second
    }
}
