//! The explorer's state below the UI: the current run, the pinned curves, the family queue and
//! the stale-message filter, with no egui in it (it is tested without a harness).
//!
//! Panels read a [`Session`] and hand it intents (`start`, `stop`, `pin_current`,
//! `start_family`); the worker's messages go through [`Session::deliver`], which drops those of
//! superseded jobs and reports what the front end has to follow ([`SessionEvent`]).

use super::cost::CostModel;
use super::family::{Family, FamilyError, FamilyParameter};
use super::job::{JobOutcome, Progress, SimError, StopReason};
use super::worker::{JobRunner, Waker, Worker, WorkerError, WorkerMsg};
use super::{Ensemble, JobRequest};
use crate::analysis::{FitReport, Timescales, WindowRequest, fit_ensemble};
use crate::io::{CURRENT_COLOR, CurveView, PALETTE, Rgb};
use crate::physics::{Model, Observable, Params};
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use thiserror::Error;

/// Most pinned curves kept at once (one color each).
pub const MAX_PINS: usize = PALETTE.len();

/// Jobs remembered for inspection (tests, the status bar); older ones are forgotten.
const HISTORY: usize = 64;

/// Energy drift per particle, relative to [`Params::energy_scale`], above which a lossless run is
/// flagged. Measured (README, *Energy drift and dt*): where the splitting is accurate the relative
/// drift stays below 2e-3 and sx agrees with a 4x smaller step within its errors; past the
/// step's stability it jumps to O(1) and sx is wrong. 1e-2 separates the two with room on both
/// sides.
pub const DRIFT_WARNING: f64 = 1e-2;

/// A job the session started.
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
}

/// Where a curve came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Origin {
    /// The running (or last) run.
    Current,
    /// Pinned by the user.
    Manual,
    /// The `index`-th member of family run number `family`.
    Family {
        family: u64,
        index: usize,
        parameter: FamilyParameter,
        value: f64,
    },
}

/// A curve the explorer shows: the current run or a pinned one.
#[derive(Clone, Debug)]
pub struct SessionCurve {
    /// Unique among the pins (the current curve has [`SessionCurve::CURRENT_SERIAL`]).
    pub serial: u64,
    pub origin: Origin,
    pub params: Params,
    pub ensemble: Arc<Ensemble>,
    /// Why its run stopped; `None` while it runs.
    pub stop: Option<StopReason>,
    pub color: Rgb,
    /// The relaxation fit of its sx on the session's window (provisional while `stop` is None).
    pub fit: Option<Arc<FitReport>>,
}

impl SessionCurve {
    pub const CURRENT_SERIAL: u64 = u64::MAX;

    /// The legend entry, relative to the parameters on the controls (`reference`): the current run
    /// names its parameters; a family member its value and whatever else differs from the
    /// controls; a manual pin what differs from the controls. A curve whose run has not
    /// completed (running, cancelled, a pin taken mid-run) says how many trajectories it holds,
    /// so an exported figure or CSV never passes a partial curve off as a finished one.
    pub fn label(&self, reference: &Params) -> String {
        let mut label = match self.origin {
            Origin::Current => params_label(&self.params),
            Origin::Family {
                parameter, value, ..
            } => {
                let mut s = parameter.member_label(value);
                let diff = params_diff(&self.params, reference, Some(parameter));
                if !diff.is_empty() {
                    let _ = write!(s, " · {diff}");
                }
                s
            }
            Origin::Manual => {
                let diff = params_diff(&self.params, reference, None);
                if diff.is_empty() {
                    "pin: as the controls".to_string()
                } else {
                    format!("pin: {diff}")
                }
            }
        };
        if self.stop != Some(StopReason::Completed) {
            let _ = write!(label, " ({} traj.)", self.ensemble.trajectories);
        }
        label
    }

    /// The curve as the figure renderer and the CSV export take it.
    pub fn view<'a>(&'a self, label: &'a str) -> CurveView<'a> {
        CurveView {
            label,
            params: &self.params,
            ensemble: &self.ensemble,
            stop: self.stop,
            color: self.color,
            fit: self.fit.as_deref(),
        }
    }

