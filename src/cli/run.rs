//! `spinboson run`: one parameter set, with a progress bar, Ctrl-C and safe output files.

use super::{CliError, RunArgs};
use crate::io::{Preset, RunMetadata, check_writable, run_csv, write_atomic};
use crate::physics::Params;
use crate::sim::{CostModel, JobRequest, Progress, StopReason, run_job};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The parameters a `run` invocation asks for: the preset (or defaults) with the flags applied,
/// validated.
pub fn resolve_params(args: &RunArgs) -> Result<Params, CliError> {
    resolve_base(args.preset.as_deref(), &args.overrides)
}

/// The preset (or defaults) with the flags applied, validated.
pub(super) fn resolve_base(
    preset: Option<&std::path::Path>,
    overrides: &super::ParamOverrides,
) -> Result<Params, CliError> {
    let base = match preset {
        Some(path) => {
            let loaded = Preset::load_named(path)?;
            if let Some(warning) = loaded.warning() {
                eprintln!("warning: {}: {warning}", path.display());
            }
            loaded.preset.params
        }
        None => Params::default(),
    };
    let params = overrides.apply(&base);
    params.validate()?;
    Ok(params)
}

/// Runs estimated above this many seconds need `--yes`.
pub const CONFIRM_SECONDS: f64 = 600.0;

/// The estimated wall time of `runs` on this process's thread pool (the explorer's cost model,
/// at its built-in rate for this project's machine), refused above [`CONFIRM_SECONDS`] unless
/// `yes`. Returns the estimate.
pub(super) fn check_estimate(runs: &[&Params], yes: bool) -> Result<f64, CliError> {
    let threads = rayon::current_num_threads();
    let model = CostModel::default();
    let seconds: f64 = runs.iter().map(|p| model.seconds(p, threads)).sum();
    if seconds > CONFIRM_SECONDS && !yes {
        return Err(CliError::TooLong { seconds, threads });
    }
    Ok(seconds)
}

/// A progress bar over `total` trajectory-steps on stderr (hidden with `quiet`).
pub(super) fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let style = ProgressStyle::with_template(
        "{bar:40} {percent:>3}% {msg} elapsed {elapsed_precise} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Run the job; write the CSV and its JSON sidecar (or the CSV to stdout). Ctrl-C stops the run
/// and still writes what finished, marked cancelled, then reports [`CliError::Stopped`].
pub fn run_command(args: &RunArgs) -> Result<(), CliError> {
    let params = resolve_params(args)?;
    if let Some(path) = &args.out {
        check_writable(path).map_err(CliError::Output)?;
        check_writable(&path.with_extension("json")).map_err(CliError::Output)?;
    }
    let estimate = check_estimate(&[&params], args.yes)?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))?;
    let total = params.steps_per_trajectory() * params.n_trajectories() as u64;
    let bar = progress_bar(total, args.quiet);
    let estimate = human_seconds(estimate);
    let on_progress = |p: &Progress| {
        bar.set_position(p.steps_done);
        bar.set_message(format!(
            "{}/{} trajectories (estimated {estimate})",
            p.trajectories_done, p.trajectories_total
        ));
    };
    let request = JobRequest {
        job_id: 0,
        params: params.clone(),
    };
    let outcome = run_job(&request, &cancel, &on_progress)?;
    bar.finish_and_clear();
    let csv = run_csv(outcome.ensemble.as_ref());
    let fit = match &outcome.ensemble {
        Some(e) if args.fit || args.fit_window.is_some() => {
            Some(super::fit::fit_run(e, &params, args.fit_window))
        }
        _ => None,
    };
    match &args.out {
        Some(path) => {
            write_atomic(path, csv.as_bytes())?;
            let mut meta = serde_json::to_value(RunMetadata::new(&params, &outcome))?;
            if let (Some(report), Some(object)) = (&fit, meta.as_object_mut()) {
                object.insert("fit".into(), super::fit::fit_json(report, &params));
            }
            let meta = serde_json::to_string_pretty(&meta)?;
            write_atomic(&path.with_extension("json"), meta.as_bytes())?;
            if let Some(report) = &fit {
                print!("{}", super::fit::fit_table(report, &params));
            }
        }
        None => {
            // A closed stdout (e.g. `| head`) is not worth failing the run over.
            std::io::stdout().write_all(csv.as_bytes()).ok();
            if let Some(report) = &fit {
                eprint!("{}", super::fit::fit_table(report, &params));
            }
        }
    }
    let secs = outcome.elapsed.as_secs_f64();
    if !args.quiet {
        eprintln!(
            "{}: {}/{} trajectories in {:.2} s ({:.3e} trajectory-steps/s, dt = {:.4e}, Ns = {}, Nb = {})",
            outcome.stop,
            outcome.trajectories_completed,
            params.n_trajectories(),
            secs,
            outcome.steps_done as f64 / secs.max(1e-9),
            params.effective_dt(),
            params.ns(),
            params.nb(),
        );
    }
    match outcome.stop {
        StopReason::Completed => Ok(()),
        stop => Err(CliError::Stopped(stop)),
    }
}

/// `1.2 s`, `3 min 20 s`, `1 h 05 min`.
pub fn human_seconds(secs: f64) -> String {
    if !secs.is_finite() {
        "?".into()
    } else if secs < 60.0 {
        format!("{secs:.1} s")
    } else if secs < 3600.0 {
        format!("{} min {:02} s", (secs / 60.0) as u64, (secs % 60.0) as u64)
    } else {
        format!(
            "{} h {:02} min",
            (secs / 3600.0) as u64,
            ((secs % 3600.0) / 60.0) as u64
        )
    }
}
