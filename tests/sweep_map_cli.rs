//! `spinboson figure --sweep`: the computed map of a real (tiny) sweep, a partial sweep hatched,
//! the base parameters from the sidecar, and bad input refused with exit 2 and nothing written.

use spinboson::io::{MISSING_HATCH_COLOR, MODEL_LINE_COLOR, cell_color};
use spinboson::sweep::SweepTable;
use std::path::Path;
use std::process::Output;

mod cli_common;

fn spinboson(args: &[&str]) -> Output {
    cli_common::run(args, None)
}

fn ok(args: &[&str]) -> Output {
    cli_common::run_ok(args, None)
}

fn utf8(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// Tiny base parameters: a few hundred milliseconds for the 6 points.
const BASE: &[&str] = &[
    "--nt",
    "40",
    "--t-max",
    "5",
    "--points",
    "20",
    "--realizations",
    "4",
    "--traj",
    "8",
];

/// Run a 3 x 2 omega by sigma sweep (sigma crossing the paramagnet line at 1) into `out`.
fn sweep(out: &Path, extra: &[&str]) {
    let mut args = vec![
        "sweep",
        "--quiet",
        "--axis",
        "omega=0.5:2:log:3",
        "--axis",
        "sigma=0.5:3:lin:2",
        "--out",
        utf8(out),
    ];
    args.extend_from_slice(BASE);
    args.extend_from_slice(extra);
    ok(&args);
}

/// The SVG's text nodes joined, and the document's fills and strokes.
struct Svg {
    text: String,
    fills: Vec<String>,
    strokes: Vec<String>,
}

fn read_svg(path: &Path) -> Svg {
    let svg = std::fs::read_to_string(path).expect("svg written");
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let attr = |name: &str| -> Vec<String> {
        doc.descendants()
            .filter_map(|n| n.attribute(name).map(str::to_ascii_lowercase))
            .collect()
    };
    Svg {
        text: doc
            .descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("|"),
        fills: attr("fill"),
        strokes: attr("stroke"),
    }
}

#[test]
fn a_real_sweep_is_drawn_with_cells_boundaries_and_legend() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("s.csv");
    sweep(&csv, &[]);
    let svg_path = dir.path().join("map.svg");
    let r = ok(&["figure", "--sweep", utf8(&csv), "--out", utf8(&svg_path)]);
    assert!(String::from_utf8_lossy(&r.stderr).contains("6 of 6 points"));
    let svg = read_svg(&svg_path);
    // One cell per point, in the color of its fitted verdict and confidence.
    let table = SweepTable::parse(&std::fs::read(&csv).expect("csv"), "s.csv").expect("a sweep");
    assert_eq!(table.points.len(), 6);
    for p in table.points.values() {
        let fill = cell_color(p).hex();
        assert!(svg.fills.contains(&fill), "point {}: {fill}", p.index);
    }
    // The model's boundaries (the paramagnet line at sigma = 1 at least) and their names.
    let dark = svg
        .strokes
        .iter()
        .filter(|s| **s == MODEL_LINE_COLOR.hex())
        .count();
    assert!(dark >= 2, "a boundary and the legend's sample: {dark}");
    for expected in [
        "6 of 6 points",
        "paramagnet",
        "regime model boundary",
        "fitted verdict: points",
        "decays into noise",
        // From the sidecar, not the defaults (Nt 400, 8 x 32).
        "Nt = 40, 32 trajectories (4 x 8), t_max h = 5, alpha = 10",
    ] {
        assert!(svg.text.contains(expected), "{expected:?} in {}", svg.text);
    }
    assert!(!svg.text.contains("assumed"), "the sidecar's base matches");
    assert!(
        !svg.strokes.contains(&MISSING_HATCH_COLOR.hex()),
        "nothing hatched"
    );

    let png = dir.path().join("map.png");
    ok(&[
        "figure",
        "--quiet",
        "--sweep",
        utf8(&csv),
        "--out",
        utf8(&png),
    ]);
    assert!(std::fs::read(&png).expect("png").starts_with(b"\x89PNG"));
}

#[test]
fn a_partial_sweep_is_hatched_and_counted_and_the_base_falls_back_to_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("half.csv");
    sweep(&csv, &["--shard", "0/2"]);
    let out = dir.path().join("half.svg");
    ok(&[
        "figure",
        "--quiet",
        "--sweep",
        utf8(&csv),
        "--out",
        utf8(&out),
    ]);
    let svg = read_svg(&out);
    assert!(svg.text.contains("3 of 6 points (hatched: not computed)"));
    assert!(svg.text.contains("not computed: 3"));
    let hatch = MISSING_HATCH_COLOR.hex();
    // Three diagonals per missing cell, and the legend's swatch outline and diagonal.
    assert_eq!(
        svg.strokes.iter().filter(|s| **s == hatch).count(),
        3 * 3 + 2
    );

    // Without the sidecar the defaults are assumed (and said to be), and flags restore the base.
    std::fs::remove_file(dir.path().join("half.json")).expect("remove sidecar");
    ok(&[
        "figure",
        "--quiet",
        "--sweep",
        utf8(&csv),
        "--out",
        utf8(&out),
    ]);
    let svg = read_svg(&out);
    assert!(svg.text.contains("Nt = 400"), "{}", svg.text);
    assert!(svg.text.contains("base parameters assumed"));
    let mut args = vec![
        "figure",
        "--quiet",
        "--sweep",
        utf8(&csv),
        "--out",
        utf8(&out),
    ];
    args.extend_from_slice(BASE);
    ok(&args);
    let svg = read_svg(&out);
    assert!(svg.text.contains("Nt = 40,"), "{}", svg.text);
    assert!(!svg.text.contains("assumed"), "flags give the fingerprint");
}

#[test]
fn bad_sweep_files_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("map.svg");
    let run = |sweep: &Path| spinboson(&["figure", "--sweep", utf8(sweep), "--out", utf8(&out)]);

    let not_a_sweep = dir.path().join("run.csv");
    std::fs::write(&not_a_sweep, "t,sx\n0,1\n").expect("write");
    let r = run(&not_a_sweep);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains(utf8(&not_a_sweep)) && err.contains("not a sweep CSV"),
        "{err}"
    );

    let missing = dir.path().join("missing.csv");
    let r = run(&missing);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("cannot read") && err.contains(utf8(&missing)),
        "{err}"
    );

    // A sweep file with a damaged row: the line is named.
    let good = dir.path().join("good.csv");
    sweep(&good, &["--shard", "0/3"]);
    let text = std::fs::read_to_string(&good).expect("read");
    let damaged = dir.path().join("damaged.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.len() - 1;
    let short = lines[last].rsplit_once(',').expect("fields").0.to_owned();
    lines[last] = &short;
    std::fs::write(&damaged, lines.join("\n") + "\n").expect("write");
    let r = run(&damaged);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("damaged.csv") && err.contains("fields"),
        "{err}"
    );

    assert!(!out.exists(), "no figure written for bad input");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "damaged.csv",
            "good.csv",
            "good.json",
            "good.timing.csv",
            "run.csv"
        ],
        "only the inputs, no temporaries"
    );
}

#[test]
fn sweep_conflicts_with_preset_and_map() {
    for other in [["--preset", "default"], ["--map", "fig1"]] {
        let r = spinboson(&[
            "figure", "--sweep", "s.csv", other[0], other[1], "--out", "x.svg",
        ]);
        assert_eq!(r.status.code(), Some(2), "{other:?}");
        assert!(String::from_utf8_lossy(&r.stderr).contains("cannot be used with"));
    }
}