    /// Fit this curve's sx on `window` (`None`: the default window of its parameters).
    fn refit(&mut self, window: Option<(f64, f64)>) {
        let request = match window {
            Some((t_start, t_end)) => WindowRequest::Manual { t_start, t_end },
            None => WindowRequest::Auto(Timescales::from_params(&self.params)),
        };
        self.fit = Some(Arc::new(fit_ensemble(&self.ensemble, request)));
    }
}

/// `σ/√h=3 ω/h=1 α=10 Nt=400`, plus loss and the model where they are not the default.
pub fn params_label(p: &Params) -> String {
    let mut label = format!(
        "σ/√h={} ω/h={} α={} Nt={}",
        short(p.sigma / p.h.sqrt()),
        short(p.omega / p.h),
        short(p.alpha),
        p.nt
    );
    if p.kappa > 0.0 {
        let _ = write!(label, " κ={}", short(p.kappa));
    }
    if p.model == Model::Adiabatic {
        label.push_str(" adiabatic");
    }
    label
}

/// A number with at most four significant digits and no trailing zeros.
fn short(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    let magnitude = v.abs();
    if magnitude != 0.0 && !(1e-3..1e5).contains(&magnitude) {
        format!("{v:.3e}")
    } else {
        s.to_string()
    }
}

/// The parameters of `p` that differ from `reference`, as `name=value` words (empty if none),
/// leaving out `except` (a family's own parameter, already in the label).
pub fn params_diff(p: &Params, reference: &Params, except: Option<FamilyParameter>) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut check = |family: Option<FamilyParameter>, name: &str, a: String, b: String| {
        if a != b && (family.is_none() || family != except) {
            words.push(format!("{name}={a}"));
        }
    };
    let sig = |q: &Params| short(q.sigma / q.h.sqrt());
    let om = |q: &Params| short(q.omega / q.h);
    use FamilyParameter as F;
    check(Some(F::SigmaOverSqrtH), "σ/√h", sig(p), sig(reference));
    check(Some(F::OmegaOverH), "ω/h", om(p), om(reference));
    check(Some(F::Alpha), "α", short(p.alpha), short(reference.alpha));
    check(
        Some(F::Nt),
        "Nt",
        p.nt.to_string(),
        reference.nt.to_string(),
    );
    check(Some(F::H), "h", short(p.h), short(reference.h));
    check(Some(F::Kappa), "κ", short(p.kappa), short(reference.kappa));
    let model = |q: &Params| match (q.model, q.self_interaction) {
        (Model::SpinBoson, _) => "spin-boson".to_string(),
        (Model::Adiabatic, false) => "adiabatic".to_string(),
        (Model::Adiabatic, true) => "adiabatic+self".to_string(),
    };
    check(Some(F::Model), "model", model(p), model(reference));
    let displacement = |q: &Params| format!("{:?}", q.displacement);
    check(
        None,
        "displacement",
        displacement(p),
        displacement(reference),
    );
    check(None, "t_max", short(p.t_max), short(reference.t_max));
    let ensemble = |q: &Params| format!("{}x{}", q.realizations, q.trajectories_per_realization);
    check(None, "runs", ensemble(p), ensemble(reference));
    check(None, "seed", p.seed.to_string(), reference.seed.to_string());
    let dt = |q: &Params| q.dt.map_or("auto".to_string(), short);
    check(None, "dt", dt(p), dt(reference));
    let integrator = |q: &Params| format!("{:?}", q.integrator);
    check(None, "integrator", integrator(p), integrator(reference));
    let precision = |q: &Params| q.precision.label().to_string();
    check(None, "precision", precision(p), precision(reference));
    words.join(" ")
}

/// A pin that could not be made.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum PinError {
    #[error("{MAX_PINS} curves are pinned already: remove one first")]
    Full,
    #[error("no curve of the current run to pin yet")]
    NothingToPin,
}

