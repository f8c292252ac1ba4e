//! Engine benchmarks at alpha = 10 and Nt = 220, 1000 (the paper's size: Ns = 91, Nb = 909) and
//! 3000.
//!
//! The engine integrates the spin-boson model on its Ns collective modes when Nb > Ns
//! (`Couplings::collective`): two Ns x Ns products per coupling stage instead of two Ns x Nb
//! ones. `cargo bench --bench engine` measures, in one run:
//! - `gemm/Nt/T/B`: faer's own rate on exactly the two products of a full-rank coupling stage,
//!   (Ns x Nb)(Nb x B) and (Nb x Ns)(Ns x B), single-threaded, in f64 and f32, for B = 32 to 256;
//! - `gemm_collective/Nt/T/B`: the same for the collective stage's (Ns x Ns)(Ns x B) pair;
//! - `step/Nt/P/B`: one full-rank Strang step (both products, rotations, bookkeeping) in
//!   precision P (f64, mixed) at the width B the full-rank engine used (64; 256 at Nt = 3000);
//! - `collective/Nt/P/B`: one collective step (what the engine runs) at B = 32 to 256;
//! - `e2e/P/threads`: whole jobs (Nt = 1000, 8 realizations x 32 trajectories, t <= 5) in f64 on
//!   1 and 2 threads and in mixed precision on 1;
//! - `variant/V`: one Strang step of 32 trajectories at Nt = 1000: the engine's spin-boson step
//!   without loss (`full`) and with photon loss (`loss`, kappa = 0.1), the full-rank step without
//!   loss (`full_rank`), and the adiabatic model (`adiabatic`, without and `adiabatic_self`, with
//!   the self-term);
//! - `job/V`: whole single-thread jobs (2 realizations x 32 trajectories, 100 steps of dt = 0.01)
//!   of the engine's variants, setup (couplings, their QR, J) included;
//!
//! and prints the ratios (each step against faer's best rate on its shapes in the matching element
//! type, the collective step against the full-rank one and against faer's best time for the
//! full-rank products, mixed against f64, 2 threads vs 1, loss vs lossless, adiabatic vs full),
//! the energy drift and spin-length error in each precision, the time to the first partial result
//! of the default preset and the cancel latency. Throughputs are in "elements" = flops for gemm
//! and step (the collective step's own flops, `4 Ns^2` per trajectory), trajectory-steps for e2e.

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

/// The width the full-rank engine used at this size for a large ensemble (issue 10's rule: 64,
/// or 256 once Ns Nb >= 250,000).
fn full_rank_width(ns: usize, nb: usize) -> usize {
    if ns * nb >= 250_000 { 256 } else { 64 }
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

/// faer on the collective stage's products, (Ns x Ns)(Ns x B) twice.
fn gemm_collective(c: &mut Criterion) {
    let mut group = c.benchmark_group("gemm_collective");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1200));
    for (nt, ns, _) in SIZES {
        for width in GEMM_WIDTHS {
            gemm_pair::<f64>(
                &mut group,
                &format!("{nt}/f64/{width}"),
                (ns, ns),
                width,
                |x| x,
            );
            gemm_pair::<f32>(
                &mut group,
                &format!("{nt}/f32/{width}"),
                (ns, ns),
                width,
                |x| x as f32,
            );
        }
    }
    group.finish();
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

/// Time one Strang step of `stepper` on `state` (`steps` per timed iteration).
fn bench_steps(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: String,
    stepper: &mut Stepper<'_>,
    state: &mut spinboson::physics::BatchState,
    steps: usize,
) {
    group.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                stepper.advance(state, 0.005, steps, &mut common::no_noise(), &mut |_| false);
            }
            start.elapsed() / steps as u32
        })
    });
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
        let width = full_rank_width(ns, nb);
        for (precision, _) in PRECISIONS {
            let mut state = common::sampled_state(ns, nb, width, 0.0, 2);
            let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, width)
                .with_precision(precision);
            let steps = steps_per_iteration(ns, nb, width);
            group.throughput(Throughput::Elements(flops_of(ns, nb, width)));
            let id = format!("{nt}/{}/{width}", precision.label());
            bench_steps(&mut group, id, &mut stepper, &mut state, steps);
        }
    }
    group.finish();
}

