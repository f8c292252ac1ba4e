//! Sweep benchmarks at the computed map's size: Nt = 200 (alpha = 10: Ns = 18, Nb = 182),
//! 8 realizations x 8 trajectories, t_max = 100, the default preset otherwise, on a 3 x 3
//! omega x sigma sub-grid spanning the map (omega/h = 0.1, 1.73, 30 by sigma/sqrt(h) = 0.3,
//! 3.15, 6; the map is 0.1..30 by 0.3..6 on 12 x 12).
//!
//! `cargo bench --bench sweep` measures, in one run:
//! - `sweep/points`: the 9 points as `spinboson sweep` runs each one (`Grid::params`,
//!   `run_job`, `fit_point`, `row`, append and `sync_data` to the CSV);
//! - `sweep/runs`: the same 9 parameter sets (the same seeds, so the same work) one by one as
//!   `spinboson run --out` runs them (`run_job`, `run_csv` and the JSON sidecar, both written
//!   atomically), without the process start-up (`benches/sweep_vs_run.sh` measures that);
//! - `overhead/sweep` and `overhead/run`: each path's bookkeeping alone, on outcomes computed
//!   once: what the sweep machinery costs per point beyond the simulation;
//!
//! and prints the points per minute, the ratio sweep / one-by-one, and the overhead per point.
//! Throughputs are in "elements" = points.

use criterion::{Criterion, SamplingMode, Throughput};
use spinboson::io::{RunMetadata, run_csv, write_atomic};
use spinboson::physics::Params;
use spinboson::sim::{JobOutcome, JobRequest, run_job};
use spinboson::sweep::{Axis, Grid, fit_point, row};
use std::fs::File;
use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

fn grid() -> Grid {
    let base = Params {
        nt: 200,
        realizations: 8,
        trajectories_per_realization: 8,
        t_max: 100.0,
        ..Params::default()
    };
    let axes = ["omega=0.1:30:log:3", "sigma=0.3:6:lin:3"]
        .iter()
        .map(|a| Axis::parse(a).expect("valid axis"))
        .collect();
    Grid::new(base, axes).expect("valid grid")
}

fn simulate(params: &Params, index: usize) -> JobOutcome {
    let request = JobRequest {
        job_id: index as u64,
        params: params.clone(),
    };
    run_job(&request, &AtomicBool::new(false), &|_| {}).expect("valid point")
}

/// What `spinboson sweep` does per point after the simulation: fit, format the row, append it
/// and sync the file.
fn sweep_bookkeeping(
    grid: &Grid,
    index: usize,
    params: &Params,
    outcome: &JobOutcome,
    csv: &mut File,
) {
    let fit = fit_point(outcome, params);
    let line = row(index, &grid.point(index), params, outcome, fit.as_ref());
    csv.write_all(line.as_bytes()).expect("append");
    csv.sync_data().expect("sync");
}

/// What `spinboson run --out` does after the simulation: the CSV and its sidecar, atomically.
fn run_bookkeeping(dir: &Path, index: usize, params: &Params, outcome: &JobOutcome) {
    let csv = dir.join(format!("run_{index}.csv"));
    write_atomic(&csv, run_csv(outcome.ensemble.as_ref()).as_bytes()).expect("write csv");
    let meta = serde_json::to_string_pretty(&RunMetadata::new(params, outcome)).expect("json");
    write_atomic(&csv.with_extension("json"), meta.as_bytes()).expect("write json");
}

/// Seconds per iteration of each timed routine, as criterion ran it (warm-up included).
static TIMES: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());

fn record(name: &'static str, elapsed: Duration, iters: u64) {
    if let Ok(mut t) = TIMES.lock() {
        t.push((name, elapsed.as_secs_f64() / iters as f64));
    }
}

fn points(c: &mut Criterion) {
    let grid = grid();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(1)); // one iteration per sample
    group.throughput(Throughput::Elements(grid.len() as u64));
    group.bench_function("points", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let mut csv = File::create(dir.path().join("sweep.csv")).expect("csv");
                csv.write_all(grid.preamble().as_bytes()).expect("preamble");
                for index in 0..grid.len() {
                    let params = grid.params(index).expect("valid point");
                    let outcome = simulate(&params, index);
                    sweep_bookkeeping(&grid, index, &params, &outcome, &mut csv);
                }
            }
            let elapsed = start.elapsed();
            record("sweep/points", elapsed, iters);
            elapsed
        })
    });
    let all: Vec<Params> = (0..grid.len())
        .map(|i| grid.params(i).expect("valid point"))
        .collect();
    group.bench_function("runs", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for (index, params) in all.iter().enumerate() {
                    let outcome = simulate(params, index);
                    run_bookkeeping(dir.path(), index, params, &outcome);
                }
            }
            let elapsed = start.elapsed();
            record("sweep/runs", elapsed, iters);
            elapsed
        })
    });
    group.finish();
}

fn overhead(c: &mut Criterion) {
    let grid = grid();
    let dir = tempfile::tempdir().expect("tempdir");
    let outcomes: Vec<(Params, JobOutcome)> = (0..grid.len())
        .map(|i| {
            let p = grid.params(i).expect("valid point");
            let o = simulate(&p, i);
            (p, o)
        })
        .collect();
    let mut group = c.benchmark_group("overhead");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(grid.len() as u64));
    group.bench_function("sweep", |b| {
        let mut csv = File::create(dir.path().join("sweep.csv")).expect("csv");
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for (index, (_, outcome)) in outcomes.iter().enumerate() {
                    // Grid::params is part of the sweep's per-point work.
                    let params = grid.params(index).expect("valid point");
                    sweep_bookkeeping(&grid, index, &params, outcome, &mut csv);
                }
            }
            let elapsed = start.elapsed();
            record("overhead/sweep", elapsed, iters);
            elapsed
        })
    });
    group.bench_function("run", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for (index, (params, outcome)) in outcomes.iter().enumerate() {
                    run_bookkeeping(dir.path(), index, params, outcome);
                }
            }
            let elapsed = start.elapsed();
            record("overhead/run", elapsed, iters);
            elapsed
        })
    });
    group.finish();
    black_box(outcomes);
}

fn median(name: &str) -> Option<f64> {
    let mut v: Vec<f64> = TIMES
        .lock()
        .ok()?
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

fn summary() {
    let n = grid().len() as f64;
    println!("\n== summary (Nt = 200, 8 x 8 trajectories, t_max = 100; 3 x 3 omega x sigma) ==");
    println!(
        "threads: {} (RAYON_NUM_THREADS or the cores)",
        rayon::current_num_threads()
    );
    if let (Some(sweep), Some(runs)) = (median("sweep/points"), median("sweep/runs")) {
        println!(
            "sweep machinery: {:.1} points/min ({:.2} s per point); one by one as `run`: {:.1} points/min",
            60.0 * n / sweep,
            sweep / n,
            60.0 * n / runs
        );
        println!(
            "ratio sweep / one-by-one (median times): {:.3}",
            sweep / runs
        );
    }
    if let (Some(sweep), Some(run)) = (median("overhead/sweep"), median("overhead/run")) {
        println!(
            "bookkeeping per point: sweep (params + fit + row + append + sync) {:.2} ms, run (run_csv + sidecar, atomic) {:.2} ms",
            1e3 * sweep / n,
            1e3 * run / n
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    points(&mut criterion);
    overhead(&mut criterion);
    criterion.final_summary();
    summary();
}
