//! `spinboson run` as a user meets it: files, exit codes, messages, determinism, Ctrl-C.

use std::path::Path;
mod cli_common;
use cli_common::run as spinboson;
use std::process::Command;

const QUICK: &[&str] = &[
    "run",
    "--quiet",
    "--nt",
    "80",
    "--t-max",
    "5",
    "--realizations",
    "4",
    "--traj",
    "40",
    "--points",
    "30",
];

#[test]
fn run_writes_csv_and_sidecar_identically_for_any_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csvs = Vec::new();
    for (precision, threads) in [("f64", "1"), ("f64", "2"), ("mixed", "1"), ("mixed", "2")] {
        let out = dir.path().join(format!("run{precision}{threads}.csv"));
        let args: Vec<&str> = QUICK
            .iter()
            .copied()
            .chain(["--kappa", "0.1", "--precision", precision])
            .chain(["--out", out.to_str().expect("utf8")])
            .collect();
        let result = spinboson(&args, Some(threads));
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        csvs.push(std::fs::read(&out).expect("csv written"));
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.with_extension("json")).expect("sidecar"))
                .expect("json");
        assert_eq!(meta["stop_reason"], "completed");
        assert_eq!(meta["trajectories_completed"], 160);
        assert_eq!(meta["params"]["kappa"], 0.1);
        // f64 is the default and left out, so files written before the choice existed match.
        let stated = meta["params"].get("precision").cloned();
        assert_eq!(stated, (precision == "mixed").then(|| "Mixed".into()));
        // The sidecar itself states the precision of every run.
        assert_eq!(meta["precision"], precision);
        assert_eq!(meta["ns"], 7);
        assert!(meta["version"].is_string() && meta["wall_time_s"].is_number());
    }
    assert_eq!(
        csvs[0], csvs[1],
        "RAYON_NUM_THREADS=1 and =2 give different CSVs"
    );
    assert_eq!(
        csvs[2], csvs[3],
        "mixed precision: RAYON_NUM_THREADS=1 and =2 give different CSVs"
    );
    assert_ne!(csvs[0], csvs[2], "mixed precision gave the f64 bits");
    // The CSV has the documented columns and 30 rows.
    let mut reader = csv::Reader::from_reader(csvs[0].as_slice());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header.join(","), spinboson::io::RUN_CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 30);
    assert_eq!(rows[0][1].parse::<f64>().expect("sx"), 1.0);
}

fn assert_bad_input(args: &[&str], needle: &str) {
    let result = spinboson(args, None);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: message {stderr:?} lacks {needle:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_input_exits_with_status_2_and_names_the_field() {
    assert_bad_input(&["run", "--nt", "0"], "nt = 0");
    assert_bad_input(&["run", "--alpha", "-1"], "alpha = -1");
    assert_bad_input(&["run", "--sigma", "NaN"], "sigma = NaN");
    assert_bad_input(&["run", "--nt", "40", "--alpha", "200"], "leaves no spins");
    assert_bad_input(&["run", "--dt", "0.5"], "stability bound");
    assert_bad_input(&["run", "--t-max", "0"], "t_max");
    assert_bad_input(
        &["run", "--realizations", "1", "--traj", "1"],
        "trajectories_per_realization",
    );
    assert_bad_input(
        &["run", "--kappa", "1", "--integrator", "yoshida4"],
        "kappa",
    );
    assert_bad_input(&["run", "--model", "ising"], "ising");
    assert_bad_input(&["run", "--precision", "f16"], "f16");
    assert_bad_input(
        &["run", "--preset", "/nonexistent/p.ron"],
        "no preset file /nonexistent/p.ron and no built-in preset of that name (built-in: default,",
    );
}

#[test]
fn an_unwritable_output_is_refused_before_the_run_naming_the_path_given() {
    let start = std::time::Instant::now();
    // A run of minutes if it started: the check comes first.
    for args in [
        &["run", "--nt", "1000", "--out", "/nonexistent/x.csv"][..],
        &[
            "figure",
            "--preset",
            "fig2_center",
            "--out",
            "/nonexistent/f.svg",
        ][..],
    ] {
        let result = spinboson(args, None);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("cannot write /nonexistent/"), "{stderr}");
        assert!(stderr.contains("nothing was run"), "{stderr}");
        assert!(!stderr.contains(".tmp"), "names a temporary file: {stderr}");
    }
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "it ran first"
    );
}

