//! `spinboson sweep` and `spinboson merge` as a user meets them: shards merge into the unsharded
//! file byte for byte, a killed sweep resumes to the same file, bad input exits 2 and touches
//! nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod cli_common;
use cli_common::{command, read, run as spinboson, run_ok as ok, snapshot};
use std::time::{Duration, Instant};

const TINY: &[&str] = &[
    "--quiet",
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
    "--axis",
    "omega=0.5:2:log:3",
    "--axis",
    "sigma=1:3:lin:2",
];

fn sweep_args<'a>(base: &[&'a str], out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["sweep"];
    v.extend_from_slice(base);
    v.extend_from_slice(&["--out", out.to_str().expect("utf8")]);
    v.extend_from_slice(extra);
    v
}

fn data_rows(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(2)
}

#[test]
fn shards_merge_into_the_unsharded_file_for_any_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = dir.path().join("full.csv");
    let curves = dir.path().join("curves");
    let c = curves.to_str().expect("utf8");
    ok(&sweep_args(TINY, &full, &["--curves", c]), None);
    let full_bytes = read(&full);
    for i in 0..6 {
        let curve =
            String::from_utf8(read(&curves.join(format!("point_{i:05}.csv")))).expect("utf8");
        assert!(curve.starts_with(spinboson::io::RUN_CSV_HEADER));
        assert_eq!(curve.lines().count(), 21, "20 output times");
    }
    let text = String::from_utf8(full_bytes.clone()).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + 6, "{text}");
    assert!(lines[0].starts_with("# spinboson sweep fingerprint="));
    assert!(lines[0].contains("points=6"));
    assert!(lines[1].starts_with("index,omega_over_h,sigma_over_sqrt_h,regime,verdict,"));
    assert!(!lines[1].contains("wall"), "wall time stays out of the CSV");
    let header: Vec<&str> = lines[1].split(',').collect();
    for (i, l) in lines[2..].iter().enumerate() {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), header.len(), "{l}");
        assert_eq!(f[0], i.to_string());
        let col = |name: &str| f[header.iter().position(|h| *h == name).expect(name)];
        assert!(
            ["logarithmic", "algebraic", "exponential", "undetermined"].contains(&col("verdict")),
            "{l}"
        );
        assert_eq!(col("stop"), "completed");
        assert_eq!(col("trajectories"), "32");
        assert!(col("sx_final").parse::<f64>().is_ok());
    }
    // Row-major, first axis slowest.
    assert!(lines[2].starts_with("0,0.5,1,") && lines[3].starts_with("1,0.5,3,"));
    assert!(lines[7].starts_with("5,2,3,"));
    // Seeds differ between points.
    let seeds: std::collections::BTreeSet<&str> = lines[2..]
        .iter()
        .map(|l| {
            let seed = header
                .iter()
                .position(|h| *h == "seed")
                .expect("seed column");
            l.split(',').nth(seed).expect("seed")
        })
        .collect();
    assert_eq!(seeds.len(), 6);
    let meta: serde_json::Value =
        serde_json::from_slice(&read(&dir.path().join("full.json"))).expect("sidecar");
    assert_eq!(meta["points"], 6);
    assert_eq!(meta["base_params"]["nt"], 40);
    assert!(meta["command_line"][1] == "sweep" && meta["version"].is_string());
    let timing = String::from_utf8(read(&dir.path().join("full.timing.csv"))).expect("utf8");
    assert_eq!(timing.lines().count(), 7, "{timing}");

    for threads in ["1", "2"] {
        let shards: Vec<PathBuf> = (0..3)
            .map(|k| dir.path().join(format!("s{k}_t{threads}.csv")))
            .collect();
        for (k, s) in shards.iter().enumerate() {
            let spec = format!("{k}/3");
            ok(&sweep_args(TINY, s, &["--shard", &spec]), Some(threads));
            assert_eq!(data_rows(&read(s)), 2);
        }
        let merged = dir.path().join(format!("merged{threads}.csv"));
        // Shards in any order.
        let m = merged.to_str().expect("utf8");
        ok(
            &[
                "merge",
                m,
                shards[2].to_str().expect("utf8"),
                shards[0].to_str().expect("utf8"),
                shards[1].to_str().expect("utf8"),
            ],
            None,
        );
        assert!(
            read(&merged) == full_bytes,
            "threads {threads}: merged shards differ from the unsharded sweep"
        );
        let meta: serde_json::Value =
            serde_json::from_slice(&read(&merged.with_extension("json"))).expect("merged sidecar");
        assert!(meta["shard"].is_null() && meta["merged_from"].as_array().map(Vec::len) == Some(3));
        let full_meta: serde_json::Value =
            serde_json::from_slice(&read(&dir.path().join("full.json"))).expect("json");
        assert_eq!(meta["fingerprint"], full_meta["fingerprint"]);
    }
}

