//! Presets and figures as a user meets them: every built-in preset validates and runs, files
//! round-trip, malformed files give located errors (never a panic), `spinboson figure` draws one
//! series per family member and its CSV reads back with the documented columns.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use spinboson::io::{BUILTIN_PRESETS, Preset, PresetError, TIDY_CSV_COLUMNS, write_atomic};
use spinboson::physics::Params;
use spinboson::sim::{JobRequest, StopReason, run_job};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

fn spinboson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spinboson"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn preset_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("presets"))
            .expect("presets/ exists")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
    files.sort();
    files
}

/// A copy small enough to run in a moment: few particles, a few steps, two samples.
fn shrunk(p: &Params) -> Params {
    Params {
        nt: p.nt.min(40),
        t_max: 0.05,
        points: 3,
        t_min: 0.01,
        realizations: 2,
        trajectories_per_realization: 1,
        ..p.clone()
    }
}

#[test]
fn every_preset_file_validates_is_built_in_and_runs_shrunk() {
    let files = preset_files();
    assert_eq!(
        files.len(),
        BUILTIN_PRESETS.len(),
        "presets/ and BUILTIN_PRESETS differ"
    );
    for path in &files {
        let loaded = Preset::load(path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            loaded.unknown_fields.is_empty(),
            "{}: {:?}",
            path.display(),
            loaded.unknown_fields
        );
        let preset = loaded.preset;
        preset.validate(path).unwrap_or_else(|e| panic!("{e}"));
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf8 name");
        assert_eq!(preset.name, stem);
        assert!(BUILTIN_PRESETS.iter().any(|(name, _)| *name == stem));
        assert!(
            preset.description.to_lowercase().contains("takes about"),
            "{stem}: say how long it takes"
        );
        // Paper sizes by default (the explorer's default preset is smaller on purpose).
        if stem.starts_with("fig") {
            assert!(
                preset.params.nt == 1000 || preset.params.nt == 640,
                "{stem}"
            );
        }
        for (label, params) in preset.runs().expect("family valid") {
            let request = JobRequest {
                job_id: 0,
                params: shrunk(&params),
            };
            let outcome = run_job(&request, &AtomicBool::new(false), &|_| {})
                .unwrap_or_else(|e| panic!("{stem} / {label}: {e}"));
            assert_eq!(outcome.stop, StopReason::Completed, "{stem} / {label}");
            let e = outcome.ensemble.expect("ensemble");
            assert!(
                e.mean.iter().flatten().all(|v| v.is_finite()),
                "{stem} / {label}"
            );
        }
    }
}

#[test]
fn save_then_load_round_trips_and_old_files_load_with_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in BUILTIN_PRESETS {
        let preset = Preset::from_ron(text, Path::new(name)).expect("parses");
        let path = dir.path().join(format!("{name}.ron"));
        write_atomic(&path, preset.to_ron().expect("serializes").as_bytes()).expect("saved");
        let back = Preset::load(&path).expect("loads");
        assert_eq!(back.preset, preset, "{name}");
        assert!(back.unknown_fields.is_empty());
    }
    // A file from before families and display settings existed.
    let old = "(version: 1, name: \"old\", params: (nt: 200, sigma: 2.0))";
    let p = Preset::from_ron(old, Path::new("old.ron")).expect("old file loads");
    assert_eq!(p.params.nt, 200);
    assert_eq!(p.params.omega, Params::default().omega);
    assert_eq!(p.family, None);
    assert_eq!(p.display, spinboson::io::DisplaySettings::default());
}

