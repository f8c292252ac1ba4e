//! `spinboson run --fit`: the sidecar's `fit` object, the table, and bad `--fit-window` values.

use std::process::{Command, Output};

fn spinboson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spinboson"))
        .args(args)
        .output()
        .expect("the binary runs")
}

const QUICK: &[&str] = &[
    "run",
    "--quiet",
    "--nt",
    "80",
    "--sigma",
    "2",
    "--omega",
    "1",
    "--t-max",
    "20",
    "--realizations",
    "4",
    "--traj",
    "16",
    "--points",
    "60",
];

#[test]
fn fit_adds_an_object_to_the_sidecar_and_a_table_to_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run.csv");
    let args: Vec<&str> = QUICK
        .iter()
        .copied()
        .chain(["--fit", "--out", out.to_str().expect("utf8")])
        .collect();
    let result = spinboson(&args);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let table = String::from_utf8_lossy(&result.stdout);
    assert!(
        table.contains("verdict:") && table.contains("algebraic"),
        "{table}"
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.with_extension("json")).expect("sidecar"))
            .expect("json");
    let fit = &meta["fit"];
    let best = fit["best"].as_str().unwrap_or("missing");
    assert!(
        ["logarithmic", "algebraic", "exponential", "undetermined"].contains(&best),
        "{fit}"
    );
    assert_eq!(fit["error_method"], "jackknife over 4 realizations");
    assert_eq!(fit["units"], 4);
    // sigma = 2, alpha = 10: t_h = 1.907, and the window starts there.
    let window = fit["window"].as_array().expect("window array");
    assert_eq!(window.len(), 2);
    assert!(
        (window[0].as_f64().unwrap_or(0.0) - 1.907).abs() < 1e-3,
        "{fit}"
    );
    assert!(window[1].as_f64().unwrap_or(0.0) > window[0].as_f64().unwrap_or(0.0));
    assert_eq!(fit["regime"], "algebraic");
    for (law, keys) in [
        ("logarithmic", ["a", "a_err", "b", "b_err", "aic"]),
        (
            "algebraic",
            ["amplitude", "amplitude_err", "gamma", "gamma_err", "aic"],
        ),
        (
            "exponential",
            ["amplitude", "amplitude_err", "tau", "tau_err", "aic"],
        ),
    ] {
        for key in keys {
            assert!(
                fit["laws"][law][key].is_number(),
                "{law}.{key} missing in {fit}"
            );
        }
    }
    let confidence = fit["confidence"].as_f64().unwrap_or(-1.0);
    assert!((0.0..=1.0).contains(&confidence), "{fit}");
}

#[test]
fn a_manual_window_is_reported_and_without_out_the_table_goes_to_stderr() {
    let args: Vec<&str> = QUICK
        .iter()
        .copied()
        .chain(["--fit-window", "2:15"])
        .collect();
    let result = spinboson(&args);
    assert!(result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("fit of sx on [2.0000, 15.0000]"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&result.stdout).starts_with("t,sx,"));
}

#[test]
fn bad_fit_windows_exit_2_naming_the_flag() {
    for bad in ["5:2", "abc", "-1:3", "3", "1:nan"] {
        let args: Vec<&str> = QUICK.iter().copied().chain(["--fit-window", bad]).collect();
        let result = spinboson(&args);
        assert_eq!(result.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(stderr.contains("--fit-window"), "{bad}: {stderr}");
    }
}
