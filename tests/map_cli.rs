//! `spinboson figure --map fig1|fig3`: the regime map as a file, the current point marked.

use std::process::{Command, Output};

fn spinboson(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spinboson"))
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn maps_are_written_with_the_current_point() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = dir.path().join("fig1.svg");
    let svg_path = svg.to_str().expect("utf8");
    let r = spinboson(&[
        "figure", "--map", "fig1", "--out", svg_path, "--sigma", "2", "--omega", "10",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = std::fs::read_to_string(&svg).expect("svg written");
    assert!(roxmltree::Document::parse(&text).is_ok(), "valid XML");
    assert!(text.contains("this run: logarithmic"));
    let png = dir.path().join("fig3.png");
    let r = spinboson(&[
        "figure",
        "--map",
        "fig3",
        "--quiet",
        "--sigma",
        "5",
        "--out",
        png.to_str().expect("utf8"),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let bytes = std::fs::read(&png).expect("png written");
    assert!(bytes.starts_with(b"\x89PNG"));
}

#[test]
fn figure_needs_a_preset_or_a_map_but_not_both() {
    let r = spinboson(&["figure", "--out", "x.svg"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("--preset"));
    let r = spinboson(&[
        "figure", "--map", "fig1", "--preset", "p.ron", "--out", "x.svg",
    ]);
    assert_eq!(r.status.code(), Some(2));
    let r = spinboson(&["figure", "--map", "fig1", "--out", "x.txt"]);
    assert_eq!(r.status.code(), Some(2), "bad extension");
}