#[test]
fn malformed_presets_give_located_errors_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = BUILTIN_PRESETS[1].1;
    let cases: [(&str, String, &str); 5] = [
        ("truncated", good[..good.len() / 2].to_string(), "line"),
        (
            "wrong_type",
            good.replace("nt: 1000", "nt: \"many\""),
            "line",
        ),
        (
            "unknown_model",
            good.replace("seed: 1,", "seed: 1, model: Quantum,"),
            "line",
        ),
        (
            "nan",
            good.replace("sigma: 2.0", "sigma: NaN"),
            "sigma = NaN",
        ),
        (
            "bad_family",
            good.replace("values: [3.6,", "values: [-3.6,"),
            "omega/h = -3.6",
        ),
    ];
    for (name, text, expect) in cases {
        let path = dir.path().join(format!("{name}.ron"));
        std::fs::write(&path, &text).expect("write");
        let err = Preset::load(&path)
            .and_then(|l| l.preset.validate(&path).map(|_| l))
            .expect_err(name);
        let msg = err.to_string();
        assert!(msg.contains(expect), "{name}: {msg}");
        if expect == "line" {
            assert!(
                matches!(err, PresetError::Parse { line, column, .. } if line > 0 && column > 0)
            );
        }
        let out = spinboson(&["preset", "validate", path.to_str().expect("utf8")]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expect), "{name}: {stderr}");
    }
    // Every built-in file passes on the command line.
    let files = preset_files();
    let mut args = vec!["preset".to_string(), "validate".to_string()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = spinboson(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn random_mutations_never_panic_the_parser() {
    let base = BUILTIN_PRESETS[2].1.as_bytes();
    let alphabet = b"(){}[]:,\"0123456789.-eE+_abcxyzNaSome \n";
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let (mut parsed, mut valid) = (0, 0);
    for _ in 0..3000 {
        let mut text = base.to_vec();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..text.len());
            match rng.random_range(0..4) {
                0 => {
                    let end = (at + rng.random_range(1..20)).min(text.len());
                    text.drain(at..end);
                }
                1 => text.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
                2 => text[at] = alphabet[rng.random_range(0..alphabet.len())],
                _ => {
                    let end = (at + rng.random_range(1..30)).min(text.len());
                    let copy = text[at..end].to_vec();
                    let to = rng.random_range(0..text.len());
                    text.splice(to..to, copy);
                }
            }
            if text.is_empty() {
                break;
            }
        }
        let text = String::from_utf8_lossy(&text);
        if let Ok(loaded) = Preset::parse(&text, Path::new("fuzz.ron")) {
            parsed += 1;
            if loaded.preset.validate(Path::new("fuzz.ron")).is_ok() {
                valid += 1;
                let _ = loaded.preset.runs();
                let _ = loaded.preset.params.output_times();
            }
        }
    }
    // The mutations must exercise both paths, or the test proves little.
    assert!(parsed > 100 && parsed < 3000, "parsed {parsed}");
    assert!(valid > 10, "valid {valid}");
}

#[test]
fn figure_draws_one_series_per_family_value_and_exports_a_tidy_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = dir.path().join("fig.svg");
    let csv_path = dir.path().join("fig.csv");
    // A built-in preset by name, as the explorer lists it.
    let out = spinboson(&[
        "figure",
        "--quiet",
        "--preset",
        "fig2_center",
        "--out",
        svg.to_str().expect("utf8"),
        "--csv",
        csv_path.to_str().expect("utf8"),
        "--nt",
        "40",
        "--traj",
        "4",
        "--realizations",
        "2",
        "--t-max",
        "1",
        "--points",
        "20",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).expect("svg written");
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    // Each curve is a polyline of width 2 in its own color (its legend swatch shares it).
    let mut colors: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "polyline")
        .filter(|n| n.attribute("stroke-width") == Some("2"))
        .filter_map(|n| n.attribute("stroke").map(str::to_string))
        .collect();
    colors.sort();
    colors.dedup();
    assert_eq!(colors.len(), 4, "series colors: {colors:?}");
    // The explorer's palette, in family order.
    for c in &spinboson::io::PALETTE[..4] {
        let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        assert!(
            colors.iter().any(|s| s.eq_ignore_ascii_case(&hex)),
            "{hex} not in {colors:?}"
        );
    }
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for v in ["2.1", "3", "4", "5"] {
        let label = format!("σ/√h = {v}");
        assert!(
            texts.iter().any(|t| t.contains(&label)),
            "legend lacks {label}"
        );
    }

    let mut reader = csv::Reader::from_path(&csv_path).expect("csv written");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, TIDY_CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4 * 20);
    let mut curves: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    curves.dedup();
    assert_eq!(curves, ["σ/√h = 2.1", "σ/√h = 3", "σ/√h = 4", "σ/√h = 5"]);
    for r in &rows {
        assert_eq!(&r[1], "40");
        for k in 9..19 {
            let v: f64 = r[k].parse().expect("number");
            assert!(v.is_finite(), "{:?}", r);
        }
    }
    assert_eq!(&rows[0][3], "2.1"); // sigma column of the first member (h = 1)
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(csv_path.with_extension("json")).expect("sidecar"))
            .expect("json");
    assert_eq!(meta["curves"].as_array().map(Vec::len), Some(4));
    assert_eq!(meta["curves"][0]["stop_reason"], "completed");
    assert!(meta["version"].is_string());

    // A PNG too, and a bad extension fails before running anything.
    let png = dir.path().join("fig.png");
    let out = spinboson(&[
        "figure",
        "--quiet",
        "--preset",
        "fig2_center",
        "--out",
        png.to_str().expect("utf8"),
        "--nt",
        "40",
        "--traj",
        "2",
        "--realizations",
        "2",
        "--t-max",
        "0.5",
        "--points",
        "10",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).expect("png written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let out = spinboson(&["figure", "--preset", "fig2_center", "--out", "x.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".svg or .png"));
}
