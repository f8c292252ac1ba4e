//! `spinboson sweep --emit-slurm N`: the files around [`crate::sweep::slurm`].
//!
//! Runs nothing. Writes `OUT.base.ron` (the resolved base parameters as a preset, so that every
//! task starts from exactly the parameters of this command whatever preset file or flags gave
//! them) and the script `OUT.slurm.sh`. Every check (axes, every point's parameters, the task
//! count, paths the script can carry, existing outputs of another sweep, writable outputs)
//! happens before anything is written.

use super::sweep::{read_optional, sidecar_path, timing_path};
use super::{CliError, SweepArgs, human_seconds, run::resolve_base};
use crate::io::{Preset, WriteError, check_writable, write_atomic};
use crate::sim::CostModel;
use crate::sweep::slurm::{SlurmError, SlurmPlan, job_name, sh_quote, shard_path};
use crate::sweep::{Grid, scan};
use std::path::{Path, PathBuf};

/// The absolute form of a path the user gave (not resolving links: the user's path is kept).
fn absolute(path: &Path) -> Result<PathBuf, CliError> {
    std::path::absolute(path).map_err(|source| CliError::Locate {
        what: path.display().to_string(),
        source,
    })
}

/// Write the Slurm script for `tasks` array tasks and the base preset it runs from.
pub(super) fn emit_slurm(args: &SweepArgs, tasks: usize) -> Result<(), CliError> {
    let base = resolve_base(args.preset.as_deref(), &args.overrides)?;
    let grid = Grid::new(base, args.axis.clone())?;
    // Every point valid, and its estimated wall time on a task's threads.
    let model = CostModel::default();
    let seconds: Vec<f64> = (0..grid.len())
        .map(|i| {
            grid.params(i)
                .map(|p| model.seconds(&p, args.cpus_per_task))
        })
        .collect::<Result<_, _>>()?;
    if tasks > grid.len() {
        return Err(SlurmError::TooManyTasks {
            tasks,
            points: grid.len(),
        }
        .into());
    }
    let out = absolute(&args.out)?;
    if sidecar_path(&out) == out || timing_path(&out) == out {
        return Err(CliError::Usage(
            "--out must not end in .json or .timing.csv: those names are the sidecar and the timings",
        ));
    }
    let base_preset = out.with_extension("base.ron");
    let script = match &args.script {
        Some(s) => absolute(s)?,
        None => out.with_extension("slurm.sh"),
    };
    let shards: Vec<PathBuf> = (0..tasks).map(|k| shard_path(&out, k)).collect();
    let taken = [out.clone(), sidecar_path(&out), base_preset.clone()]
        .into_iter()
        .chain(shards.iter().flat_map(|s| [s.clone(), sidecar_path(s)]));
    if taken.into_iter().any(|p| p == script) {
        return Err(CliError::Usage(
            "--script must not be a file of the sweep (its CSV, a shard, a sidecar or the base preset)",
        ));
    }
    let plan = SlurmPlan {
        exe: std::env::current_exe().map_err(|source| CliError::Locate {
            what: "this program".into(),
            source,
        })?,
        out: out.clone(),
        base_preset: base_preset.clone(),
        axes: grid.axes.clone(),
        curves: args.curves.as_deref().map(absolute).transpose()?,
        script: script.clone(),
        log_dir: out.with_extension("slurm-logs"),
        work_dir: out.parent().unwrap_or(Path::new("/")).to_path_buf(),
        tasks,
        cpus_per_task: args.cpus_per_task,
        time: args.slurm_time.clone(),
        job_name: job_name(&out),
        points: grid.len(),
    };
    let text = plan.script_text()?;

    // Outputs of another sweep where the jobs will write are refused now, not in a job.
    let preamble = grid.preamble();
    for path in std::iter::once(&out).chain(&shards) {
        if let Some(bytes) = read_optional(path)? {
            scan(&bytes, &path.display().to_string(), &preamble)?;
        }
    }
    super::sweep::check_curves_dir(plan.curves.as_deref())?;
    for path in [&out, &base_preset, &script] {
        check_writable(path).map_err(CliError::Output)?;
    }
    let preset = Preset {
        name: format!("{} (sweep base)", plan.job_name),
        description: format!(
            "The base parameters of the sweep {} (axes {}), written by `spinboson sweep --emit-slurm` for its Slurm tasks. Keep it unchanged: the outputs of the tasks carry a fingerprint of these parameters.",
            out.display(),
            grid.axes_spec()
        ),
        params: grid.base.clone(),
        ..Preset::default()
    };
    let ron = preset
        .to_ron()
        .map_err(|e| CliError::Internal(format!("cannot write the base parameters as RON: {e}")))?;
    // The tasks must run exactly this sweep: the preset read back gives the same fingerprint.
    let back = Preset::from_ron(&ron, &base_preset)?;
    if Grid::new(back.params, grid.axes.clone())?.fingerprint() != grid.fingerprint() {
        return Err(CliError::Internal(
            "the base parameters do not read back unchanged from RON".into(),
        ));
    }

    // Everything checked: from here on files are written.
    write_atomic(&base_preset, ron.as_bytes())?;
    write_atomic(&script, text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).map_err(
            |source| {
                CliError::Write(WriteError {
                    path: script.clone(),
                    source,
                })
            },
        )?;
    }

    let longest = (0..tasks)
        .map(|k| seconds.iter().skip(k).step_by(tasks).sum::<f64>())
        .fold(0.0, f64::max);
    eprintln!(
        "wrote {}: {tasks} array task(s) of {} CPU(s) over {} point(s), the longest estimated at {} (at this project's machine's speed), then a merge into {}",
        script.display(),
        args.cpus_per_task,
        grid.len(),
        human_seconds(longest),
        out.display()
    );
    eprintln!("base parameters: {}", base_preset.display());
    eprintln!(
        "submit with: bash {}",
        sh_quote(&script.display().to_string())
    );
    Ok(())
}
