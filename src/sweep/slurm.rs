//! Slurm job scripts around `--shard`: the text of the script `spinboson sweep --emit-slurm N`
//! writes. No I/O here (the command line in `cli::slurm` resolves the paths and writes the files).
//!
//! # The script
//! One bash file that is both the job array and the driver that submits it:
//! - run with bash outside Slurm (`bash sweep.slurm.sh [SBATCH OPTIONS]`), it submits itself
//!   with `sbatch --parsable` as an array of N tasks, then a merge job with
//!   `--dependency=afterok:<array id> --kill-on-invalid-dep=yes` that runs `spinboson merge`
//!   over every shard file, and prints both job ids;
//! - as array task K (`SLURM_ARRAY_TASK_ID` is set) it runs
//!   `spinboson sweep --preset BASE.ron --axis ... --shard K/N --out STEM.shardK.csv --quiet --yes`
//!   with `RAYON_NUM_THREADS` set to the task's CPUs.
//!
//! Every path is absolute and every argument is quoted for the shell with [`sh_quote`]; values
//! in `#SBATCH` lines are quoted for sbatch's own parser with [`sbatch_quote`].

use super::Axis;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A Slurm script cannot be written for this input. Every variant is bad input (exit status 2
/// on the command line).
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SlurmError {
    #[error(
        "--emit-slurm {tasks}: more array tasks than the grid's {points} point(s); use at most {points}"
    )]
    TooManyTasks { tasks: usize, points: usize },
    #[error("{path}: {problem}, which a Slurm script cannot carry safely; use another path")]
    Path { path: String, problem: &'static str },
    #[error("--slurm-time {text:?}: {problem}")]
    Time { text: String, problem: &'static str },
}

/// Quote `text` as one word for a POSIX shell (bash, dash): as it is when it holds only
/// characters no shell treats specially, otherwise in single quotes, each `'` written `'\''`.
///
/// ```
/// use spinboson::sweep::slurm::sh_quote;
/// assert_eq!(sh_quote("/data/run-1.csv"), "/data/run-1.csv");
/// assert_eq!(sh_quote("it's here"), r#"'it'\''s here'"#);
/// assert_eq!(sh_quote(""), "''");
/// ```
pub fn sh_quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:=@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Quote `text` as one value of an `#SBATCH` line: in double quotes, with `\` and `"` escaped
/// by a backslash (sbatch reads a backslash as escaping the next character, also in quotes).
pub fn sbatch_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A path as text for a script: UTF-8, no control characters (a newline would end a comment or
/// an `#SBATCH` line) and no backslash (Slurm's output file patterns read it as an escape).
pub fn path_text(path: &Path) -> Result<String, SlurmError> {
    let bad = |problem| SlurmError::Path {
        path: path.display().to_string(),
        problem,
    };
    let text = path.to_str().ok_or_else(|| bad("it is not UTF-8"))?;
    if text.chars().any(char::is_control) {
        return Err(bad("it contains a control character (e.g. a newline)"));
    }
    if text.contains('\\') {
        return Err(bad("it contains a backslash"));
    }
    Ok(text.to_owned())
}

/// A Slurm time limit (`sbatch --time`), checked for the forms Slurm takes: `M`, `M:S`,
/// `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S` (digits), or `UNLIMITED` / `INFINITE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlurmTime(String);

impl SlurmTime {
    pub fn parse(text: &str) -> Result<SlurmTime, SlurmError> {
        let bad = |problem| SlurmError::Time {
            text: text.to_owned(),
            problem,
        };
        if ["unlimited", "infinite"].contains(&text.to_ascii_lowercase().as_str()) {
            return Ok(SlurmTime(text.to_owned()));
        }
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (days, clock) = match text.split_once('-') {
            Some((d, rest)) => (Some(d), rest),
            None => (None, text),
        };
        let fields: Vec<&str> = clock.split(':').collect();
        if days.is_some_and(|d| !digits(d)) || !fields.iter().all(|f| digits(f)) {
            return Err(bad(
                "expected digits as M, M:S, H:M:S, D-H, D-H:M or D-H:M:S (or UNLIMITED)",
            ));
        }
        if fields.len() > 3 {
            return Err(bad("at most three fields after the days (H:M:S)"));
        }
        Ok(SlurmTime(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A job name from the sweep's file name: `spinboson-STEM`, with characters other than ASCII
/// letters, digits, `.`, `_` and `-` replaced by `_`.
pub fn job_name(out: &Path) -> String {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("spinboson-{clean}")
}

/// Shard files are `PREFIX<K>.csv` with this prefix: `sweep.csv` gives `sweep.shard`.
pub fn shard_prefix(out: &Path) -> PathBuf {
    out.with_extension("shard")
}

/// The file of shard `k`: `sweep.csv` gives `sweep.shard<k>.csv`.
pub fn shard_path(out: &Path, k: usize) -> PathBuf {
    let mut p = shard_prefix(out).into_os_string();
    p.push(format!("{k}.csv"));
    PathBuf::from(p)
}

/// Everything the script says. Paths are absolute (the jobs start elsewhere).
#[derive(Clone, Debug, PartialEq)]
pub struct SlurmPlan {
    /// The `spinboson` executable the jobs run.
    pub exe: PathBuf,
    /// The merged sweep CSV.
    pub out: PathBuf,
    /// The preset holding the resolved base parameters.
    pub base_preset: PathBuf,
    /// The axes, as given.
    pub axes: Vec<Axis>,
    /// `--curves DIR`, passed on to every task.
    pub curves: Option<PathBuf>,
    /// The script itself (for its comments).
    pub script: PathBuf,
    /// Where the jobs' output goes (the driver creates it).
    pub log_dir: PathBuf,
    /// The jobs' working directory.
    pub work_dir: PathBuf,
    /// Array tasks = shards.
    pub tasks: usize,
    /// CPUs of each task, and its `RAYON_NUM_THREADS`.
    pub cpus_per_task: usize,
    /// `--time` of each job.
    pub time: Option<SlurmTime>,
    pub job_name: String,
    /// Points of the grid.
    pub points: usize,
}

impl SlurmPlan {
    /// The script (see the module documentation).
    pub fn script_text(&self) -> Result<String, SlurmError> {
        let exe = path_text(&self.exe)?;
        let out = path_text(&self.out)?;
        let base = path_text(&self.base_preset)?;
        let script = path_text(&self.script)?;
        let logs = path_text(&self.log_dir)?;
        let work = path_text(&self.work_dir)?;
        let prefix = path_text(&shard_prefix(&self.out))?;
        let curves = self.curves.as_deref().map(path_text).transpose()?;
        let (n, c) = (self.tasks, self.cpus_per_task);
        let last = n - 1;
        let q = |s: &str| sh_quote(s);
        // `%` starts a Slurm file name pattern; `%%` is a literal one.
        let log_pattern = |file: &str| format!("{}/{file}", logs.replace('%', "%%"));
        let shards: Vec<String> = (0..n)
            .map(|k| path_text(&shard_path(&self.out, k)))
            .collect::<Result<_, _>>()?;
        let time_note = self
            .time
            .as_ref()
            .map_or(String::new(), |t| format!(", --time={} each", t.as_str()));

        let mut s = String::new();
        let mut line = |text: &str| {
            s.push_str(text);
            s.push('\n');
        };
        line("#!/bin/bash");
        line(&format!(
            "# A spinboson sweep of {} point(s) as a Slurm job array: {n} task(s) of {c} CPU(s){time_note}, then a merge.",
            self.points
        ));
        line(&format!(
            "# Written by `spinboson sweep --emit-slurm {n}` (spinboson {}).",
            env!("CARGO_PKG_VERSION")
        ));
        line("#");
        line(&format!(
            "# Submit:   bash {} [SBATCH OPTIONS...]",
            q(&script)
        ));
        line("#   Submits this file as the job array (sbatch --parsable), then a job running");
        line("#   `spinboson merge` that starts when every task has succeeded");
        line("#   (--dependency=afterok:<array id>; cancelled if a task fails), and prints both");
        line("#   job ids. Options given (e.g. --partition=long --account=me) go to both jobs.");
        line(&format!(
            "#   `sbatch {}` alone submits only the array; the merge command is at the end.",
            q(&script)
        ));
        line(&format!(
            "# Task K:   shard K/{n} (K = $SLURM_ARRAY_TASK_ID = 0..{last}) into {prefix}K.csv"
        ));
        line(&format!(
            "# Result:   {out} (byte-identical to the unsharded sweep)"
        ));
        line(&format!(
            "# Base:     {base} (the preset and flags, resolved; keep it unchanged)"
        ));
        line(&format!("# Logs:     {logs}/"));
        line(
            "# Resume:   a killed or failed task loses at most the point in progress: submit again",
        );
        line("#   the same way; every task skips the points its shard file already holds.");
        line(&format!(
            "# Threads:  RAYON_NUM_THREADS = the task's CPUs (SLURM_CPUS_PER_TASK, else {c}):"
        ));
        line("#   Slurm does not always bind a task to its CPUs, so the thread count is set here.");
        line("# Needs a file system the compute nodes share (the paths above are absolute).");
        line("#");
        line(&format!("#SBATCH --job-name={}", self.job_name));
        line(&format!("#SBATCH --array=0-{last}"));
        line("#SBATCH --ntasks=1");
        line(&format!("#SBATCH --cpus-per-task={c}"));
        if let Some(t) = &self.time {
            line(&format!("#SBATCH --time={}", t.as_str()));
        }
        line(&format!("#SBATCH --chdir={}", sbatch_quote(&work)));
        line(&format!(
            "#SBATCH --output={}",
            sbatch_quote(&log_pattern("%x_%A_%a.out"))
        ));
        line("");
        line("set -euo pipefail");
        line("");
        line("if [[ -n \"${SLURM_ARRAY_TASK_ID:-}\" ]]; then");
        line(&format!(
            "    export RAYON_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-{c}}}\""
        ));
        let mut task = format!("    exec {} sweep --preset {}", q(&exe), q(&base));
        for a in &self.axes {
            let _ = write!(task, " --axis {}", q(&a.spec()));
        }
        if let Some(dir) = &curves {
            let _ = write!(task, " --curves {}", q(dir));
        }
        let _ = write!(
            task,
            " \\\n        --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\" --out {}\"${{SLURM_ARRAY_TASK_ID}}\".csv --quiet --yes",
            q(&prefix)
        );
        line(&task);
        line("fi");
        line("");
        line("# Not inside an array task: submit the array, then the merge.");
        line("if ! command -v sbatch >/dev/null; then");
        line("    echo \"$0: sbatch not found: run this on a Slurm login node\" >&2");
        line("    exit 1");
        line("fi");
        line(&format!("mkdir -p -- {}", q(&logs)));
        line("array_id=$(sbatch --parsable \"$@\" \"${BASH_SOURCE[0]}\")");
        line("array_id=${array_id%%;*}");
        let mut merge_opts = format!(
            "--job-name={} --ntasks=1 --cpus-per-task=1",
            q(&format!("{}-merge", self.job_name))
        );
        if let Some(t) = &self.time {
            let _ = write!(merge_opts, " --time={}", q(t.as_str()));
        }
        line(&format!(
            "merge_id=$(sbatch --parsable \"$@\" {merge_opts} \\\n    --dependency=\"afterok:${{array_id}}\" --kill-on-invalid-dep=yes \\\n    --chdir={} --output={} <<'SPINBOSON_MERGE'",
            q(&work),
            q(&log_pattern("%x_%j.out"))
        ));
        line("#!/bin/bash");
        line("set -euo pipefail");
        let mut merge = format!("exec {} merge {}", q(&exe), q(&out));
        for shard in &shards {
            let _ = write!(merge, " \\\n    {}", q(shard));
        }
        line(&merge);
        line("SPINBOSON_MERGE");
        line(")");
        line("merge_id=${merge_id%%;*}");
        line(&format!(
            "echo \"submitted array job ${{array_id}} ({n} task(s), shards 0/{n} to {last}/{n}) and merge job ${{merge_id}} (after all succeed)\""
        ));
        line(&format!(
            "printf 'result: %s; logs: %s/; follow with: squeue -j %s,%s\\n' {} {} \"$array_id\" \"$merge_id\"",
            q(&out),
            q(&logs)
        ));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `sh -c 'printf %s\\n WORDS'` makes of `words`: one line per word.
    fn through_sh(words: &str) -> Vec<String> {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf '%s\\n' {words}"))
            .output()
            .expect("sh runs");
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .expect("utf8")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn sh_quote_gives_one_word_that_the_shell_reads_back_unchanged() {
        let nasty = [
            "plain/path.csv",
            "with space",
            "it's",
            "''",
            "$HOME",
            "`id`",
            "$(id)",
            "a\"b",
            "back\\slash",
            "*.csv",
            "{a,b}",
            "semi;colon",
            "amp&",
            "tab\there",
            "new\nline",
            "~user",
            "-dash",
            "ünïcode",
            "",
        ];
        // Newlines split `printf` lines, so compare the others line by line and that one whole.
        let simple: Vec<&str> = nasty
            .iter()
            .copied()
            .filter(|w| !w.contains('\n'))
            .collect();
        let quoted: Vec<String> = simple.iter().map(|w| sh_quote(w)).collect();
        assert_eq!(through_sh(&quoted.join(" ")), simple);
        assert_eq!(
            through_sh(&sh_quote("new\nline")),
            vec!["new".to_owned(), "line".to_owned()]
        );
        assert_eq!(
            sh_quote("/a/b-c_d.e"),
            "/a/b-c_d.e",
            "plain words stay bare"
        );
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        assert_eq!(sh_quote(""), "''");
    }

    #[test]
    fn sbatch_quote_escapes_quotes_and_backslashes() {
        assert_eq!(sbatch_quote("/a b/c"), "\"/a b/c\"");
        assert_eq!(sbatch_quote("x\"y\\z"), "\"x\\\"y\\\\z\"");
    }

    #[test]
    fn slurm_times() {
        for ok in [
            "30",
            "30:00",
            "1:00:00",
            "2-0",
            "2-12",
            "2-12:30",
            "2-12:30:00",
            "UNLIMITED",
        ] {
            assert_eq!(SlurmTime::parse(ok).expect(ok).as_str(), ok);
        }
        for bad in [
            "",
            "1h",
            "1:2:3:4",
            "-5",
            "1-",
            "1-2:3:4:5",
            "1 0",
            "5;rm",
            "a-1",
        ] {
            let e = SlurmTime::parse(bad).expect_err(bad);
            assert!(e.to_string().starts_with("--slurm-time"), "{e}");
        }
    }

    #[test]
    fn paths_that_a_script_cannot_carry_are_refused() {
        assert_eq!(
            path_text(Path::new("/a b/it's.csv")).as_deref(),
            Ok("/a b/it's.csv")
        );
        for bad in ["/a\nb.csv", "/a\\b.csv"] {
            let e = path_text(Path::new(bad)).expect_err(bad).to_string();
            assert!(e.contains("use another path"), "{e}");
        }
        assert_eq!(
            job_name(Path::new("/x/my sweep.v2.csv")),
            "spinboson-my_sweep.v2"
        );
        assert_eq!(
            shard_path(Path::new("/x/s.csv"), 12),
            PathBuf::from("/x/s.shard12.csv")
        );
        assert_eq!(
            shard_path(Path::new("/x/plain"), 0),
            PathBuf::from("/x/plain.shard0.csv")
        );
    }

    fn plan() -> SlurmPlan {
        SlurmPlan {
            exe: "/opt/sb/bin/spinboson".into(),
            out: "/data/my run/s.csv".into(),
            base_preset: "/data/my run/s.base.ron".into(),
            axes: vec![
                Axis::parse("omega=0.5:2:log:3").expect("axis"),
                Axis::parse("sigma=1:3:lin:2").expect("axis"),
            ],
            curves: None,
            script: "/data/my run/s.slurm.sh".into(),
            log_dir: "/data/my run/s.slurm-logs".into(),
            work_dir: "/data/my run".into(),
            tasks: 3,
            cpus_per_task: 8,
            time: Some(SlurmTime::parse("1:30:00").expect("time")),
            job_name: "spinboson-s".into(),
            points: 6,
        }
    }

    #[test]
    fn script_holds_the_array_the_shards_and_the_merge() {
        let text = plan().script_text().expect("script");
        assert!(text.starts_with("#!/bin/bash\n"));
        let has = |needle: &str| assert!(text.contains(needle), "no {needle:?} in\n{text}");
        has("\n#SBATCH --array=0-2\n");
        has("\n#SBATCH --cpus-per-task=8\n");
        has("export RAYON_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-8}\"");
        has("\n#SBATCH --time=1:30:00\n");
        has("\n#SBATCH --job-name=spinboson-s\n");
        has("\n#SBATCH --output=\"/data/my run/s.slurm-logs/%x_%A_%a.out\"\n");
        has("\n#SBATCH --chdir=\"/data/my run\"\n");
        has(
            "exec /opt/sb/bin/spinboson sweep --preset '/data/my run/s.base.ron' --axis omega=0.5:2:log:3 --axis sigma=1:3:lin:2",
        );
        has(
            "--shard \"${SLURM_ARRAY_TASK_ID}/3\" --out '/data/my run/s.shard'\"${SLURM_ARRAY_TASK_ID}\".csv --quiet --yes",
        );
        has("--dependency=\"afterok:${array_id}\" --kill-on-invalid-dep=yes");
        has("--job-name=spinboson-s-merge --ntasks=1 --cpus-per-task=1 --time=1:30:00");
        has(
            "exec /opt/sb/bin/spinboson merge '/data/my run/s.csv' \\\n    '/data/my run/s.shard0.csv' \\\n    '/data/my run/s.shard1.csv' \\\n    '/data/my run/s.shard2.csv'\nSPINBOSON_MERGE\n",
        );
        // Every #SBATCH line comes before the first command (sbatch stops reading them there).
        let first_command = text
            .lines()
            .position(|l| !l.is_empty() && !l.starts_with('#'))
            .expect("a command");
        let lines: Vec<&str> = text.lines().collect();
        let last_directive = lines
            .iter()
            .rposition(|l| l.starts_with("#SBATCH"))
            .expect("directives");
        assert!(last_directive < first_command);
        assert!(!text.contains("--curves"));
        let mut p = plan();
        p.time = None;
        p.curves = Some("/data/c".into());
        p.log_dir = "/data/100%/logs".into();
        let text = p.script_text().expect("script");
        assert!(!text.contains("--time"), "no time limit unless given");
        assert!(text.contains(" --curves /data/c "));
        assert!(text.contains("--output=\"/data/100%%/logs/%x_%A_%a.out\""));
        assert!(text.contains("--output=/data/100%%/logs/%x_%j.out"));
    }

    #[test]
    fn bash_parses_the_script() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s.sh");
        std::fs::write(&path, plan().script_text().expect("script")).expect("write");
        let out = std::process::Command::new("bash")
            .arg("-n")
            .arg(&path)
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn unscriptable_paths_fail_the_script() {
        let mut p = plan();
        p.out = "/data/x\ny.csv".into();
        assert!(matches!(p.script_text(), Err(SlurmError::Path { .. })));
    }
}
