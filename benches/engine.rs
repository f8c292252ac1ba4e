//! Engine benchmarks at the paper's size (Nt = 1000, alpha = 10: Ns = 91, Nb = 909).
//!
//! `cargo bench --bench engine` measures, in one run:
//! - `gemm/B`: faer's own rate on exactly the two products of a coupling stage,
//!   (Ns x Nb)(Nb x B) and (Nb x Ns)(Ns x B), single-threaded;
//! - `step/B`: one full Strang step of the engine (both products, rotations, bookkeeping);
//! - `e2e/threads`: whole jobs (8 realizations x 32 trajectories, t <= 5) on 1 and 2 threads;
//! - `variant/V`: one Strang step of 32 trajectories for the full model without loss (`full`),
//!   with photon loss (`loss`, kappa = 0.1) and for the adiabatic model (`adiabatic`, without and
//!   `adiabatic_self`, with the self-term);
//! - `job/V`: whole single-thread jobs (2 realizations x 32 trajectories, 100 steps of dt = 0.01)
//!   of the same variants, setup (couplings, J) included;
//!
//! and prints the ratios (step vs GEMM, 2 threads vs 1, loss vs lossless, adiabatic vs full), the time to the first partial result of
//! the default preset and the cancel latency. Throughputs are in "elements" = flops for gemm and
//! step, trajectory-steps for e2e.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{BenchmarkId, Criterion, Throughput};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use spinboson::physics::{Dynamics, Integrator, Model, Params, Stepper};
use spinboson::sim::{JobRequest, Progress, run_job};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const NS: usize = 91;
const NB: usize = 909;
const BATCHES: [usize; 3] = [32, 64, 128];

fn flops(width: usize) -> u64 {
    (4 * NS * NB * width) as u64
}

fn gemm(c: &mut Criterion) {
    let mut group = c.benchmark_group("gemm");
    let couplings = common::couplings(NS, NB, 3.0, 1.0, 1);
    for width in BATCHES {
        let re_a = Mat::<f64>::from_fn(NB, width, |i, j| ((i * 7 + j) % 11) as f64 * 0.1);
        let sx = Mat::<f64>::from_fn(NS, width, |i, j| ((i + j) % 3) as f64 - 1.0);
        let mut field = Mat::<f64>::zeros(NS, width);
        let mut drive = Mat::<f64>::zeros(NB, width);
        group.throughput(Throughput::Elements(flops(width)));
        group.bench_function(BenchmarkId::from_parameter(width), |b| {
            b.iter(|| {
                matmul(
                    field.as_mut(),
                    Accum::Replace,
                    couplings.g(),
                    re_a.as_ref(),
                    2.0,
                    Par::Seq,
                );
                matmul(
                    drive.as_mut(),
                    Accum::Replace,
                    couplings.gt(),
                    sx.as_ref(),
                    1.0,
                    Par::Seq,
                );
                black_box((&field, &drive));
            })
        });
    }
    group.finish();
}

fn step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    let couplings = common::couplings(NS, NB, 3.0, 1.0, 1);
    let dynamics = common::dynamics(Model::SpinBoson, 1.0, 1.0, false);
    for width in BATCHES {
        let mut state = common::sampled_state(NS, NB, width, 0.0, 2);
        let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, width);
        group.throughput(Throughput::Elements(flops(width)));
        group.bench_function(BenchmarkId::from_parameter(width), |b| {
            // 64 steps per iteration, so the closing half free flow is amortized as in a run.
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    stepper.advance(&mut state, 0.01, 64, &mut common::no_noise(), &mut |_| {
                        false
                    });
                }
                start.elapsed() / 64
            })
        });
    }
    group.finish();
}

/// The variants compared by `variant/*` and `job/*`: (name, model, kappa, self-interaction).
const VARIANTS: [(&str, Model, f64, bool); 4] = [
    ("full", Model::SpinBoson, 0.0, false),
    ("loss", Model::SpinBoson, 0.1, false),
    ("adiabatic", Model::Adiabatic, 0.0, false),
    ("adiabatic_self", Model::Adiabatic, 0.0, true),
];
const VARIANT_WIDTH: usize = 32;

