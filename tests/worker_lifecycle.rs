//! Starting and cancelling many jobs leaves no thread or channel behind. This file holds one test
//! so that no other test's threads run in the process while it counts threads.
#![cfg(feature = "gui")]

use crossbeam_channel::RecvTimeoutError;
use spinboson::app::{Explorer, ExplorerOptions, Worker, WorkerMsg};
use spinboson::physics::Params;
use spinboson::sim::JobRequest;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Threads of this process (Linux: entries of /proc/self/task).
fn thread_count() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

/// Wait until the thread count is back to `baseline` (pool threads exit asynchronously).
fn settles_to(baseline: usize) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if thread_count() == Some(baseline) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn params(sigma: f64) -> Params {
    Params {
        nt: 200,
        sigma,
        t_max: 50.0,
        ..Params::default()
    }
}

#[test]
fn fifty_jobs_started_and_cancelled_leave_nothing_behind() {
    let baseline = thread_count();

    // The worker alone: 50 starts, each cancelling the one before.
    let mut worker = Worker::spawn(2, Arc::new(|| {})).expect("worker starts");
    if let Some(b) = baseline {
        assert_eq!(
            thread_count(),
            Some(b + 3),
            "sim-worker and a 2-thread pool"
        );
    }
    let mut flags = Vec::new();
    for k in 0..50u64 {
        flags.push(worker.start(JobRequest {
            job_id: k + 1,
            params: params(1.0 + k as f64 * 0.01),
        }));
    }
    assert!(
        flags[..49]
            .iter()
            .all(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    );
    worker.cancel();
    // The last job reports that it ended (skipped superseded jobs never start).
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last_finished = false;
    while !last_finished && Instant::now() < deadline {
        if let Some(WorkerMsg::Finished { job_id, result }) = worker.try_recv() {
            assert!(result.is_ok());
            last_finished = job_id == 50;
        } else {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    assert!(last_finished, "the last job never reported");
    let results = worker.shutdown();
    // Every sender is gone: the channel reports disconnection once drained.
    loop {
        match results.recv_timeout(Duration::from_secs(5)) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => panic!("a sender of the result channel is alive"),
        }
    }
    drop(results);
    if let Some(b) = baseline {
        assert!(settles_to(b), "threads left: {:?} vs {b}", thread_count());
    }

    // The whole explorer: 50 parameter changes, each a new job, then closing the window.
    let mut app = Explorer::new(ExplorerOptions {
        simulate: true,
        threads: 2,
        params: Some(params(1.0)),
        ..ExplorerOptions::default()
    });
    for k in 1..=50 {
        app.set_params(params(1.0 + k as f64 * 0.01));
    }
    let history = app.job_history();
    assert_eq!(history.len(), 51);
    assert!(history[..50].iter().all(|j| j.is_cancelled()));
    drop(app);
    if let Some(b) = baseline {
        assert!(settles_to(b), "threads left: {:?} vs {b}", thread_count());
    }
}
