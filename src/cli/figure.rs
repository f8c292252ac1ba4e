//! `spinboson figure` (run a preset's family and draw it) and `spinboson preset validate`.

use super::run::{check_estimate, progress_bar};
use super::{CliError, FigureArgs};
use crate::io::check_writable;
use crate::io::{
    CURRENT_COLOR, CurveView, FigureFormat, PALETTE, Preset, write_figure, write_tidy_export,
};
use crate::physics::Params;
use crate::sim::{Ensemble, JobRequest, Progress, StopReason, run_job};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The preset with the command-line flags applied to its parameters.
fn resolve_preset(args: &FigureArgs) -> Result<Preset, CliError> {
    let path = args.preset.as_ref().ok_or(CliError::Usage(
        "spinboson figure needs --preset FILE.ron (or --map fig1|fig3, or --sweep SWEEP.csv)",
    ))?;
    let loaded = Preset::load_named(path)?;
    if let Some(warning) = loaded.warning() {
        eprintln!("warning: {}: {warning}", path.display());
    }
    let mut preset = loaded.preset;
    preset.params = args.overrides.apply(&preset.params);
    if let Some(axis) = args.axis {
        preset.display.axis = axis.into();
    }
    preset.validate(path)?;
    Ok(preset)
}

/// Run every member of the preset's family in turn, then write the figure (and the CSV).
pub fn figure_command(args: &FigureArgs) -> Result<(), CliError> {
    FigureFormat::from_path(&args.out)?; // fail before the runs, not after
    if let Some(sweep) = &args.sweep {
        return super::map::sweep_map_command(args, sweep);
    }
    if let Some(kind) = args.map {
        return super::map::map_command(args, kind);
    }
    let preset = resolve_preset(args)?;
    let runs: Vec<(String, Params)> = preset.runs()?;
    check_writable(&args.out).map_err(CliError::Output)?;
    if let Some(csv) = &args.csv {
        check_writable(csv).map_err(CliError::Output)?;
    }
    let members: Vec<&Params> = runs.iter().map(|(_, p)| p).collect();
    check_estimate(&members, args.yes)?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))?;
    let total: u64 = runs
        .iter()
        .map(|(_, p)| p.steps_per_trajectory() * p.n_trajectories() as u64)
        .sum();
    let bar = progress_bar(total, args.quiet);
    let mut steps_before = 0u64;
    let mut results: Vec<(String, Params, Ensemble)> = Vec::new();
    for (k, (label, params)) in runs.iter().enumerate() {
        let offset = steps_before;
        let on_progress = |p: &Progress| {
            bar.set_position(offset + p.steps_done);
            bar.set_message(format!(
                "curve {}/{} ({label}): {}/{} trajectories",
                k + 1,
                runs.len(),
                p.trajectories_done,
                p.trajectories_total
            ));
        };
        let request = JobRequest {
            job_id: k as u64,
            params: params.clone(),
        };
        let outcome = run_job(&request, &cancel, &on_progress)?;
        steps_before += outcome.steps_done;
        match (outcome.stop, outcome.ensemble) {
            (StopReason::Completed, Some(ensemble)) => {
                results.push((label.clone(), params.clone(), ensemble));
            }
            (stop, _) => {
                bar.finish_and_clear();
                return Err(CliError::Stopped(stop));
            }
        }
    }
    bar.finish_and_clear();
    // The explorer's colors: family member k takes PALETTE[k]; a single run the current color.
    let family = preset.family.is_some();
    let fits: Vec<crate::analysis::FitReport> = results
        .iter()
        .map(|(_, p, e)| {
            let window = crate::analysis::Timescales::from_params(p);
            crate::analysis::fit_ensemble(e, crate::analysis::WindowRequest::Auto(window))
        })
        .collect();
    let views: Vec<CurveView<'_>> = results
        .iter()
        .zip(&fits)
        .enumerate()
        .map(|(k, ((label, params, ensemble), fit))| CurveView {
            label,
            params,
            ensemble,
            stop: Some(StopReason::Completed),
            color: if family {
                PALETTE[k % PALETTE.len()]
            } else {
                CURRENT_COLOR
            },
            fit: Some(fit),
        })
        .collect();
    let title = if preset.description.is_empty() {
        preset.name.clone()
    } else {
        preset.name.replace('_', " ")
    };
    write_figure(&args.out, &views, &preset.display, &title)?;
    if let Some(csv_path) = &args.csv {
        write_tidy_export(csv_path, &views)?;
    }
    if !args.quiet {
        eprintln!(
            "wrote {} ({} curve{})",
            args.out.display(),
            results.len(),
            if results.len() == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

/// Check each file; print `ok` or the error for each. Fails (exit 2) if any is invalid.
pub fn validate_presets(files: &[PathBuf]) -> Result<(), CliError> {
    let mut invalid = 0;
    for path in files {
        match check(path) {
            Ok(warning) => {
                println!("{}: ok", path.display());
                if let Some(w) = warning {
                    eprintln!("warning: {}: {w}", path.display());
                }
            }
            Err(e) => {
                invalid += 1;
                eprintln!("error: {e}");
            }
        }
    }
    if invalid == 0 {
        Ok(())
    } else {
        Err(CliError::InvalidPresets {
            count: invalid,
            total: files.len(),
        })
    }
}

fn check(path: &Path) -> Result<Option<String>, CliError> {
    let loaded = Preset::load_named(path)?;
    loaded.preset.validate(path)?;
    Ok(loaded.warning())
}