#[test]
fn a_run_estimated_above_ten_minutes_needs_yes() {
    let args = ["run", "--quiet", "--nt", "1000", "--t-max", "1000000"];
    let result = spinboson(&args, Some("2"));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is estimated to take"), "{stderr}");
    assert!(stderr.contains("pass --yes"), "{stderr}");
}

/// A binary built without the explorer says so instead of quietly printing the help (exit 2).
#[cfg(not(feature = "gui"))]
#[test]
fn without_the_explorer_no_command_says_it_is_missing() {
    let out = spinboson(&[], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("built without the explorer"), "{stderr}");
}

#[test]
fn help_lists_defaults_builtin_presets_and_the_explorer() {
    let top = spinboson(&["--help"], None);
    let top = String::from_utf8_lossy(&top.stdout);
    assert!(
        top.contains("Run without a command to open the desktop explorer"),
        "{top}"
    );
    let run = spinboson(&["run", "--help"], None);
    let run = String::from_utf8_lossy(&run.stdout);
    let defaults = spinboson::physics::Params::default();
    for needle in [
        format!("[default: {}]", defaults.nt),
        format!("[default: {}]", defaults.t_max),
        "[default: auto]".to_string(),
        "fig2_center".to_string(),
        "adiabatic_vs_full".to_string(),
    ] {
        assert!(run.contains(&needle), "run --help lacks {needle}:\n{run}");
    }
    let figure = spinboson(&["figure", "--help"], None);
    let figure = String::from_utf8_lossy(&figure.stdout);
    assert!(figure.contains("fig3_right"), "{figure}");
}

#[test]
fn presets_load_and_flags_override_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let preset = dir.path().join("p.ron");
    std::fs::write(&preset, "(name: \"t\", params: (nt: 60, t_max: 2.0, points: 10, realizations: 2, trajectories_per_realization: 8))")
        .expect("write");
    let out = dir.path().join("p.csv");
    let result = spinboson(
        &[
            "run",
            "--quiet",
            "--preset",
            preset.to_str().expect("utf8"),
            "--points",
            "12",
            "--out",
            out.to_str().expect("utf8"),
        ],
        None,
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.with_extension("json")).expect("sidecar"))
            .expect("json");
    assert_eq!(meta["params"]["nt"], 60);
    assert_eq!(meta["params"]["points"], 12);

    std::fs::write(&preset, "(params: (nt: 60,\n  sigma: \"three\"))").expect("write");
    assert_bad_input(
        &["run", "--preset", preset.to_str().expect("utf8")],
        "line 2",
    );
    std::fs::write(&preset, "(params: (nt: 60, model: Ising))").expect("write");
    assert_bad_input(
        &["run", "--preset", preset.to_str().expect("utf8")],
        "Ising",
    );
}

#[test]
fn ctrl_c_stops_cleanly_and_writes_what_finished() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("long.csv");
    // Small batches finish every few milliseconds; the whole run would take minutes.
    let child = Command::new(env!("CARGO_BIN_EXE_spinboson"))
        .args([
            "run",
            "--quiet",
            "--nt",
            "60",
            "--t-max",
            "2000",
            "--realizations",
            "500",
            "--traj",
            "2",
            "--out",
        ])
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    // The shell's builtin kill: no dependency on procps.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -INT {}", child.id()))
        .status()
        .expect("sh");
    assert!(status.success());
    let result = child.wait_with_output().expect("wait");
    assert_eq!(
        result.status.code(),
        Some(1),
        "a cancelled run exits with 1"
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.with_extension("json")).expect("sidecar"))
            .expect("json");
    assert_eq!(meta["stop_reason"], "cancelled");
    let done = meta["trajectories_completed"].as_u64().expect("count");
    assert!(done > 0 && done < 1000, "{done} trajectories");
    let text = std::fs::read_to_string(&out).expect("csv");
    assert!(
        text.lines().count() > 1,
        "finished trajectories are written"
    );
    assert!(Path::new(&out).exists());
}