/// A family run that could not start.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SessionError {
    #[error(transparent)]
    Family(#[from] FamilyError),
    #[error(
        "this family pins {needed} curves, but {kept} pinned curves leave room for {free} (at most {MAX_PINS}): remove some pins first"
    )]
    TooManyPins {
        needed: usize,
        kept: usize,
        free: usize,
    },
}

/// Why the last run failed or stopped early.
#[derive(Clone, Debug, PartialEq)]
pub enum RunProblem {
    Failed(SimError),
    Diverged {
        t: f64,
    },
    WorkerDied,
    /// A parameter change ended a family run with `left` members not run.
    FamilyInterrupted {
        left: usize,
    },
}

impl std::fmt::Display for RunProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunProblem::Failed(e) => write!(f, "the run failed: {e}"),
            RunProblem::Diverged { t } => write!(
                f,
                "a trajectory diverged at t = {t:.4}: lower dt or check the parameters"
            ),
            RunProblem::FamilyInterrupted { left } => write!(
                f,
                "the family run stopped with {left} member(s) not run: the parameters changed"
            ),
            RunProblem::WorkerDied => f.write_str(
                "the simulation thread stopped unexpectedly; it was restarted, press Run to try again",
            ),
        }
    }
}

/// Something the front end has to follow.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionEvent {
    /// A family member started: the controls show its parameters while it runs.
    MemberStarted(Params),
    /// A family finished, every member pinned: the controls go back to the parameters the user
    /// had before it (`base`).
    FamilyFinished { base: Params, members: usize },
}

/// A family run in progress.
#[derive(Clone, Debug)]
struct FamilyRun {
    id: u64,
    /// The current curve when the family started, shown again at its end if the controls
    /// return to its parameters.
    before: Option<SessionCurve>,
    parameter: FamilyParameter,
    base: Params,
    /// Members still to run: index, value, parameters.
    queue: VecDeque<(usize, f64, Params)>,
    /// The running member: job id, index, value.
    running: Option<(u64, usize, f64)>,
    total: usize,
}

/// Where the simulations run.
enum Runner {
    /// No thread: tests deliver messages by hand.
    Manual,
    Thread {
        worker: Worker,
        threads: usize,
        nice: i32,
        waker: Waker,
        runner: JobRunner,
    },
}

/// The explorer's runs, pins and family queue.
pub struct Session {
    runner: Runner,
    next_id: u64,
    history: Vec<JobRecord>,
    status: Option<JobStatus>,
    stale_dropped: u64,
    current: Option<SessionCurve>,
    /// The current curve belongs to a job that has been superseded (drawn faded).
    current_is_stale: bool,
    pins: Vec<SessionCurve>,
    next_serial: u64,
    family: Option<FamilyRun>,
    families_started: u64,
    problem: Option<RunProblem>,
    cost: CostModel,
    threads: usize,
    /// The fit window of every curve: `None` for each curve's default window.
    fit_window: Option<(f64, f64)>,
}

impl Session {
    /// A session without a simulation thread: jobs are recorded and messages are delivered by
    /// hand (tests).
    pub fn manual(threads: usize) -> Self {
        Self::with_runner(Runner::Manual, threads.max(1))
    }

    /// A session that runs jobs on a `sim-worker` thread with `threads` pool threads (0: one per
    /// core) at scheduling priority `nice` (0: normal, 10: yield to the UI), waking the front end
    /// through `waker` on every message.
    pub fn spawn(threads: usize, nice: i32, waker: Waker) -> Result<Self, WorkerError> {
        Self::spawn_with(threads, nice, waker, Arc::new(super::run_job))
    }

    /// [`Session::spawn`] with the function that runs a job (tests inject failures here).
    pub fn spawn_with(
        threads: usize,
        nice: i32,
        waker: Waker,
        runner: JobRunner,
    ) -> Result<Self, WorkerError> {
        let worker = Worker::spawn_with(threads, nice, waker.clone(), runner.clone())?;
        let pool = worker.threads();
        Ok(Self::with_runner(
            Runner::Thread {
                worker,
                threads,
                nice,
                waker,
                runner,
            },
            pool,
        ))
    }

