//! `spinboson sweep --emit-slurm N` without a cluster: the script's content, and the whole
//! workflow played through with a stand-in `sbatch` that records what it is given (the driver's
//! two submissions), then the array tasks and the merge job run by hand: the merged file is the
//! unsharded sweep's, byte for byte. `tests/slurm/run.sh` does the same on a real Slurm.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod cli_common;
use cli_common::{read, snapshot};

fn spinboson(args: &[&str]) -> Output {
    cli_common::run(args, None)
}

fn ok(args: &[&str]) -> Output {
    cli_common::run_ok(args, None)
}

fn text(p: &Path) -> String {
    String::from_utf8(read(p)).expect("utf8")
}

/// A few seconds in all: 6 points of a tiny system.
const TINY: &[&str] = &[
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
    "--seed",
    "7",
    "--axis",
    "omega=0.5:2:log:3",
    "--axis",
    "sigma=1:3:lin:2",
];

fn sweep<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["sweep"];
    v.extend_from_slice(TINY);
    v.extend_from_slice(&["--out", out]);
    v.extend_from_slice(extra);
    v
}

/// A stand-in for `sbatch` in `bin/`: call number n saves its arguments (one a line) as
/// `calls/argsN` and its standard input as `calls/stdinN`, and answers `100N;cluster` as
/// `--parsable` does on a federation.
fn fake_sbatch(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(dir.join("calls")).expect("mkdir");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let script = format!(
        r#"#!/bin/bash
set -eu
calls='{}'
n=$(( $(ls "$calls" | grep -c '^args' || true) + 1 ))
printf '%s\n' "$@" > "$calls/args$n"
cat > "$calls/stdin$n"
echo "100$n;cluster"
"#,
        dir.join("calls").display()
    );
    let path = bin.join("sbatch");
    std::fs::write(&path, script).expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bin
}

fn lines(p: &Path) -> Vec<String> {
    text(p).lines().map(str::to_owned).collect()
}

#[test]
fn the_emitted_script_submits_shards_and_a_merge_that_reproduce_the_unsharded_sweep() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A directory name that needs quoting everywhere.
    let dir = tmp.path().join("it's a $dir");
    std::fs::create_dir(&dir).expect("mkdir");
    let full = tmp.path().join("full.csv");
    ok(&sweep(full.to_str().expect("utf8"), &["--quiet"]));

    let out = dir.join("s.csv");
    let o = out.to_str().expect("utf8");
    let emitted = ok(&sweep(
        o,
        &[
            "--emit-slurm",
            "3",
            "--cpus-per-task",
            "2",
            "--slurm-time",
            "0:10:00",
        ],
    ));
    let stderr = String::from_utf8_lossy(&emitted.stderr);
    let script = dir.join("s.slurm.sh");
    let base = dir.join("s.base.ron");
    assert!(
        stderr.contains(&format!("wrote {}", script.display())),
        "{stderr}"
    );
    assert!(stderr.contains("submit with: bash '"), "{stderr}");
    // Nothing ran: only the script and the base preset are there.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["s.base.ron", "s.slurm.sh"]);
    let preset = spinboson::io::Preset::load(&base)
        .expect("base preset")
        .preset;
    assert_eq!(
        (preset.params.nt, preset.params.seed, preset.params.t_max),
        (40, 7, 5.0),
        "the flags are in the base preset"
    );
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(&script)
            .expect("meta")
            .permissions()
            .mode()
    };
    assert_eq!(mode & 0o111, 0o111, "executable");

    let body = text(&script);
    let has = |needle: &str| assert!(body.contains(needle), "no {needle:?} in\n{body}");
    has("#SBATCH --array=0-2\n");
    has("#SBATCH --cpus-per-task=2\n");
    has("export RAYON_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-2}\"\n");
    has("#SBATCH --time=0:10:00\n");
    has("--shard \"${SLURM_ARRAY_TASK_ID}/3\"");
    has("--dependency=\"afterok:${array_id}\"");
    has(&format!(
        "#SBATCH --output=\"{}/s.slurm-logs/%x_%A_%a.out\"",
        dir.display()
    ));
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_spinboson")).expect("exe");
    has(&format!("exec {} sweep --preset ", exe.display()));
    // The directory's quote comes out of sh_quote as '\''.
    has("'\\''s a $dir/s.base.ron'");

    // The driver: two submissions, the array (this file) and the merge after it.
    let bin = fake_sbatch(tmp.path());
    let calls = tmp.path().join("calls");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let driver = Command::new("bash")
        .arg(&script)
        .arg("--partition=short")
        .env("PATH", &path)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdin(Stdio::null())
        .output()
        .expect("bash");
    let said = String::from_utf8_lossy(&driver.stdout);
    assert!(
        driver.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&driver.stderr)
    );
    assert!(
        said.contains("array job 1001 (3 task(s)") && said.contains("merge job 1002"),
        "{said}"
    );
    assert!(dir.join("s.slurm-logs").is_dir(), "log directory made");
    assert_eq!(
        lines(&calls.join("args1")),
        [
            "--parsable",
            "--partition=short",
            script.to_str().expect("utf8")
        ]
    );
    let merge_args = lines(&calls.join("args2"));
    for want in [
        "--parsable",
        "--partition=short",
        "--job-name=spinboson-s-merge",
        "--dependency=afterok:1001",
        "--kill-on-invalid-dep=yes",
        "--time=0:10:00",
    ] {
        assert!(
            merge_args.iter().any(|a| a == want),
            "{want}: {merge_args:?}"
        );
    }
    assert!(merge_args.contains(&format!("--chdir={}", dir.display())));
    let merge_job = calls.join("stdin2");
    assert!(text(&merge_job).starts_with("#!/bin/bash\n"));

    // The tasks, as Slurm would start them, then the merge job.
    for k in 0..3 {
        let task = Command::new("bash")
            .arg(&script)
            .env("SLURM_ARRAY_TASK_ID", k.to_string())
            .env("SLURM_CPUS_PER_TASK", "2")
            .env("PATH", "/usr/bin:/bin") // no sbatch: a task must not submit anything
            .stdin(Stdio::null())
            .output()
            .expect("bash");
        assert!(
            task.status.success(),
            "task {k}: {}",
            String::from_utf8_lossy(&task.stderr)
        );
        let shard = text(&dir.join(format!("s.shard{k}.csv")));
        assert_eq!(shard.lines().count(), 2 + 2, "task {k}: 2 of 6 points");
    }
    assert!(!out.exists(), "no merge before the merge job");
    let merge = Command::new("bash")
        .arg(&merge_job)
        .stdin(Stdio::null())
        .output()
        .expect("bash");
    assert!(
        merge.status.success(),
        "{}",
        String::from_utf8_lossy(&merge.stderr)
    );
    assert!(
        read(&out) == read(&full),
        "merged Slurm shards differ from the unsharded sweep"
    );

    // Emitting again over finished work is fine (a resubmission resumes).
    ok(&sweep(o, &["--emit-slurm", "3", "--cpus-per-task", "2"]));
    assert!(!text(&script).contains("--time"));
}

