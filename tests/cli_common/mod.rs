//! Running the `spinboson` binary in the command-line tests, and looking at what it wrote.
#![allow(dead_code)] // each test file uses some of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary with `args`, no standard input, and `RAYON_NUM_THREADS` when given.
pub fn command(args: &[&str], threads: Option<&str>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spinboson"));
    cmd.args(args).stdin(Stdio::null());
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    cmd
}

/// Run it to the end.
pub fn run(args: &[&str], threads: Option<&str>) -> Output {
    command(args, threads).output().expect("the binary runs")
}

/// Run it and insist that it succeeds.
pub fn run_ok(args: &[&str], threads: Option<&str>) -> Output {
    let out = run(args, threads);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every file in `dir` with its bytes, sorted: equal snapshots mean nothing was written.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| {
            let p = e.expect("entry").path();
            let b = std::fs::read(&p).unwrap_or_default();
            (p, b)
        })
        .collect();
    v.sort();
    v
}