/// About a second for the 6 points (0.06-0.3 s each), so a kill after the first row lands
/// mid-sweep; long enough for the fit window to hold points (sigma/sqrt(h) = 3 is algebraic).
const SLOWER: &[&str] = &[
    "--quiet",
    "--nt",
    "300",
    "--t-max",
    "40",
    "--points",
    "60",
    "--realizations",
    "4",
    "--traj",
    "32",
    "--axis",
    "omega=0.5:2:log:3",
    "--axis",
    "sigma=1:3:lin:2",
];

#[test]
fn a_killed_sweep_resumes_to_the_same_file_and_torn_lines_are_redone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = dir.path().join("ref.csv");
    ok(&sweep_args(SLOWER, &reference, &[]), None);
    let want = read(&reference);
    assert_eq!(data_rows(&want), 6);
    // The fits produce numbers: gamma with a jackknife error on the sigma/sqrt(h) = 3 points.
    let text = String::from_utf8(want.clone()).expect("utf8");
    for l in text
        .lines()
        .skip(2)
        .filter(|l| l.split(',').nth(2) == Some("3"))
    {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f[4], "algebraic", "{l}");
        assert_eq!(f[5], "", "no reason for a law: {l}");
        let (g, ge): (f64, f64) = (f[7].parse().expect("gamma"), f[8].parse().expect("err"));
        assert!(g > 0.3 && g < 1.5 && ge > 0.0 && ge < 0.2, "{l}");
    }

    let out = dir.path().join("killed.csv");
    let mut child = command(&sweep_args(SLOWER, &out, &[]), None)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    loop {
        if std::fs::read(&out).is_ok_and(|b| data_rows(&b) >= 1) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no row within 60 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let partial = read(&out);
    let rows = data_rows(&partial);
    assert!(
        (1..6).contains(&rows),
        "killed with {rows} rows: the kill did not land mid-sweep"
    );
    assert!(want.starts_with(&partial), "rows written so far are final");
    let again = ok(&sweep_args(SLOWER, &out, &[]), None);
    assert!(again.status.success());
    assert!(
        read(&out) == want,
        "resumed sweep differs from an uninterrupted one"
    );

    // Ctrl-C (SIGINT) stops after the rows already written, exits 1, and the rerun resumes.
    let int = dir.path().join("interrupted.csv");
    let child = command(&sweep_args(SLOWER, &int, &[]), None)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while !std::fs::read(&int).is_ok_and(|b| data_rows(&b) >= 1) {
        assert!(start.elapsed() < Duration::from_secs(60), "no row in 60 s");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The shell's builtin kill: no dependency on procps.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -INT {}", child.id()))
        .status()
        .expect("sh");
    assert!(status.success());
    let result = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("rerun the same command to resume"),
        "{stderr}"
    );
    let partial = read(&int);
    assert!((1..6).contains(&data_rows(&partial)), "{stderr}");
    assert!(want.starts_with(&partial), "only whole rows are written");
    ok(&sweep_args(SLOWER, &int, &[]), None);
    assert!(read(&int) == want, "resumed after Ctrl-C differs");

    // A torn last line (a kill in the middle of a write) is cut and redone.
    let torn = &want[..want.len() - 7];
    std::fs::write(&out, torn).expect("truncate");
    let o = command(&sweep_args(SLOWER, &out, &[]), None)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(read(&out) == want, "torn line not redone");

    // A complete file: nothing to do, nothing changes; the summary says so without --quiet.
    let args: Vec<&str> = sweep_args(SLOWER, &out, &[])
        .into_iter()
        .filter(|a| *a != "--quiet")
        .collect();
    let o = ok(&args, None);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("0 point(s) written"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(read(&out) == want);

    // Shards run one after the other into one file come out in index order.
    let mixed = dir.path().join("mixed.csv");
    ok(&sweep_args(SLOWER, &mixed, &["--shard", "1/2"]), None);
    ok(&sweep_args(SLOWER, &mixed, &["--shard", "0/2"]), None);
    assert!(read(&mixed) == want, "shards into one file not reordered");
}

fn assert_refused(args: &[&str], needle: &str, dir: &Path) {
    let before = snapshot(dir);
    let out = spinboson(args, None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: {stderr:?} lacks {needle:?}"
    );
    assert!(snapshot(dir) == before, "{args:?} changed files");
}

#[test]
fn bad_input_exits_2_and_leaves_files_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("s.csv");
    let o = out.to_str().expect("utf8");
    std::fs::write(&out, "precious,data\n1,2\n").expect("write");
    std::fs::write(dir.path().join("s.json"), "{}").expect("write");
    let base = [
        "sweep",
        "--quiet",
        "--nt",
        "40",
        "--t-max",
        "5",
        "--points",
        "20",
        "--traj",
        "8",
        "--realizations",
        "4",
        "--out",
        o,
    ];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    let cases: &[(&[&str], &str)] = &[
        (&["--axis", "omega=1:2:lin"], "got 3 field"),
        (&["--axis", "omega"], "NAME=START:END"),
        (&["--axis", "beta=1:2:lin:2"], "unknown axis \"beta\""),
        (&["--axis", "omega=1:2:lin:0"], "COUNT must be at least 1"),
        (&["--axis", "omega=0:2:log:2"], "log axis needs"),
        (
            &["--axis", "omega=1:2:lin:2", "--shard", "3/3"],
            "K must be below N",
        ),
        (
            &["--axis", "omega=1:2:lin:2", "--shard", "1"],
            "expected K/N",
        ),
        (
            &[
                "--axis",
                "omega=1:2:lin:2",
                "--axis",
                "sigma=1:2:lin:2",
                "--axis",
                "h=1:2:lin:2",
            ],
            "one or two --axis",
        ),
        (
            &["--axis", "omega=1:2:lin:2", "--axis", "omega=1:2:lin:2"],
            "axis omega is given twice",
        ),
        (&["--axis", "alpha=1:80:lin:2"], "point 1 (alpha = 80)"),
        (
            &["--axis", "omega=0.5:5:log:1"],
            "COUNT 1 is the single value START",
        ),
        (&["--axis", "nt=10:12:lin:5"], "repeat 11"),
        (&["--axis", "omega=1:2:lin:2"], "not a sweep output"),
    ];
    for (extra, needle) in cases {
        assert_refused(&with(extra), needle, dir.path());
    }
    assert_refused(&["sweep", "--axis", "omega=1:2:lin:2"], "--out", dir.path());
    let js = dir.path().join("x.json");
    assert_refused(
        &[
            "sweep",
            "--axis",
            "omega=1:2:lin:2",
            "--out",
            js.to_str().expect("utf8"),
        ],
        "--out must not end in .json",
        dir.path(),
    );

    // An output of another sweep (a changed base parameter, or axis) is refused, not mixed.
    let other = dir.path().join("other.csv");
    let ot = other.to_str().expect("utf8");
    let small = [
        "sweep",
        "--quiet",
        "--nt",
        "40",
        "--t-max",
        "5",
        "--points",
        "20",
        "--traj",
        "8",
        "--realizations",
        "4",
        "--out",
        ot,
        "--axis",
        "omega=1:2:lin:2",
    ];
    ok(&small, None);
    let changed: Vec<&str> = small.iter().copied().chain(["--seed", "2"]).collect();
    assert_refused(&changed, "different sweep", dir.path());
    let mut axis_changed = small.to_vec();
    *axis_changed.last_mut().expect("axis") = "omega=1:3:lin:2";
    assert_refused(&axis_changed, "different sweep", dir.path());

    // Merging: shards of different sweeps, a missing and a duplicated point.
    let shard = |name: &str, seed: &'static str, spec: &'static str| -> PathBuf {
        let p = dir.path().join(name);
        let s = p.to_str().expect("utf8").to_owned();
        let args: Vec<&str> = small[..13]
            .iter()
            .copied()
            .chain([
                s.as_str(),
                "--axis",
                "omega=1:2:lin:2",
                "--seed",
                seed,
                "--shard",
                spec,
            ])
            .collect();
        ok(&args, None);
        p
    };
    let a0 = shard("a0.csv", "1", "0/2");
    let a1 = shard("a1.csv", "1", "1/2");
    let b1 = shard("b1.csv", "2", "1/2");
    let s = |p: &PathBuf| p.to_str().expect("utf8").to_owned();
    let (a0, a1, b1) = (s(&a0), s(&a1), s(&b1));
    assert_refused(
        &["merge", o, a0.as_str(), b1.as_str()],
        "is from a different sweep",
        dir.path(),
    );
    assert_refused(&["merge", o, a0.as_str()], "point 1 is missing", dir.path());
    assert_refused(
        &["merge", o, a0.as_str(), a1.as_str(), a1.as_str()],
        "point 1 is in both",
        dir.path(),
    );
    assert_refused(
        &["merge", o, a0.as_str(), "/nonexistent/x.csv"],
        "cannot read /nonexistent/x.csv",
        dir.path(),
    );
    // A file that is not a sweep output is never overwritten by a merge; a shard that is not a
    // sweep CSV is named as such.
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, "my notes\n").expect("write");
    let n = notes.to_str().expect("utf8");
    assert_refused(
        &["merge", n, &a1, &a0],
        "refusing to overwrite it",
        dir.path(),
    );
    assert_eq!(read(&notes), b"my notes\n");
    assert_refused(
        &["merge", o, &a0, n],
        "notes.md is not a sweep CSV",
        dir.path(),
    );
    // And the good merge works (also over an earlier merge of the same sweep).
    let m = dir.path().join("m.csv");
    ok(&["merge", m.to_str().expect("utf8"), &a1, &a0], None);
    assert!(read(&m) == read(&other));
    ok(&["merge", m.to_str().expect("utf8"), &a0, &a1], None);
    assert!(read(&m) == read(&other));
}