fn collective(c: &mut Criterion) {
    let mut group = c.benchmark_group("collective");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500));
    let dynamics = common::dynamics(Model::SpinBoson, 1.0, 1.0, false);
    for (nt, ns, nb) in SIZES {
        let full = common::couplings(ns, nb, 3.0, 1.0, 1);
        for width in GEMM_WIDTHS {
            let start = common::sampled_state(ns, nb, width, 0.0, 2);
            let (couplings, mut state, _) = common::collective_state(&full, &start);
            for (precision, _) in PRECISIONS {
                let mut stepper = Stepper::new(dynamics, Integrator::Strang, &couplings, width)
                    .with_precision(precision);
                let steps = steps_per_iteration(ns, ns, width);
                group.throughput(Throughput::Elements(flops_of(ns, ns, width)));
                let id = format!("{nt}/{}/{width}", precision.label());
                bench_steps(&mut group, id, &mut stepper, &mut state, steps);
            }
        }
    }
    group.finish();
}

/// The variants compared by `variant/*` and `job/*`: (name, model, kappa, self-interaction,
/// collective modes). `full_rank` (all Nb modes) is a stepper-level variant only: a run always
/// uses the collective modes when Nb > Ns.
const VARIANTS: [(&str, Model, f64, bool, bool); 5] = [
    ("full", Model::SpinBoson, 0.0, false, true),
    ("loss", Model::SpinBoson, 0.1, false, true),
    ("full_rank", Model::SpinBoson, 0.0, false, false),
    ("adiabatic", Model::Adiabatic, 0.0, false, false),
    ("adiabatic_self", Model::Adiabatic, 0.0, true, false),
];
const VARIANT_WIDTH: usize = 32;

/// A variant's stepper parts: its couplings (collective or full) and sampled state, and one
/// noise generator per trajectory.
fn variant_setup(
    full: &spinboson::physics::Couplings,
    collective: bool,
    width: usize,
) -> (
    spinboson::physics::Couplings,
    spinboson::physics::BatchState,
    Vec<NoiseRng>,
) {
    let start = common::sampled_state(NS, NB, width, 0.0, 2);
    let (couplings, state) = if collective {
        let (c, s, _) = common::collective_state(full, &start);
        (c, s)
    } else {
        (full.clone(), start)
    };
    let noise = (0..width as u64)
        .map(|b| NoiseRng::seed_from_u64(100 + b))
        .collect();
    (couplings, state, noise)
}