fn variant(c: &mut Criterion) {
    let mut group = c.benchmark_group("variant");
    group.sample_size(20);
    let couplings = common::couplings(NS, NB, 3.0, 1.0, 1);
    for (name, model, kappa, self_interaction) in VARIANTS {
        let dynamics = Dynamics {
            kappa,
            ..common::dynamics(model, 1.0, 1.0, self_interaction)
        };
        let width = VARIANT_WIDTH;
        let mut state = common::sampled_state(NS, NB, width, 0.0, 2);
        let mut noise: Vec<ChaCha8Rng> = (0..width as u64)
            .map(|b| ChaCha8Rng::seed_from_u64(100 + b))
            .collect();
        let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, width);
        group.throughput(Throughput::Elements(width as u64));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    stepper.advance(&mut state, 0.01, 64, &mut noise, &mut |_| false);
                }
                start.elapsed() / 64
            })
        });
    }
    group.finish();
}

/// Seconds per step of each of [`VARIANTS`], the minimum over `rounds` rounds that run 64 steps
/// of every variant in turn: on a shared machine the minimum of interleaved runs is the least
/// disturbed estimate, and each ratio is taken within one round-robin.
fn paired_minimum(rounds: usize) -> Vec<f64> {
    let couplings = common::couplings(NS, NB, 3.0, 1.0, 1);
    let width = VARIANT_WIDTH;
    let mut runs: Vec<_> = VARIANTS
        .iter()
        .map(|&(_, model, kappa, self_interaction)| {
            let dynamics = Dynamics {
                kappa,
                ..common::dynamics(model, 1.0, 1.0, self_interaction)
            };
            let noise: Vec<ChaCha8Rng> = (0..width as u64)
                .map(|b| ChaCha8Rng::seed_from_u64(100 + b))
                .collect();
            (
                Stepper::new(dynamics, Integrator::Strang, &couplings, width),
                common::sampled_state(NS, NB, width, 0.0, 2),
                noise,
            )
        })
        .collect();
    let mut best = vec![f64::INFINITY; runs.len()];
    for _ in 0..rounds {
        for ((stepper, state, noise), best) in runs.iter_mut().zip(&mut best) {
            let start = Instant::now();
            stepper.advance(state, 0.01, 64, noise, &mut |_| false);
            *best = best.min(start.elapsed().as_secs_f64() / 64.0);
        }
    }
    best
}

fn job_params(model: Model, kappa: f64, self_interaction: bool) -> Params {
    Params {
        nt: 1000,
        alpha: 10.0,
        sigma: 3.0,
        omega: 1.0,
        t_max: 1.0,
        dt: Some(0.01),
        grid: spinboson::physics::GridSpacing::Linear,
        points: 11,
        realizations: 2,
        trajectories_per_realization: 32,
        model,
        kappa,
        self_interaction,
        ..Params::default()
    }
}

fn job(c: &mut Criterion) {
    let mut group = c.benchmark_group("job");
    group.sample_size(10);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    for (name, model, kappa, self_interaction) in VARIANTS {
        let request = JobRequest {
            job_id: 0,
            params: job_params(model, kappa, self_interaction),
        };
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                pool.install(|| run_job(&request, &AtomicBool::new(false), &|_| {}))
                    .expect("valid")
            })
        });
    }
    group.finish();
}

fn e2e_params() -> Params {
    // A linear grid of 21 points: measurement costs what it costs in a long run (about 1%).
    Params {
        nt: 1000,
        alpha: 10.0,
        sigma: 3.0,
        omega: 1.0,
        t_max: 5.0,
        grid: spinboson::physics::GridSpacing::Linear,
        points: 21,
        realizations: 8,
        ..Params::default()
    }
}

fn e2e(c: &mut Criterion) {
    let mut group = c.benchmark_group("e2e");
    group.sample_size(10);
    let params = e2e_params();
    let traj_steps = params.steps_per_trajectory() * params.n_trajectories() as u64;
    group.throughput(Throughput::Elements(traj_steps));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let request = JobRequest {
            job_id: 0,
            params: params.clone(),
        };
        group.bench_function(BenchmarkId::from_parameter(threads), |b| {
            b.iter(|| {
                pool.install(|| run_job(&request, &AtomicBool::new(false), &|_| {}))
                    .expect("valid")
            })
        });
    }
    group.finish();
}