    fn with_runner(runner: Runner, threads: usize) -> Self {
        Self {
            runner,
            next_id: 0,
            history: Vec::new(),
            status: None,
            stale_dropped: 0,
            current: None,
            current_is_stale: false,
            pins: Vec::new(),
            next_serial: 0,
            family: None,
            families_started: 0,
            problem: None,
            cost: CostModel::default(),
            threads,
            fit_window: None,
        }
    }

    /// The fit window of every curve (`None`: each curve's default window, from its `t_h` to
    /// where sx drops into the noise or, with fast photons, `t_omega`).
    pub fn fit_window(&self) -> Option<(f64, f64)> {
        self.fit_window
    }

    /// Set the fit window and refit every curve (a fit takes about a millisecond).
    pub fn set_fit_window(&mut self, window: Option<(f64, f64)>) {
        if window == self.fit_window {
            return;
        }
        self.fit_window = window;
        if let Some(c) = self.current.as_mut() {
            c.refit(window);
        }
        for p in &mut self.pins {
            p.refit(window);
        }
    }

    // ---- read access ----

    /// Threads of the simulation pool.
    pub fn threads(&self) -> usize {
        self.threads
    }

    pub fn cost(&self) -> &CostModel {
        &self.cost
    }

    /// Every job started (the newest last), with its cancel flag.
    pub fn history(&self) -> &[JobRecord] {
        &self.history
    }

