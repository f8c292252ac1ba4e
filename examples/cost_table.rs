//! The cost model against reality on every built-in preset: the estimate before anything ran
//! (the built-in rate), the estimate after the explorer's first run (the default preset) has
//! calibrated the rate, and the measured wall time of the preset's whole family.
//!
//! `cargo run --release --example cost_table` (about 7 minutes on this project's 2-core machine);
//! `cargo run --release --example cost_table -- photon_loss adiabatic_vs_full` for some presets.

use spinboson::io::{BUILTIN_PRESETS, builtin_preset};
use spinboson::sim::{CostModel, JobRequest, run_job};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let threads = rayon::current_num_threads();
    let cancel = AtomicBool::new(false);
    let run = |p: &spinboson::physics::Params| -> Result<(f64, u64), Box<dyn std::error::Error>> {
        let start = Instant::now();
        let out = run_job(
            &JobRequest {
                job_id: 0,
                params: p.clone(),
            },
            &cancel,
            &|_| {},
        )?;
        Ok((start.elapsed().as_secs_f64(), out.steps_done))
    };
    // Calibrate as the explorer does on its first run: the default preset.
    let default = builtin_preset("default")
        .ok_or("no default preset")??
        .params;
    let guess = CostModel::default();
    let (secs, steps) = run(&default)?;
    let mut calibrated = CostModel::default();
    calibrated.observe(
        &default,
        steps,
        std::time::Duration::from_secs_f64(secs),
        threads,
    );
    println!(
        "threads {threads}; rate: built-in {:.3e}, calibrated on default {:.3e} work/s/thread",
        guess.rate, calibrated.rate
    );
    println!(
        "| preset | runs | estimate (built-in rate) | estimate (calibrated) | measured | measured / calibrated |"
    );
    println!("|---|---|---|---|---|---|");
    let only: Vec<String> = std::env::args().skip(1).collect();
    for (name, _) in BUILTIN_PRESETS {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let preset = builtin_preset(name).ok_or("missing")??;
        let runs = preset.runs()?;
        let est_guess: f64 = runs.iter().map(|(_, p)| guess.seconds(p, threads)).sum();
        let est: f64 = runs
            .iter()
            .map(|(_, p)| calibrated.seconds(p, threads))
            .sum();
        let mut measured = 0.0;
        for (_, p) in &runs {
            measured += run(p)?.0;
        }
        println!(
            "| {name} | {} | {est_guess:.1} s | {est:.1} s | {measured:.1} s | {:.2} |",
            runs.len(),
            measured / est
        );
    }
    Ok(())
}