/// Every file under `dir` with its bytes.

#[test]
fn bad_slurm_input_exits_2_names_the_flag_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("s.csv");
    let o = out.to_str().expect("utf8");
    let other = dir.path().join("other.csv");
    std::fs::write(dir.path().join("other.shard1.csv"), "not,a sweep\n").expect("write");
    let ot = other.to_str().expect("utf8");
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--emit-slurm", "0"], o, "--emit-slurm"),
        (&["--emit-slurm", "0"], o, "N must be at least 1"),
        (
            &["--emit-slurm", "x"],
            o,
            "not a whole number of array tasks",
        ),
        (
            &["--emit-slurm", "2", "--cpus-per-task", "0"],
            o,
            "--cpus-per-task",
        ),
        (
            &["--emit-slurm", "2", "--cpus-per-task", "0"],
            o,
            "C must be at least 1",
        ),
        (
            &["--emit-slurm", "2", "--shard", "0/2"],
            o,
            "cannot be used with",
        ),
        (&["--emit-slurm", "2", "--shard", "0/2"], o, "--shard"),
        (&["--cpus-per-task", "2"], o, "--emit-slurm"),
        (&["--slurm-time", "10"], o, "--emit-slurm"),
        (
            &["--emit-slurm", "2", "--slurm-time", "1h"],
            o,
            "--slurm-time",
        ),
        (
            &["--emit-slurm", "7"],
            o,
            "--emit-slurm 7: more array tasks than the grid's 6",
        ),
        (
            &["--emit-slurm", "2"],
            ot,
            "other.shard1.csv is not a sweep output",
        ),
        (
            &["--emit-slurm", "2", "--script", o],
            o,
            "--script must not be a file of the sweep",
        ),
    ];
    for (extra, out, needle) in cases {
        let before = snapshot(dir.path());
        let args = sweep(out, extra);
        let result = spinboson(&args);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr:?} lacks {needle:?}"
        );
        assert!(snapshot(dir.path()) == before, "{args:?} changed files");
    }
    // A shard of a different sweep where a task would write is refused too.
    let shard0 = out.with_extension("shard0.csv");
    ok(&[
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
        "--axis",
        "omega=1:2:lin:2",
        "--out",
        shard0.to_str().expect("utf8"),
    ]);
    let before = snapshot(dir.path());
    let result = spinboson(&sweep(o, &["--emit-slurm", "2"]));
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("different sweep"));
    assert!(snapshot(dir.path()) == before);
}
