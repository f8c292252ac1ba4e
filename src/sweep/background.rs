//! A sweep in the background, for the explorer's computed map: one thread that runs the points
//! of a two-axis grid in [`Refiner`] order on its own (niced) rayon pool and reports each
//! finished row. The rows are the ones `spinboson sweep` writes for the same grid (same seeds,
//! same fit), so a map computed here and one computed on a cluster are the same file.
//!
//! ```text
//! UI ── MapRunner::spawn(grid, known classes) ──> sweep-map thread ── run_job per point
//! UI <── MapMsg::{Started, Progress, Point, Done} ── (unbounded; a point is a few per second)
//! ```

use super::{Grid, Refiner, fit_point, row};
use crate::sim::{
    JobRequest, Progress, StopReason, Waker, WorkerError, lower_priority, panic_message, run_job,
};
use crossbeam_channel::{Receiver, Sender, unbounded};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the map thread reports.
#[derive(Clone, Debug, PartialEq)]
pub enum MapMsg {
    /// Point `index` started.
    Started { index: usize },
    /// Trajectories of the running point.
    Progress {
        index: usize,
        done: usize,
        total: usize,
    },
    /// A finished point: its CSV row (see [`super::row`]) and wall time.
    Point {
        index: usize,
        row: String,
        elapsed: Duration,
    },
    /// The thread is done: every point it was to compute is finished (`cancelled` false), or it
    /// was stopped, or a point failed (`error`).
    Done {
        cancelled: bool,
        error: Option<String>,
    },
}

/// Handle to the map thread; dropping it stops the thread and waits for it.
pub struct MapRunner {
    cancel: Arc<AtomicBool>,
    messages: Receiver<MapMsg>,
    thread: Option<JoinHandle<()>>,
}

impl MapRunner {
    /// Start computing the points of a two-axis `grid` that `known` (a class per point, `None`
    /// when not finished) lacks, in the order of a [`Refiner`] with `fill`, on a pool of
    /// `threads` (0: one per core) at priority `nice`.
    pub fn spawn(
        grid: Grid,
        known: Vec<Option<&'static str>>,
        fill: bool,
        threads: usize,
        nice: i32,
        waker: Waker,
    ) -> Result<MapRunner, WorkerError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("map-rayon-{i}"))
            .start_handler(move |_| lower_priority(nice))
            .build()?;
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, messages) = unbounded();
        let flag = Arc::clone(&cancel);
        let thread = std::thread::Builder::new()
            .name("sweep-map".into())
            .spawn(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    map_loop(&pool, &grid, known, fill, &flag, &tx, &waker)
                }))
                .unwrap_or_else(|p| Err(format!("internal error: {}", panic_message(p.as_ref()))));
                let cancelled = flag.load(Ordering::Relaxed);
                tx.send(MapMsg::Done {
                    cancelled,
                    error: result.err(),
                })
                .ok();
                waker();
            })?;
        Ok(MapRunner {
            cancel,
            messages,
            thread: Some(thread),
        })
    }

    /// Stop after the point in progress is abandoned (its row is not reported).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The next waiting message, if any.
    pub fn try_recv(&self) -> Option<MapMsg> {
        self.messages.try_recv().ok()
    }

    /// Whether the thread has finished (its `Done` may still be waiting).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }
}

impl Drop for MapRunner {
    fn drop(&mut self) {
        self.cancel();
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

fn map_loop(
    pool: &rayon::ThreadPool,
    grid: &Grid,
    mut known: Vec<Option<&'static str>>,
    fill: bool,
    cancel: &AtomicBool,
    tx: &Sender<MapMsg>,
    waker: &Waker,
) -> Result<(), String> {
    let shape: Vec<usize> = grid.axes.iter().map(|a| a.count).collect();
    let (n0, n1) = match shape[..] {
        [n] => (1, n),
        [n0, n1] => (n0, n1),
        _ => return Err("a map needs one or two axes".into()),
    };
    known.resize(grid.len(), None);
    let refiner = Refiner::new(n0, n1, fill);
    while !cancel.load(Ordering::Relaxed) {
        let Some(index) = refiner.next(|k| known[k], |_| false) else {
            break;
        };
        let params = grid.params(index).map_err(|e| e.to_string())?;
        tx.send(MapMsg::Started { index }).ok();
        waker();
        let on_progress = |p: &Progress| {
            tx.send(MapMsg::Progress {
                index,
                done: p.trajectories_done,
                total: p.trajectories_total,
            })
            .ok();
            waker();
        };
        let request = JobRequest {
            job_id: index as u64,
            params: params.clone(),
        };
        let outcome = pool
            .install(|| run_job(&request, cancel, &on_progress))
            .map_err(|e| format!("point {index} ({}): {e}", grid.label(index)))?;
        if outcome.stop == StopReason::Cancelled {
            break;
        }
        let fit = fit_point(&outcome, &params);
        let line = row(index, &grid.point(index), &params, &outcome, fit.as_ref());
        known[index] = Some(
            fit.as_ref()
                .filter(|_| outcome.stop == StopReason::Completed)
                .map_or("none", |f| f.verdict.name()),
        );
        tx.send(MapMsg::Point {
            index,
            row: line,
            elapsed: outcome.elapsed,
        })
        .ok();
        waker();
    }
    Ok(())
}
