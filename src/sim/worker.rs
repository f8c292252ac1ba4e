//! The background simulation: one named thread that runs [`run_job`] on its own rayon pool.
//!
//! ```text
//! UI ── Command::Start{request, cancel} ──> sim-worker ── run_job on the sim-rayon pool
//! UI <── WorkerMsg::{Progress, Finished} ── (bounded; a dropped partial is superseded)
//! ```
//! The worker knows nothing of egui: it is handed a waker that the app fills with
//! `ctx.request_repaint()`.

use super::{JobOutcome, JobRequest, Progress, SimError, run_job};
use crossbeam_channel::{Receiver, Sender, TryRecvError, bounded, unbounded};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use thiserror::Error;

/// Capacity of the result channel. Partials beyond it are dropped (the next one supersedes them).
pub const RESULT_CAPACITY: usize = 32;

/// What the worker reports.
#[derive(Clone, Debug)]
pub enum WorkerMsg {
    Progress(Progress),
    Finished {
        job_id: u64,
        result: Result<Box<JobOutcome>, SimError>,
    },
}

impl WorkerMsg {
    pub fn job_id(&self) -> u64 {
        match self {
            WorkerMsg::Progress(p) => p.job_id,
            WorkerMsg::Finished { job_id, .. } => *job_id,
        }
    }
}

enum Command {
    Start {
        request: JobRequest,
        cancel: Arc<AtomicBool>,
    },
    Shutdown,
}

/// The worker could not be started.
#[derive(Debug, Error)]
pub enum WorkerError {
    #[error("cannot start the simulation thread pool: {0}")]
    Pool(#[from] rayon::ThreadPoolBuildError),
    #[error("cannot start the simulation thread: {0}")]
    Thread(#[from] std::io::Error),
}

/// Wakes the front end when a message is waiting.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Runs one job: [`run_job`], or a stand-in in tests.
pub type JobRunner = Arc<
    dyn Fn(&JobRequest, &AtomicBool, &(dyn Fn(&Progress) + Sync)) -> Result<JobOutcome, SimError>
        + Send
        + Sync,
>;

/// Lower the calling thread's scheduling priority to `nice` (Linux: the nice value is a
/// per-thread attribute). Failure only costs responsiveness, so it is ignored.
pub(crate) fn lower_priority(nice: i32) {
    #[cfg(target_os = "linux")]
    if nice != 0 {
        // SAFETY: gettid and setpriority take plain integers and touch no memory of ours.
        unsafe {
            let tid = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, nice);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

/// Handle to the worker thread. Dropping it cancels the running job and joins the thread.
pub struct Worker {
    commands: Sender<Command>,
    results: Receiver<WorkerMsg>,
    current_cancel: Option<Arc<AtomicBool>>,
    thread: Option<JoinHandle<()>>,
    threads: usize,
}

impl Worker {
    /// Start the `sim-worker` thread with a pool of `threads` (0: one per core).
    pub fn spawn(threads: usize, waker: Waker) -> Result<Self, WorkerError> {
        Self::spawn_niced(threads, 0, waker)
    }

    /// [`Worker::spawn`] with the pool's threads at scheduling priority `nice` (Linux; ignored
    /// elsewhere): 10 lets the UI thread (and the display server) take a core as soon as they
    /// need one, while an idle UI leaves the simulation the whole machine.
    pub fn spawn_niced(threads: usize, nice: i32, waker: Waker) -> Result<Self, WorkerError> {
        Self::spawn_with(threads, nice, waker, Arc::new(run_job))
    }

    /// [`Worker::spawn_niced`] with the function that runs a job (tests inject failures here).
    pub fn spawn_with(
        threads: usize,
        nice: i32,
        waker: Waker,
        runner: JobRunner,
    ) -> Result<Self, WorkerError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("sim-rayon-{i}"))
            .start_handler(move |_| lower_priority(nice))
            .build()?;
        let threads = pool.current_num_threads();
        let (commands, command_rx) = unbounded();
        let (result_tx, results) = bounded(RESULT_CAPACITY);
        let thread = std::thread::Builder::new()
            .name("sim-worker".into())
            .spawn(move || worker_loop(&pool, &command_rx, &result_tx, &waker, &runner))?;
        Ok(Self {
            commands,
            results,
            current_cancel: None,
            thread: Some(thread),
            threads,
        })
    }

    /// Threads in the simulation pool.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Cancel the running job (if any) at once and queue `request`. Returns its cancel flag.
    pub fn start(&mut self, request: JobRequest) -> Arc<AtomicBool> {
        self.cancel();
        let cancel = Arc::new(AtomicBool::new(false));
        self.current_cancel = Some(cancel.clone());
        let command = Command::Start {
            request,
            cancel: cancel.clone(),
        };
        if self.commands.send(command).is_err() {
            // The worker thread is gone (it only exits on shutdown or a panic): nothing will run.
            cancel.store(true, Ordering::Relaxed);
        }
        cancel
    }

    /// Ask the running job to stop; its `Finished` message still arrives.
    pub fn cancel(&mut self) {
        if let Some(flag) = self.current_cancel.take() {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// The next waiting message, if any.
    pub fn try_recv(&self) -> Option<WorkerMsg> {
        self.results.try_recv().ok()
    }

    /// True once the worker thread has exited (after a panic, or never while the handle lives).
    pub fn is_dead(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Cancel, stop the thread and wait for it. Returns the result receiver so a caller can check
    /// that every sender is gone.
    pub fn shutdown(mut self) -> Receiver<WorkerMsg> {
        self.stop_and_join();
        self.results.clone()
    }

    fn stop_and_join(&mut self) {
        self.cancel();
        self.commands.send(Command::Shutdown).ok(); // already gone if the thread died
        // A worker blocked on a full result channel needs room to deliver its last message.
        while let Some(thread) = self.thread.as_ref() {
            if thread.is_finished() {
                break;
            }
            while self.results.try_recv().is_ok() {}
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        if let Some(thread) = self.thread.take() {
            thread.join().ok(); // a panic in the worker was already reported on stderr
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

fn worker_loop(
    pool: &rayon::ThreadPool,
    commands: &Receiver<Command>,
    results: &Sender<WorkerMsg>,
    waker: &Waker,
    runner: &JobRunner,
) {
    while let Ok(mut command) = commands.recv() {
        // Only the newest queued command matters; older starts were cancelled by `start`.
        loop {
            match commands.try_recv() {
                Ok(next) => {
                    if matches!(command, Command::Shutdown) {
                        return;
                    }
                    command = next;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => break,
            }
        }
        let (request, cancel) = match command {
            Command::Shutdown => return,
            Command::Start { request, cancel } => (request, cancel),
        };
        let on_progress = |p: &Progress| {
            // UI is behind when the channel is full; the next partial supersedes this one.
            results.try_send(WorkerMsg::Progress(p.clone())).ok();
            waker();
        };
        // A panic inside a job is reported as that job's failure; the worker lives on.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.install(|| runner(&request, &cancel, &on_progress))
        }))
        .unwrap_or_else(|payload| Err(SimError::Panicked(panic_message(payload.as_ref()))))
        .map(Box::new);
        let finished = WorkerMsg::Finished {
            job_id: request.job_id,
            result,
        };
        if results.send(finished).is_err() {
            return; // the front end is gone
        }
        waker();
    }
}

/// The text of a panic payload (`panic!("...")` carries a `&str` or a `String`).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