/// Seconds to the first partial result of the default preset (median of 5), and the time from
/// setting the cancel flag to `run_job` returning (median of 5).
fn latencies() -> (f64, f64) {
    let mut first = Vec::new();
    let mut cancel_latency = Vec::new();
    for _ in 0..5 {
        let request = JobRequest {
            job_id: 0,
            params: Params::default(),
        };
        let cancel = AtomicBool::new(false);
        let start = Instant::now();
        let first_at = Mutex::new(None::<Duration>);
        let on_progress = |p: &Progress| {
            if p.partial.is_some() {
                let mut f = first_at.lock().expect("lock");
                if f.is_none() {
                    *f = Some(start.elapsed());
                    cancel.store(true, Ordering::Relaxed);
                }
            }
        };
        let cancelled = OnceLock::new();
        std::thread::scope(|s| {
            s.spawn(|| {
                run_job(&request, &cancel, &on_progress).expect("valid");
                cancelled.set(Instant::now()).ok();
            });
        });
        let f = first_at.lock().expect("lock").expect("a partial arrived");
        first.push(f.as_secs_f64());
        let returned = cancelled
            .get()
            .expect("returned")
            .duration_since(start)
            .as_secs_f64();
        cancel_latency.push(returned - f.as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(&mut first), median(&mut cancel_latency))
}

fn mean_ns(id: &str) -> Option<f64> {
    let path = format!("target/criterion/{id}/new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["mean"]["point_estimate"].as_f64()
}

fn summary() {
    println!("\n== summary (Nt = 1000, alpha = 10: Ns = {NS}, Nb = {NB}) ==");
    println!(
        "{:>6} {:>12} {:>12} {:>10}",
        "batch", "GEMM GFLOP/s", "step GFLOP/s", "step/GEMM"
    );
    for width in BATCHES {
        if let (Some(g), Some(s)) = (
            mean_ns(&format!("gemm/{width}")),
            mean_ns(&format!("step/{width}")),
        ) {
            let f = flops(width) as f64;
            println!(
                "{width:>6} {:>12.1} {:>12.1} {:>9.0}%",
                f / g,
                f / s,
                100.0 * g / s
            );
        }
    }
    let traj_steps =
        (e2e_params().steps_per_trajectory() * e2e_params().n_trajectories() as u64) as f64;
    if let (Some(one), Some(two)) = (mean_ns("e2e/1"), mean_ns("e2e/2")) {
        println!(
            "end to end: {:.3e} trajectory-steps/s on 1 thread, {:.3e} on 2: speedup {:.2}x",
            traj_steps / one * 1e9,
            traj_steps / two * 1e9,
            one / two
        );
    }
    for group in ["variant", "job"] {
        if let Some(full) = mean_ns(&format!("{group}/full")) {
            let ratio = |name: &str| mean_ns(&format!("{group}/{name}")).map(|t| t / full);
            println!(
                "{group:>8}: full {:.3} ms; loss / lossless {:.2}x; adiabatic / full {:.3}x ({:.1}x faster); with self-term {:.3}x",
                full * 1e-6,
                ratio("loss").unwrap_or(f64::NAN),
                ratio("adiabatic").unwrap_or(f64::NAN),
                1.0 / ratio("adiabatic").unwrap_or(f64::NAN),
                ratio("adiabatic_self").unwrap_or(f64::NAN),
            );
        }
    }
    let best = paired_minimum(30);
    println!(
        "  paired: full {:.1} us per step (32 trajectories); loss / lossless {:.2}x; adiabatic / full {:.3}x ({:.1}x faster); with self-term {:.3}x (minimum of 30 interleaved rounds of 64 steps)",
        best[0] * 1e6,
        best[1] / best[0],
        best[2] / best[0],
        best[0] / best[2],
        best[3] / best[0],
    );
    let (first, cancel) = latencies();
    println!(
        "default preset: first partial after {:.0} ms; cancel honoured in {:.1} ms",
        first * 1e3,
        cancel * 1e3
    );
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    gemm(&mut criterion);
    step(&mut criterion);
    e2e(&mut criterion);
    variant(&mut criterion);
    job(&mut criterion);
    criterion.final_summary();
    // `--profile-time` runs the benchmarks under a profiler; the summary would pollute the profile.
    if !std::env::args().any(|a| a == "--profile-time") {
        summary();
    }
}