fn variant(c: &mut Criterion) {
    let mut group = c.benchmark_group("variant");
    group.sample_size(20);
    let full = common::couplings(NS, NB, 3.0, 1.0, 1);
    for (name, model, kappa, self_interaction, collective) in VARIANTS {
        let dynamics = Dynamics {
            kappa,
            ..common::dynamics(model, 1.0, 1.0, self_interaction)
        };
        let width = VARIANT_WIDTH;
        let (couplings, mut state, mut noise) = variant_setup(&full, collective, width);
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
    let full = common::couplings(NS, NB, 3.0, 1.0, 1);
    let width = VARIANT_WIDTH;
    let setups: Vec<_> = VARIANTS
        .iter()
        .map(|&(_, _, _, _, collective)| variant_setup(&full, collective, width))
        .collect();
    let mut runs: Vec<_> = VARIANTS
        .iter()
        .zip(&setups)
        .map(
            |(&(_, model, kappa, self_interaction, _), (couplings, state, noise))| {
                let dynamics = Dynamics {
                    kappa,
                    ..common::dynamics(model, 1.0, 1.0, self_interaction)
                };
                (
                    Stepper::new(dynamics, Integrator::Strang, couplings, width),
                    state.clone(),
                    noise.clone(),
                )
            },
        )
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
    for (name, model, kappa, self_interaction, _) in VARIANTS {
        if name == "full_rank" {
            continue;
        }
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
///
/// The engine's collective form: its energy lacks the constant `omega |a_out|^2` of the photons
/// outside the collective modes, which does not change the drift.
fn conservation_report() {
    let full = common::couplings(NS, NB, 3.0, 1.0, 1);
    let start = common::sampled_state(NS, NB, 8, 0.0, 2);
    let (couplings, collective_start, _) = common::collective_state(&full, &start);
    let dynamics = common::dynamics(Model::SpinBoson, 1.0, 1.0, false);
    for (precision, _) in PRECISIONS {
        let mut state = collective_start.clone();
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

/// faer's best rate (flops per ns) and its width over `gemm{suffix}/{nt}/{elem}/*`, for products
/// of `flops(width)` flops.
fn faer_best(group: &str, nt: usize, elem: &str, flops: impl Fn(usize) -> u64) -> (f64, usize) {
    GEMM_WIDTHS
        .iter()
        .filter_map(|&w| {
            mean_ns(&format!("{group}/{nt}/{elem}/{w}")).map(|t| (flops(w) as f64 / t, w))
        })
        .fold((0.0, 0), |a, b| if b.0 > a.0 { b } else { a })
}

fn summary() {
    println!(
        "\n== full-rank step (alpha = 10; rates in GFLOP/s of the two coupling products, 4 Ns Nb per trajectory) =="
    );
    println!(
        "{:>5} {:>6} {:>24} {:>6} {:>8} {:>10} {:>9}",
        "Nt", "prec", "faer best (width)", "width", "step", "step/best", "vs f64"
    );
    for (nt, ns, nb) in SIZES {
        let width = full_rank_width(ns, nb);
        let mut f64_step = None;
        for (precision, elem) in PRECISIONS {
            let best = faer_best("gemm", nt, elem, |w| flops_of(ns, nb, w));
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
    println!(
        "\n== collective step (what the engine runs; its own rate counts 4 Ns^2 flops per trajectory) =="
    );
    println!(
        "{:>5} {:>6} {:>6} {:>10} {:>8} {:>17} {:>10} {:>12} {:>12} {:>8}",
        "Nt",
        "prec",
        "width",
        "ns/traj",
        "rate",
        "faer best (width)",
        "rate/best",
        "vs full-rank",
        "vs faer full",
        "vs f64"
    );
    for (nt, ns, nb) in SIZES {
        let engine = engine_width(nt);
        let mut f64_times = std::collections::HashMap::new();
        for (precision, elem) in PRECISIONS {
            let best = faer_best("gemm_collective", nt, elem, |w| flops_of(ns, ns, w));
            let full_best = faer_best("gemm", nt, elem, |w| flops_of(ns, nb, w));
            let full_rank = mean_ns(&format!(
                "step/{nt}/{}/{}",
                precision.label(),
                full_rank_width(ns, nb)
            ))
            .map(|t| t / full_rank_width(ns, nb) as f64);
            for width in GEMM_WIDTHS {
                let Some(t) = mean_ns(&format!("collective/{nt}/{}/{width}", precision.label()))
                else {
                    continue;
                };
                let per_traj = t / width as f64;
                let rate = flops_of(ns, ns, width) as f64 / t;
                // Time of faer's best full-rank products for one trajectory, over ours.
                let vs_faer = flops_of(ns, nb, 1) as f64 / full_best.0 / per_traj;
                let vs_f64 = match precision {
                    Precision::F64 => {
                        f64_times.insert(width, t);
                        String::from("1.00x")
                    }
                    Precision::Mixed => f64_times
                        .get(&width)
                        .map_or(String::from("-"), |f| format!("{:.2}x", f / t)),
                };
                let mark = if width == engine { "*" } else { " " };
                println!(
                    "{nt:>5} {:>6} {width:>5}{mark} {per_traj:>10.1} {rate:>8.1} {:>10.1} ({:>3}) {:>9.0}% {:>11.2}x {:>11.2}x {vs_f64:>8}",
                    precision.label(),
                    best.0,
                    best.1,
                    100.0 * rate / best.0,
                    full_rank.map_or(f64::NAN, |f| f / per_traj),
                    vs_faer,
                );
            }
        }
    }
    println!(
        "(* the engine's width for a large ensemble; 'vs faer full': faer's best time for the two full-rank products alone over the whole collective step)"
    );
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
            let ratio =
                |name: &str| mean_ns(&format!("{group}/{name}")).map_or(f64::NAN, |t| t / full);
            println!(
                "{group:>8}: full {:.3} ms; loss / lossless {:.2}x; full-rank / collective {:.2}x; adiabatic / full {:.3}x; adiabatic / full-rank {:.3}x ({:.1}x faster); with self-term / full {:.3}x",
                full * 1e-6,
                ratio("loss"),
                ratio("full_rank"),
                ratio("adiabatic"),
                ratio("adiabatic") / ratio("full_rank"),
                ratio("full_rank") / ratio("adiabatic"),
                ratio("adiabatic_self"),
            );
        }
    }
    let best = paired_minimum(30);
    println!(
        "  paired: full {:.1} us per step (32 trajectories); loss / lossless {:.2}x; full-rank / collective {:.2}x; adiabatic / full {:.3}x; adiabatic / full-rank {:.3}x ({:.1}x faster); with self-term / full {:.3}x (minimum of 30 interleaved rounds of 64 steps)",
        best[0] * 1e6,
        best[1] / best[0],
        best[2] / best[0],
        best[3] / best[0],
        best[3] / best[2],
        best[2] / best[3],
        best[4] / best[0],
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
    gemm_collective(&mut criterion);
    step(&mut criterion);
    collective(&mut criterion);
    e2e(&mut criterion);
    variant(&mut criterion);
    job(&mut criterion);
    criterion.final_summary();
    // `--profile-time` runs the benchmarks under a profiler; the summary would pollute the profile.
    if !std::env::args().any(|a| a == "--profile-time") {
        summary();
    }
}
