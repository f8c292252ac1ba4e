//! Engine benchmarks at alpha = 10 and Nt = 220, 1000 (the paper's size: Ns = 91, Nb = 909) and
//! 3000.
//!
//! `cargo bench --bench engine` measures, in one run:
//! - `gemm/Nt/T/B`: faer's own rate on exactly the two products of a coupling stage,
//!   (Ns x Nb)(Nb x B) and (Nb x Ns)(Ns x B), single-threaded, in f64 and f32, for B = 32 to 256;
//! - `step/Nt/P/B`: one full Strang step of the engine (both products, rotations, bookkeeping) in
//!   precision P (f64, mixed) at the batch width B the engine uses for that size (and at 32, the
//!   width before issue 10, for Nt = 1000);
//! - `e2e/P/threads`: whole jobs (Nt = 1000, 8 realizations x 32 trajectories, t <= 5) in f64 on
//!   1 and 2 threads and in mixed precision on 1;
//! - `variant/V`: one Strang step of 32 trajectories for the full model without loss (`full`),
//!   with photon loss (`loss`, kappa = 0.1) and for the adiabatic model (`adiabatic`, without and
//!   `adiabatic_self`, with the self-term);
//! - `job/V`: whole single-thread jobs (2 realizations x 32 trajectories, 100 steps of dt = 0.01)
//!   of the same variants, setup (couplings, J) included;
//!
//! and prints the ratios (each step against faer's best rate on its shapes in the matching element
//! type, mixed against f64, 2 threads vs 1, loss vs lossless, adiabatic vs full), the energy drift
//! and spin-length error in each precision, the time to the first partial result of the default
//! preset and the cancel latency. Throughputs are in "elements" = flops for gemm and step,
//! trajectory-steps for e2e.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{BenchmarkId, Criterion, Throughput};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, Par};
use rand::SeedableRng;
use spinboson::physics::{Dynamics, Integrator, Model, Params, Precision, Stepper};
use spinboson::sim::{JobRequest, NoiseRng, Progress, run_job};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const NS: usize = 91;
const NB: usize = 909;

/// The sizes of `gemm/*` and `step/*`: (Nt, Ns, Nb) at alpha = 10.
const SIZES: [(usize, usize, usize); 3] = [(220, 20, 200), (1000, 91, 909), (3000, 273, 2727)];
/// The GEMM widths measured for each size.
const GEMM_WIDTHS: [usize; 4] = [32, 64, 128, 256];
/// Precisions of `step/*`, and the GEMM element type each is compared with.
const PRECISIONS: [(Precision, &str); 2] = [(Precision::F64, "f64"), (Precision::Mixed, "f32")];

fn flops_of(ns: usize, nb: usize, width: usize) -> u64 {
    (4 * ns * nb * width) as u64
}

/// The batch width the engine uses at this size (from the parameters alone).
fn engine_width(nt: usize) -> usize {
    Params {
        nt,
        alpha: 10.0,
        trajectories_per_realization: 1024,
        ..Params::default()
    }
    .batch_layout()
    .1
}

/// The two products of a coupling stage, `(Ns x Nb)(Nb x B)` and `(Nb x Ns)(Ns x B)`, with faer
/// in element type `T`, single-threaded.
fn gemm_pair<T: faer::traits::ComplexField + Copy>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &str,
    (ns, nb): (usize, usize),
    width: usize,
    from: impl Fn(f64) -> T,
) {
    let couplings = common::couplings(ns, nb, 3.0, 1.0, 1);
    let g = Mat::<T>::from_fn(ns, nb, |i, j| from(couplings.g()[(i, j)]));
    let gt = Mat::<T>::from_fn(nb, ns, |i, j| from(couplings.gt()[(i, j)]));
    let re_a = Mat::<T>::from_fn(nb, width, |i, j| from(((i * 7 + j) % 11) as f64 * 0.1));
    let sx = Mat::<T>::from_fn(ns, width, |i, j| from(((i + j) % 3) as f64 - 1.0));
    let mut field = Mat::<T>::zeros(ns, width);
    let mut drive = Mat::<T>::zeros(nb, width);
    let two = from(2.0);
    let one = from(1.0);
    group.throughput(Throughput::Elements(flops_of(ns, nb, width)));
    group.bench_function(id, |b| {
        b.iter(|| {
            matmul(
                field.as_mut(),
                Accum::Replace,
                g.as_ref(),
                re_a.as_ref(),
                two,
                Par::Seq,
            );
            matmul(
                drive.as_mut(),
                Accum::Replace,
                gt.as_ref(),
                sx.as_ref(),
                one,
                Par::Seq,
            );
            black_box((&field, &drive));
        })
    });
}

