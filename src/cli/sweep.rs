//! `spinboson sweep` and `spinboson merge`: the file handling around [`crate::sweep`].
//!
//! A sweep appends one row per finished point to its CSV and syncs it, so a killed job loses at
//! most the point in progress; rerunning the same command skips the points already written and
//! redoes a torn last line. Every check (axes, parameters of every point, the existing file's
//! fingerprint, writable outputs, the time estimate) happens before anything is written.

use super::run::{check_estimate, human_seconds, progress_bar, resolve_base};
use super::{CliError, MergeArgs, SweepArgs};
use crate::io::{WriteError, check_writable, run_csv, write_atomic};
use crate::physics::Params;
use crate::sim::{JobRequest, StopReason, run_job};
use crate::sweep::{Grid, Scan, Shard, assemble, fit_point, merge, row, scan};
use serde_json::json;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// `FILE.json` beside `FILE.csv`.
pub(super) fn sidecar_path(out: &Path) -> PathBuf {
    out.with_extension("json")
}

/// `FILE.timing.csv` beside `FILE.csv`.
pub(super) fn timing_path(out: &Path) -> PathBuf {
    out.with_extension("timing.csv")
}

/// Read a file that may not exist.
pub(super) fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, CliError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CliError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |source| {
        CliError::Write(WriteError {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Open the sweep CSV for appending: a fresh file gets the preamble, a torn last line is cut.
fn open_output(path: &Path, preamble: &str, existing: &Scan) -> Result<File, CliError> {
    let err = write_err(path);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(&err)?;
    if existing.fresh {
        file.set_len(0).map_err(&err)?;
        file.write_all(preamble.as_bytes()).map_err(&err)?;
        file.sync_all().map_err(&err)?;
    } else if existing.torn {
        file.set_len(existing.valid_len).map_err(&err)?;
        file.sync_all().map_err(&err)?;
    }
    file.seek(SeekFrom::Start(if existing.fresh {
        preamble.len() as u64
    } else {
        existing.valid_len
    }))
    .map_err(&err)?;
    Ok(file)
}

/// `--curves DIR` must be a directory or not exist yet.
pub(super) fn check_curves_dir(dir: Option<&Path>) -> Result<(), CliError> {
    match dir {
        Some(dir) if dir.exists() && !dir.is_dir() => Err(CliError::Output(WriteError {
            path: dir.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "--curves needs a directory",
            ),
        })),
        _ => Ok(()),
    }
}

/// Run the sweep's points (of this shard) that the output does not hold yet; with
/// `--emit-slurm`, write the Slurm script instead.
pub fn sweep_command(args: &SweepArgs) -> Result<(), CliError> {
    if let Some(tasks) = args.emit_slurm {
        return super::slurm::emit_slurm(args, tasks);
    }
    let base = resolve_base(args.preset.as_deref(), &args.overrides)?;
    let grid = Grid::new(base, args.axis.clone())?;
    let shard = args.shard.unwrap_or(Shard::ALL);
    let points: Vec<(usize, Params)> = (0..grid.len())
        .filter(|&i| shard.contains(i))
        .map(|i| grid.params(i).map(|p| (i, p)))
        .collect::<Result<_, _>>()?;
    let preamble = grid.preamble();
    let out = &args.out;
    if sidecar_path(out) == *out || timing_path(out) == *out {
        return Err(CliError::Usage(
            "--out must not end in .json or .timing.csv: those names are the sidecar and the timings",
        ));
    }
    let existing = match read_optional(out)? {
        Some(bytes) => scan(&bytes, &out.display().to_string(), &preamble)?,
        None => Scan {
            fresh: true,
            ordered: true,
            ..Scan::default()
        },
    };
    for path in [out.clone(), sidecar_path(out), timing_path(out)] {
        check_writable(&path).map_err(CliError::Output)?;
    }
    check_curves_dir(args.curves.as_deref())?;
    let todo: Vec<&(usize, Params)> = points
        .iter()
        .filter(|(i, _)| !existing.rows.contains_key(i))
        .collect();
    let estimate = check_estimate(&todo.iter().map(|(_, p)| p).collect::<Vec<_>>(), args.yes)?;

    // Everything checked: from here on files are written.
    if let Some(dir) = &args.curves {
        std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    }
    let command_line: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let sidecar = json!({
        "program": env!("CARGO_PKG_NAME"),
        "version": env!("CARGO_PKG_VERSION"),
        "command_line": command_line,
        "fingerprint": grid.fingerprint(),
        "base_params": grid.base,
        "axes": grid.axes.iter().map(|a| json!({
            "name": a.name.name(),
            "column": a.name.column(),
            "spec": a.spec(),
            "values": a.values(),
        })).collect::<Vec<_>>(),
        "points": grid.len(),
        "shard": args.shard.map(|s| format!("{}/{}", s.k, s.n)),
        "seed_derivation": "point seed = splitmix64(splitmix64(base seed) XOR point index)",
        "columns": crate::sweep::columns(&grid.axes),
        "timing": timing_path(out).display().to_string(),
    });
    write_atomic(
        &sidecar_path(out),
        serde_json::to_string_pretty(&sidecar)?.as_bytes(),
    )?;
    let mut file = open_output(out, &preamble, &existing)?;
    let timing = timing_path(out);
    let mut timing_file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&timing)
        .map_err(write_err(&timing))?;
    if timing_file.metadata().map_or(0, |m| m.len()) == 0 {
        timing_file
            .write_all(b"index,wall_s,trajectory_steps_per_s,diverged_at\n")
            .map_err(write_err(&timing))?;
    }

    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))?;
    let bar = progress_bar(todo.len() as u64, args.quiet);
    let estimate = human_seconds(estimate);
    let skipped = points.len() - todo.len();
    let mut diverged = 0;
    for (n, (index, params)) in todo.iter().enumerate() {
        bar.set_message(format!(
            "point {}/{} ({}) (estimated {estimate} in all)",
            n + 1,
            todo.len(),
            grid.label(*index)
        ));
        let request = JobRequest {
            job_id: *index as u64,
            params: params.clone(),
        };
        let outcome = run_job(&request, &cancel, &|_| {})?;
        if outcome.stop == StopReason::Cancelled {
            bar.abandon();
            eprintln!(
                "stopped: {} of {} points of this run written to {}; rerun the same command to resume",
                n,
                todo.len(),
                out.display()
            );
            return Err(CliError::Stopped(StopReason::Cancelled));
        }
        if let StopReason::Diverged { .. } = outcome.stop {
            diverged += 1;
        }
        if let (Some(dir), Some(e)) = (&args.curves, &outcome.ensemble)
            && outcome.stop == StopReason::Completed
        {
            write_atomic(
                &dir.join(format!("point_{index:05}.csv")),
                run_csv(Some(e)).as_bytes(),
            )?;
        }
        let fit = fit_point(&outcome, params);
        let line = row(*index, &grid.point(*index), params, &outcome, fit.as_ref());
        let err = write_err(out);
        file.write_all(line.as_bytes()).map_err(&err)?;
        file.sync_data().map_err(&err)?;
        let secs = outcome.elapsed.as_secs_f64();
        // Timings are informative: a failed write here does not stop the sweep.
        let _ = writeln!(
            timing_file,
            "{index},{secs},{},{}",
            outcome.steps_done as f64 / secs.max(1e-9),
            outcome
                .stop
                .diverged_at()
                .map_or(String::new(), |t| t.to_string())
        );
        bar.inc(1);
    }
    bar.finish_and_clear();
    drop(file);
    // Rows of separate runs over one file (e.g. shards 0/2 then 1/2) may be out of order: put
    // them in index order so the file is the one a single run writes.
    let bytes = read_optional(out)?.unwrap_or_default();
    let done = scan(&bytes, &out.display().to_string(), &preamble)?;
    if !done.ordered {
        write_atomic(out, assemble(&preamble, &done.rows).as_bytes())?;
    }
    if !args.quiet {
        eprintln!(
            "{} point(s) written to {} ({skipped} already there{}); {} of {} grid points done",
            todo.len(),
            out.display(),
            if diverged > 0 {
                format!(", {diverged} diverged")
            } else {
                String::new()
            },
            done.rows.len(),
            grid.len()
        );
    }
    Ok(())
}