    pub fn current_job(&self) -> Option<&JobRecord> {
        self.history.last()
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

    /// The newest average of the current job (or of the previous one until the current job's
    /// first arrives: then [`Session::current_is_stale`]).
    pub fn current(&self) -> Option<&SessionCurve> {
        self.current.as_ref()
    }

    pub fn current_is_stale(&self) -> bool {
        self.current_is_stale
    }

    /// The current curve, unless it belongs to a superseded job.
    pub fn fresh_current(&self) -> Option<&SessionCurve> {
        self.current.as_ref().filter(|_| !self.current_is_stale)
    }

    /// The pinned curves, oldest first.
    pub fn pins(&self) -> &[SessionCurve] {
        &self.pins
    }

    pub fn problem(&self) -> Option<&RunProblem> {
        self.problem.as_ref()
    }

    /// The running family member: its 1-based position, the family size, parameter and value.
    pub fn family_progress(&self) -> Option<(usize, usize, FamilyParameter, f64)> {
        let family = self.family.as_ref()?;
        let (_, index, value) = family.running?;
        Some((index + 1, family.total, family.parameter, value))
    }

    /// Every curve in legend order: family members in family order (the running member in its
    /// place), then manual pins by the time they were pinned, then the current run when it is
    /// not a family member. Stale current curves come last, with the flag set.
    pub fn legend(&self) -> Vec<(&SessionCurve, bool)> {
        let mut family: Vec<&SessionCurve> = self
            .pins
            .iter()
            .filter(|c| matches!(c.origin, Origin::Family { .. }))
            .collect();
        family.sort_by_key(|c| match c.origin {
            Origin::Family { family, index, .. } => (family, index),
            _ => (0, 0),
        });
        let mut out: Vec<(&SessionCurve, bool)> = family.into_iter().map(|c| (c, false)).collect();
        let current = self.current.as_ref().map(|c| (c, self.current_is_stale));
        let member_running = self.family.as_ref().is_some_and(|f| f.running.is_some());
        if member_running && let Some(c) = current {
            out.push(c);
        }
        out.extend(
            self.pins
                .iter()
                .filter(|c| c.origin == Origin::Manual)
                .map(|c| (c, false)),
        );
        if !member_running && let Some(c) = current {
            out.push(c);
        }
        out
    }

    // ---- intents ----

    /// Start a job with `params`, cancelling the running one at once; a family run ends (and
    /// [`Session::problem`] says so).
    pub fn start(&mut self, params: Params) -> u64 {
        let interrupted = self.family.take().and_then(|f| {
            let left = f.queue.len() + usize::from(f.running.is_some());
            (left > 0).then_some(left)
        });
        let id = self.launch(params);
        if let Some(left) = interrupted {
            self.problem = Some(RunProblem::FamilyInterrupted { left });
        }
        id
    }

    fn launch(&mut self, params: Params) -> u64 {
        if let Some(previous) = self.history.last() {
            previous.cancel.store(true, Ordering::Relaxed);
        }
        self.next_id += 1;
        let job_id = self.next_id;
        let cancel = match &mut self.runner {
            Runner::Thread { worker, .. } => worker.start(JobRequest {
                job_id,
                params: params.clone(),
            }),
            Runner::Manual => Arc::new(AtomicBool::new(false)),
        };
        if self.history.len() == HISTORY {
            self.history.remove(0);
        }
        self.status = Some(JobStatus {
            trajectories_total: params.n_trajectories(),
            steps_total: params.steps_per_trajectory() * params.n_trajectories() as u64,
            ..JobStatus::default()
        });
        self.history.push(JobRecord {
            job_id,
            params,
            cancel,
        });
        self.current_is_stale = self.current.is_some();
        self.problem = None;
        job_id
    }

    /// Stop the running job (its finished trajectories stay); a family run ends too.
    pub fn stop(&mut self) {
        self.family = None;
        if let Some(job) = self.history.last() {
            job.cancel.store(true, Ordering::Relaxed);
        }
        if matches!(self.runner, Runner::Manual) {
            self.abandon();
        }
    }

    /// Pin the current curve. Refused when [`MAX_PINS`] curves are pinned: pins are never
    /// dropped silently.
    pub fn pin_current(&mut self) -> Result<(), PinError> {
        let curve = self.fresh_current().ok_or(PinError::NothingToPin)?.clone();
        self.add_pin(curve, Origin::Manual)
    }

    fn add_pin(&mut self, curve: SessionCurve, origin: Origin) -> Result<(), PinError> {
        if self.pins.len() >= MAX_PINS {
            return Err(PinError::Full);
        }
        let in_use: Vec<Rgb> = self.pins.iter().map(|p| p.color).collect();
        let free = |k: &usize| !in_use.contains(&PALETTE[*k]);
        // Family member k takes PALETTE[k], as in `spinboson figure`; manual pins take colors
        // from the end of the palette, so they rarely displace a family's colors.
        let color = match origin {
            Origin::Family { index, .. } => {
                (index..index + MAX_PINS).map(|k| k % MAX_PINS).find(free)
            }
            _ => (0..MAX_PINS).rev().find(free),
        }
        .map_or(PALETTE[0], |k| PALETTE[k]);
        let serial = self.next_serial;
        self.next_serial += 1;
        self.pins.push(SessionCurve {
            serial,
            origin,
            color,
            ..curve
        });
        Ok(())
    }

    pub fn unpin(&mut self, serial: u64) {
        self.pins.retain(|p| p.serial != serial);
    }

    pub fn clear_pins(&mut self) {
        self.pins.clear();
    }

    /// Remove the pins of earlier family runs (a new family, or a preset, replaces them); manual
    /// pins stay.
    pub fn drop_family_pins(&mut self) {
        self.pins
            .retain(|p| !matches!(p.origin, Origin::Family { .. }));
    }

    /// Whether a family of `needed` members fits beside the manual pins (a family replaces the
    /// previous family's pins, so only manual pins count).
    pub fn check_room_for_family(&self, needed: usize) -> Result<(), SessionError> {
        let kept = self
            .pins
            .iter()
            .filter(|p| p.origin == Origin::Manual)
            .count();
        let free = MAX_PINS - kept;
        if needed > free {
            return Err(SessionError::TooManyPins { needed, kept, free });
        }
        Ok(())
    }

    /// Run `family` over `base`, member by member; each finished member is pinned. The previous
    /// family's pins are replaced; manual pins stay, and a family that would not fit beside them
    /// is refused (nothing changes).
    pub fn start_family(&mut self, family: &Family, base: &Params) -> Result<(), SessionError> {
        let members = family.members(base)?;
        self.check_room_for_family(members.len())?;
        self.drop_family_pins();
        self.families_started += 1;
        let before = self
            .fresh_current()
            .filter(|c| c.params == *base && c.stop == Some(StopReason::Completed))
            .cloned();
        let queue = family
            .values
            .iter()
            .copied()
            .zip(members)
            .enumerate()
            .map(|(k, (v, p))| (k, v, p))
            .collect();
        self.family = Some(FamilyRun {
            id: self.families_started,
            before,
            parameter: family.parameter,
            base: base.clone(),
            queue,
            running: None,
            total: family.values.len(),
        });
        self.next_family_member();
        Ok(())
    }

    /// Start the next queued member; returns its parameters, or `None` when the queue is empty.
    fn next_family_member(&mut self) -> Option<Params> {
        let (index, value, params) = self.family.as_mut()?.queue.pop_front()?;
        let job_id = self.launch(params.clone());
        if let Some(f) = self.family.as_mut() {
            f.running = Some((job_id, index, value));
        }
        Some(params)
    }

    /// The parameters of the running family member, if a family runs.
    pub fn family_member_params(&self) -> Option<&Params> {
        self.family.as_ref()?.running?;
        self.history.last().map(|j| &j.params)
    }

    /// Mark the current job as stopped without waiting for the worker (no worker, or it died).
    fn abandon(&mut self) {
        if let Some(status) = self.status.as_mut().filter(|s| s.in_flight()) {
            status.finished = Some(Ok(StopReason::Cancelled));
        }
    }

    // ---- messages ----

    /// Apply the waiting worker messages for at most `budget`, and notice a dead worker (it is
    /// restarted, and the run reported as failed).
    pub fn poll(&mut self, budget: Duration) -> Vec<SessionEvent> {
        let started = Instant::now();
        let mut events = Vec::new();
        while started.elapsed() < budget {
            let msg = match &self.runner {
                Runner::Thread { worker, .. } => worker.try_recv(),
                Runner::Manual => None,
            };
            let Some(msg) = msg else { break };
            events.extend(self.deliver(msg));
        }
        let dead = match &self.runner {
            Runner::Thread { worker, .. } => worker.is_dead(),
            Runner::Manual => false,
        };
        if dead {
            self.abandon();
            self.family = None;
            self.problem = Some(RunProblem::WorkerDied);
            if let Runner::Thread {
                worker,
                threads,
                nice,
                waker,
                runner,
            } = &mut self.runner
                && let Ok(fresh) =
                    Worker::spawn_with(*threads, *nice, waker.clone(), runner.clone())
            {
                *worker = fresh;
            }
        }
        events
    }

    /// Apply one worker message (messages of superseded jobs are counted and dropped).
    pub fn deliver(&mut self, msg: WorkerMsg) -> Option<SessionEvent> {
        let job = self.history.last()?.clone();
        let status = match self.status.as_mut() {
            Some(s) if job.job_id == msg.job_id() && s.in_flight() => s,
            _ => {
                self.stale_dropped += 1;
                return None;
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
                // The ETA follows the run's own rate from its first batches on.
                self.cost
                    .observe(&job.params, steps_done, elapsed, self.threads);
                if let Some(partial) = partial {
                    self.show(&job, partial, None);
                }
                None
            }
            WorkerMsg::Finished { result, .. } => match result {
                Err(e) => {
                    status.finished = Some(Err(e.clone()));
                    self.problem = Some(RunProblem::Failed(e));
                    self.family = None;
                    None
                }
                Ok(outcome) => {
                    status.trajectories_done = outcome.trajectories_completed;
                    status.steps_done = outcome.steps_done;
                    status.elapsed = outcome.elapsed;
                    status.finished = Some(Ok(outcome.stop));
                    self.finish(&job, *outcome)
                }
            },
        }
    }

    fn show(&mut self, job: &JobRecord, ensemble: Arc<Ensemble>, stop: Option<StopReason>) {
        let mut curve = SessionCurve {
            serial: SessionCurve::CURRENT_SERIAL,
            origin: Origin::Current,
            params: job.params.clone(),
            ensemble,
            stop,
            color: CURRENT_COLOR,
            fit: None,
        };
        // Fits follow the partials (about 1 ms each, at most every 100 ms).
        curve.refit(self.fit_window);
        self.current = Some(curve);
        self.current_is_stale = false;
    }

    fn finish(&mut self, job: &JobRecord, outcome: JobOutcome) -> Option<SessionEvent> {
        match outcome.ensemble {
            Some(ensemble) => self.show(job, Arc::new(ensemble), Some(outcome.stop)),
            None => {
                if let Some(c) = self.current.as_mut().filter(|_| !self.current_is_stale) {
                    c.stop = Some(outcome.stop);
                }
            }
        }
        self.cost.observe(
            &job.params,
            outcome.steps_done,
            outcome.elapsed,
            self.threads,
        );
        match outcome.stop {
            StopReason::Completed => self.family_member_done(job.job_id),
            StopReason::Cancelled => None,
            StopReason::Diverged { t } => {
                self.problem = Some(RunProblem::Diverged { t });
                self.family = None;
                None
            }
        }
    }

    /// Pin the finished member of the running family and start the next one.
    fn family_member_done(&mut self, job_id: u64) -> Option<SessionEvent> {
        let family = self.family.as_ref()?;
        let (running_id, index, value) = family.running?;
        if running_id != job_id {
            return None;
        }
        let origin = Origin::Family {
            family: family.id,
            index,
            parameter: family.parameter,
            value,
        };
        if let Some(curve) = self.current.clone() {
            // start_family made room for every member.
            self.add_pin(curve, origin).ok();
        }
        if let Some(params) = self.next_family_member() {
            return Some(SessionEvent::MemberStarted(params));
        }
        let family = self.family.take()?;
        // Every member is pinned: the current curve would only repeat the last one. The curve
        // the user had at these parameters before the family comes back.
        self.current = family.before.clone();
        self.current_is_stale = false;
        Some(SessionEvent::FamilyFinished {
            base: family.base,
            members: family.total,
        })
    }

    // ---- what the status bar says ----

    /// Warnings about the current curve (energy drift of a lossless run beyond [`DRIFT_WARNING`]
    /// of its energy scale) and why the last run failed, if it did.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(problem) = &self.problem {
            out.push(problem.to_string());
        }
        let Some(curve) = self.fresh_current() else {
            return out;
        };
        // With loss the energy changes physically: its drift says nothing about dt.
        let drift = max_drift(&curve.ensemble);
        let scale = curve.params.energy_scale();
        if curve.params.kappa == 0.0 && drift > DRIFT_WARNING * scale {
            out.push(format!(
                "energy drift {drift:.1e} per particle is {:.0}% of the energy scale {scale:.2}: dt is too large, lower it",
                100.0 * drift / scale
            ));
        }
        out
    }

    /// Late-time sx against its error bar (the mean |sx| and mean error over the last quarter of
    /// the grid), for the status bar: information, not a warning (sx -> 0 is physics in places).
    pub fn late_signal(&self) -> Option<(f64, f64)> {
        let e = &self.fresh_current()?.ensemble;
        let n = e.t.len();
        let tail = n - n / 4;
        let mean = &e.mean_of(Observable::Sx)[tail..];
        let err = &e.stderr_of(Observable::Sx)[tail..];
        let k = mean.len().max(1) as f64;
        let signal = mean.iter().map(|v| v.abs()).sum::<f64>() / k;
        let noise = err.iter().filter(|v| v.is_finite()).sum::<f64>() / k;
        Some((signal, noise))
    }
}

/// Largest |energy drift per particle| over the output times.
pub fn max_drift(e: &Ensemble) -> f64 {
    e.mean_of(Observable::EnergyDrift)
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
}