fn gemm(c: &mut Criterion) {
    let mut group = c.benchmark_group("gemm");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1200));
    for (nt, ns, nb) in SIZES {
        for width in GEMM_WIDTHS {
            gemm_pair::<f64>(
                &mut group,
                &format!("{nt}/f64/{width}"),
                (ns, nb),
                width,
                |x| x,
            );
            gemm_pair::<f32>(
                &mut group,
                &format!("{nt}/f32/{width}"),
                (ns, nb),
                width,
                |x| x as f32,
            );
        }
    }
    group.finish();
}

/// Steps per timed iteration: about 0.2 GFLOP, at least 4 (so the closing half free flow is
/// amortized as in a run) and at most 64.
fn steps_per_iteration(ns: usize, nb: usize, width: usize) -> usize {
    (2e8 / flops_of(ns, nb, width) as f64).clamp(4.0, 64.0) as usize
}

fn step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let dynamics = common::dynamics(Model::SpinBoson, 1.0, 1.0, false);
    for (nt, ns, nb) in SIZES {
        let couplings = common::couplings(ns, nb, 3.0, 1.0, 1);
        let engine = engine_width(nt);
        // The engine's width, and 32 (the width before issue 10) at the paper's size.
        let widths = if nt == 1000 && engine != 32 {
            vec![engine, 32]
        } else {
            vec![engine]
        };
        for width in widths {
            for (precision, _) in PRECISIONS {
                let mut state = common::sampled_state(ns, nb, width, 0.0, 2);
                let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, width)
                    .with_precision(precision);
                let steps = steps_per_iteration(ns, nb, width);
                group.throughput(Throughput::Elements(flops_of(ns, nb, width)));
                let id = format!("{nt}/{}/{width}", precision.label());
                group.bench_function(id, |b| {
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        for _ in 0..iters {
                            stepper.advance(
                                &mut state,
                                0.005,
                                steps,
                                &mut common::no_noise(),
                                &mut |_| false,
                            );
                        }
                        start.elapsed() / steps as u32
                    })
                });
            }
        }
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
        let mut noise: Vec<NoiseRng> = (0..width as u64)
            .map(|b| NoiseRng::seed_from_u64(100 + b))
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
            let noise: Vec<NoiseRng> = (0..width as u64)
                .map(|b| NoiseRng::seed_from_u64(100 + b))
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
    let traj_steps = e2e_params().steps_per_trajectory() * e2e_params().n_trajectories() as u64;
    group.throughput(Throughput::Elements(traj_steps));
    for (precision, threads) in [
        (Precision::F64, 1),
        (Precision::F64, 2),
        (Precision::Mixed, 1),
    ] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let request = JobRequest {
            job_id: 0,
            params: Params {
                precision,
                ..e2e_params()
            },
        };
        let id = format!("{}/{threads}", precision.label());
        group.bench_function(id, |b| {
            b.iter(|| {
                pool.install(|| run_job(&request, &AtomicBool::new(false), &|_| {}))
                    .expect("valid")
            })
        });
    }
    group.finish();
}