/// Merge shard CSVs into one file, byte-identical to the unsharded sweep's.
pub fn merge_command(args: &MergeArgs) -> Result<(), CliError> {
    let shards = args
        .shards
        .iter()
        .map(|p| {
            std::fs::read(p)
                .map(|b| (p.display().to_string(), b))
                .map_err(|source| CliError::Read {
                    path: p.clone(),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let merged = merge(&shards)?;
    // Only a file of the same sweep (an earlier merge, or a partial run) is overwritten.
    if let Some(existing) = read_optional(&args.out)?
        && !existing.is_empty()
    {
        let preamble: String = merged.split_inclusive('\n').take(2).collect();
        scan(&existing, &args.out.display().to_string(), &preamble)?;
    }
    check_writable(&args.out).map_err(CliError::Output)?;
    // The first shard's sidecar, marked as merged (the CSV is the part that is byte-identical).
    let sidecar = match read_optional(&sidecar_path(&args.shards[0]))? {
        Some(bytes) => match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(mut meta) => {
                if let Some(o) = meta.as_object_mut() {
                    o.insert("shard".into(), serde_json::Value::Null);
                    o.insert(
                        "merged_from".into(),
                        json!(shards.iter().map(|(n, _)| n).collect::<Vec<_>>()),
                    );
                    o.remove("timing");
                }
                Some(meta)
            }
            Err(_) => None,
        },
        None => None,
    };
    let sidecar_out = sidecar_path(&args.out);
    if sidecar.is_some() && sidecar_out != args.out {
        check_writable(&sidecar_out).map_err(CliError::Output)?;
    }
    write_atomic(&args.out, merged.as_bytes())?;
    if let Some(meta) = sidecar
        && sidecar_out != args.out
    {
        write_atomic(
            &sidecar_out,
            serde_json::to_string_pretty(&meta)?.as_bytes(),
        )?;
    }
    Ok(())
}