/// Energy drift and spin-length error in each precision at the paper's size (Nt = 1000,
/// alpha = 10, sigma = 3, omega = h = 1): 8 trajectories, Strang with dt = 0.005 up to t = 10,
/// the energy recomputed without the engine's GEMMs every t = 1.
fn conservation_report() {
    let couplings = common::couplings(NS, NB, 3.0, 1.0, 1);
    let dynamics = common::dynamics(Model::SpinBoson, 1.0, 1.0, false);
    for (precision, _) in PRECISIONS {
        let mut state = common::sampled_state(NS, NB, 8, 0.0, 2);
        let e0 = common::energy(&couplings, &dynamics, &state);
        let mut stepper =
            Stepper::new(dynamics, Integrator::Strang, &couplings, 8).with_precision(precision);
        let mut drift: f64 = 0.0;
        for _ in 0..10 {
            stepper.advance(&mut state, 0.005, 200, &mut common::no_noise(), &mut |_| {
                false
            });
            let e = common::energy(&couplings, &dynamics, &state);
            for (e, e0) in e.iter().zip(&e0) {
                drift = drift.max((e - e0).abs() / (NS + NB) as f64);
            }
        }
        let spin = (0..state.sx.len())
            .map(|i| (state.sx[i].powi(2) + state.sy[i].powi(2) + state.sz[i].powi(2) - 3.0).abs())
            .fold(0.0_f64, f64::max);
        println!(
            "{:>5}: max |E(t) - E(0)| / Nt over t <= 10 (dt 0.005) {drift:.2e}; max | |s|^2 - 3 | {spin:.1e}",
            precision.label()
        );
    }
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

/// Criterion's mean for `group/function`, from its JSON (criterion writes a function id's `/` as
/// `_` in the directory name).
fn mean_ns(id: &str) -> Option<f64> {
    let (group, function) = id.split_once('/')?;
    let path = format!(
        "target/criterion/{group}/{}/new/estimates.json",
        function.replace('/', "_")
    );
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["mean"]["point_estimate"].as_f64()
}

fn summary() {
    println!(
        "\n== summary (alpha = 10; rates in GFLOP/s of the two coupling products, 4 Ns Nb per trajectory) =="
    );
    println!(
        "{:>5} {:>6} {:>24} {:>6} {:>8} {:>10} {:>9}",
        "Nt", "prec", "faer best (width)", "width", "step", "step/best", "vs f64"
    );
    for (nt, ns, nb) in SIZES {
        let mut widths = vec![engine_width(nt)];
        if nt == 1000 && widths[0] != 32 {
            widths.push(32);
        }
        for width in widths {
            let mut f64_step = None;
            for (precision, elem) in PRECISIONS {
                let best = GEMM_WIDTHS
                    .iter()
                    .filter_map(|&w| {
                        mean_ns(&format!("gemm/{nt}/{elem}/{w}"))
                            .map(|t| (flops_of(ns, nb, w) as f64 / t, w))
                    })
                    .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a });
                let Some(t) = mean_ns(&format!("step/{nt}/{}/{width}", precision.label())) else {
                    continue;
                };
                let rate = flops_of(ns, nb, width) as f64 / t;
                let speedup = match f64_step {
                    None => {
                        f64_step = Some(t);
                        String::from("1.00x")
                    }
                    Some(f) => format!("{:.2}x", f / t),
                };
                println!(
                    "{nt:>5} {:>6} {:>11.1} {elem} ({:>3}) {width:>10} {rate:>8.1} {:>9.0}% {speedup:>9}",
                    precision.label(),
                    best.0,
                    best.1,
                    100.0 * rate / best.0,
                );
            }
        }
    }
    if let (Some(f), Some(m)) = (mean_ns("e2e/f64/1"), mean_ns("e2e/mixed/1")) {
        println!(
            "end to end, one thread: mixed {:.2}x faster than f64",
            f / m
        );
    }
    conservation_report();
    let traj_steps =
        (e2e_params().steps_per_trajectory() * e2e_params().n_trajectories() as u64) as f64;
    if let (Some(one), Some(two)) = (mean_ns("e2e/f64/1"), mean_ns("e2e/f64/2")) {
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
