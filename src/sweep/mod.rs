//! Parameter sweeps over one or two axes: the grid, per-point seeds, shards, the CSV rows, and
//! the scanning and merging of sweep files. No I/O here (the command line in `cli::sweep` reads
//! and writes the files), no GUI.
//!
//! # The grid
//! An axis is `NAME=START:END:log|lin:COUNT` with NAME one of `omega`, `sigma`, `alpha`, `nt`,
//! `h`, `kappa`; `omega` is omega/h and `sigma` is sigma/sqrt(h), as in the presets. With two
//! axes the points are row-major, the first axis slowest: point index `i0 * n1 + i1`.
//!
//! # Seeds
//! Point `i` runs with seed [`point_seed`]`(seed, i)` =
//! `splitmix64(splitmix64(seed) XOR i)`, a function of the base seed and the point index only,
//! so a point's numbers do not depend on which other points run, in what order, on which machine
//! or on how many threads (the engine is bitwise reproducible for any thread count).
//!
//! # The file
//! Line 1 is `# spinboson sweep fingerprint=<16 hex> points=<N> axes=<AXES>`, where the
//! fingerprint is FNV-1a (64 bit) of the base parameters (JSON) and the axes: a rerun, a shard
//! or a merge compares it before touching the file. Line 2 is the column header ([`columns`]),
//! then one row per point. Rows contain no wall time, so identical work gives identical bytes.

use crate::analysis::{
    FitReport, Law, Timescales, Verdict, WindowRequest, fit_ensemble, predicted_regime,
};
use crate::physics::{Observable, ParamError, Params};
use crate::sim::{JobOutcome, StopReason};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use thiserror::Error;

mod background;
mod refine;
pub mod slurm;
mod table;

pub use background::{MapMsg, MapRunner};
pub use refine::Refiner;
pub use table::{PointResult, SweepTable};

/// Most axes of a sweep.
pub const MAX_AXES: usize = 2;
/// Most points of a sweep.
pub const MAX_GRID_POINTS: usize = 1_000_000;

/// Bad sweep input, or sweep files that do not fit together. Every variant is bad input
/// (exit status 2 on the command line) and names the problem.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SweepError {
    #[error("--axis {text:?}: {problem}")]
    Axis { text: String, problem: String },
    #[error("--shard {text:?}: {problem}")]
    Shard { text: String, problem: String },
    #[error("give one or two --axis (got {0})")]
    AxisCount(usize),
    #[error("axis {0} is given twice")]
    DuplicateAxis(&'static str),
    #[error("the grid has {0} points, above the limit of {MAX_GRID_POINTS}")]
    TooManyPoints(u128),
    #[error("point {index} ({label}): {source}")]
    Point {
        index: usize,
        label: String,
        source: ParamError,
    },
    #[error(
        "{path} was written by a different sweep (fingerprint {found}, this sweep {expected}): a base parameter or an axis changed; use another --out, or remove the file to start over"
    )]
    Mismatch {
        path: String,
        found: String,
        expected: String,
    },
    #[error("{path} is not a sweep output (first line {line:?}); refusing to overwrite it")]
    NotASweep { path: String, line: String },
    #[error("{path} is not a sweep CSV (first line {line:?})")]
    NotASweepFile { path: String, line: String },
    #[error("{path}, line {line}: {problem}")]
    Corrupt {
        path: String,
        line: usize,
        problem: String,
    },
    #[error(
        "merge: {path} is from a different sweep than {first} (fingerprint {found}, expected {expected}): its base parameters or axes differ"
    )]
    MergeMismatch {
        path: String,
        first: String,
        found: String,
        expected: String,
    },
    #[error("merge: point {index} is in both {a} and {b}")]
    Duplicate { index: usize, a: String, b: String },
    #[error("merge: point {index} is missing ({missing} of {total} points missing)")]
    Missing {
        index: usize,
        missing: usize,
        total: usize,
    },
    #[error("merge: {path} ends in a torn line (a killed shard): rerun that shard to finish it")]
    Torn { path: String },
    #[error("merge: give at least one shard file")]
    NoShards,
}

/// A swept parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AxisName {
    /// omega / h.
    Omega,
    /// sigma / sqrt(h).
    Sigma,
    Alpha,
    Nt,
    H,
    Kappa,
}

impl AxisName {
    pub const ALL: [AxisName; 6] = [
        AxisName::Omega,
        AxisName::Sigma,
        AxisName::Alpha,
        AxisName::Nt,
        AxisName::H,
        AxisName::Kappa,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AxisName::Omega => "omega",
            AxisName::Sigma => "sigma",
            AxisName::Alpha => "alpha",
            AxisName::Nt => "nt",
            AxisName::H => "h",
            AxisName::Kappa => "kappa",
        }
    }

    /// The CSV column.
    pub fn column(self) -> &'static str {
        match self {
            AxisName::Omega => "omega_over_h",
            AxisName::Sigma => "sigma_over_sqrt_h",
            AxisName::Alpha => "alpha",
            AxisName::Nt => "nt",
            AxisName::H => "h",
            AxisName::Kappa => "kappa",
        }
    }

    /// `p` with this parameter set to `value` (omega and sigma relative to `p.h`).
    pub fn apply(self, p: &mut Params, value: f64) {
        match self {
            AxisName::Omega => p.omega = value * p.h,
            AxisName::Sigma => p.sigma = value * p.h.sqrt(),
            AxisName::Alpha => p.alpha = value,
            AxisName::Nt => p.nt = value.round().max(0.0) as usize,
            AxisName::H => p.h = value,
            AxisName::Kappa => p.kappa = value,
        }
    }
}

/// Spacing of an axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spacing {
    Log,
    Lin,
}

/// One axis: `COUNT` values from `START` to `END` (both included).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub name: AxisName,
    pub start: f64,
    pub end: f64,
    pub spacing: Spacing,
    pub count: usize,
}

impl Axis {
    /// Parse `NAME=START:END:log|lin:COUNT`.
    pub fn parse(text: &str) -> Result<Axis, SweepError> {
        let bad = |problem: String| SweepError::Axis {
            text: text.to_owned(),
            problem,
        };
        let (name, rest) = text
            .split_once('=')
            .ok_or_else(|| bad("expected NAME=START:END:log|lin:COUNT".into()))?;
        let name = AxisName::ALL
            .into_iter()
            .find(|a| a.name() == name.trim())
            .ok_or_else(|| {
                bad(format!(
                    "unknown axis {:?}: use omega, sigma, alpha, nt, h or kappa",
                    name.trim()
                ))
            })?;
        let parts: Vec<&str> = rest.split(':').map(str::trim).collect();
        let [start, end, spacing, count] = parts[..] else {
            return Err(bad(format!(
                "expected START:END:log|lin:COUNT after {}=, got {} field(s)",
                name.name(),
                parts.len()
            )));
        };
        let num = |what: &str, s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(format!("{what} {s:?} is not a finite number")))
        };
        let (start, end) = (num("START", start)?, num("END", end)?);
        let spacing = match spacing {
            "log" => Spacing::Log,
            "lin" => Spacing::Lin,
            s => return Err(bad(format!("spacing {s:?} is neither log nor lin"))),
        };
        let count: usize = count
            .parse()
            .map_err(|_| bad(format!("COUNT {count:?} is not a whole number")))?;
        if count == 0 {
            return Err(bad("COUNT must be at least 1".into()));
        }
        if count > MAX_GRID_POINTS {
            return Err(bad(format!("COUNT {count} is above {MAX_GRID_POINTS}")));
        }
        if spacing == Spacing::Log && (start <= 0.0 || end <= 0.0) {
            return Err(bad("a log axis needs START > 0 and END > 0".into()));
        }
        if count == 1 && start != end {
            return Err(bad(format!(
                "COUNT 1 is the single value START: give START = END (got {start} and {end})"
            )));
        }
        let axis = Axis {
            name,
            start,
            end,
            spacing,
            count,
        };
        if name == AxisName::Nt {
            let v = axis.values();
            if let Some(w) = v.windows(2).find(|w| w[0] == w[1]) {
                return Err(bad(format!(
                    "nt rounds to whole numbers, and {count} values from {start} to {end} repeat {}: use a smaller COUNT",
                    w[0]
                )));
            }
        }
        Ok(axis)
    }

    /// The values, from START to END; `nt` rounded to whole numbers.
    pub fn values(&self) -> Vec<f64> {
        let n = self.count;
        (0..n)
            .map(|i| {
                let v = if i + 1 == n && n > 1 {
                    self.end
                } else if i == 0 {
                    self.start
                } else {
                    let f = i as f64 / (n - 1) as f64;
                    match self.spacing {
                        Spacing::Lin => self.start + (self.end - self.start) * f,
                        Spacing::Log => (self.start.ln() + (self.end / self.start).ln() * f).exp(),
                    }
                };
                if self.name == AxisName::Nt {
                    v.round()
                } else {
                    v
                }
            })
            .collect()
    }

    /// The canonical text, `omega=0.1:30:log:12`.
    pub fn spec(&self) -> String {
        let s = match self.spacing {
            Spacing::Log => "log",
            Spacing::Lin => "lin",
        };
        format!(
            "{}={}:{}:{s}:{}",
            self.name.name(),
            self.start,
            self.end,
            self.count
        )
    }
}

/// Parse `--shard K/N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// Every point.
    pub const ALL: Shard = Shard { k: 0, n: 1 };

    pub fn parse(text: &str) -> Result<Shard, SweepError> {
        let bad = |problem: &str| SweepError::Shard {
            text: text.to_owned(),
            problem: problem.to_owned(),
        };
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| bad("expected K/N, e.g. 0/3"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| bad("K is not a whole number"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| bad("N is not a whole number"))?;
        if n == 0 {
            return Err(bad("N must be at least 1"));
        }
        if k >= n {
            return Err(bad("K must be below N (shards are 0/N .. N-1/N)"));
        }
        Ok(Shard { k, n })
    }

    /// Whether point `index` belongs to this shard: `index mod N = K`.
    pub fn contains(&self, index: usize) -> bool {
        index % self.n == self.k
    }
}

/// The splitmix64 finalizer (Steele, Lea, Flood 2014): a bijection of `u64`.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of point `index` of a sweep with base seed `seed`:
/// `splitmix64(splitmix64(seed) XOR index)`. Distinct indices give distinct seeds.
pub fn point_seed(seed: u64, index: usize) -> u64 {
    splitmix64(splitmix64(seed) ^ index as u64)
}

/// FNV-1a, 64 bit.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The axes of a sweep over base parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub base: Params,
    pub axes: Vec<Axis>,
    values: Vec<Vec<f64>>,
}

impl Grid {
    /// One or two distinct axes over `base`.
    pub fn new(base: Params, axes: Vec<Axis>) -> Result<Grid, SweepError> {
        if axes.is_empty() || axes.len() > MAX_AXES {
            return Err(SweepError::AxisCount(axes.len()));
        }
        if axes.len() == 2 && axes[0].name == axes[1].name {
            return Err(SweepError::DuplicateAxis(axes[0].name.name()));
        }
        let total: u128 = axes.iter().map(|a| a.count as u128).product();
        if total > MAX_GRID_POINTS as u128 {
            return Err(SweepError::TooManyPoints(total));
        }
        let values = axes.iter().map(Axis::values).collect();
        Ok(Grid { base, axes, values })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.values.iter().map(Vec::len).product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The axis values of point `index` (row-major, first axis slowest).
    pub fn point(&self, index: usize) -> Vec<f64> {
        let mut rest = index;
        let mut out = vec![0.0; self.values.len()];
        for (a, vals) in self.values.iter().enumerate().rev() {
            out[a] = vals[rest % vals.len()];
            rest /= vals.len();
        }
        out
    }

    /// `name = value, ...` of a point, for messages.
    pub fn label(&self, index: usize) -> String {
        self.axes
            .iter()
            .zip(self.point(index))
            .map(|(a, v)| format!("{} = {v}", a.name.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The parameters of point `index`: the base with the axis values applied (`h` first, so
    /// that omega/h and sigma/sqrt(h) refer to the point's h) and the point's seed, validated.
    pub fn params(&self, index: usize) -> Result<Params, SweepError> {
        let mut p = self.base.clone();
        let values = self.point(index);
        let order = self
            .axes
            .iter()
            .zip(&values)
            .filter(|(a, _)| a.name == AxisName::H)
            .chain(
                self.axes
                    .iter()
                    .zip(&values)
                    .filter(|(a, _)| a.name != AxisName::H),
            );
        for (a, v) in order {
            a.name.apply(&mut p, *v);
        }
        p.seed = point_seed(self.base.seed, index);
        p.validate().map_err(|source| SweepError::Point {
            index,
            label: self.label(index),
            source,
        })?;
        Ok(p)
    }

    /// The axes as given to the command line, canonical: `omega=0.1:30:log:12 sigma=...`.
    pub fn axes_spec(&self) -> String {
        self.axes
            .iter()
            .map(Axis::spec)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// FNV-1a of the base parameters (JSON) and the axes, as 16 hex digits. The base's values of
    /// the swept parameters are left out (every point overwrites them): a sweep over omega and
    /// sigma from `--sigma 2` is the same sweep as from `--sigma 3`, and the explorer's sliders
    /// do not change its computed map's identity.
    pub fn fingerprint(&self) -> String {
        let mut base = self.base.clone();
        for a in &self.axes {
            a.name.apply(&mut base, 0.0);
        }
        let params = serde_json::to_string(&base).unwrap_or_default();
        format!(
            "{:016x}",
            fnv1a(format!("{params}|{}", self.axes_spec()).as_bytes())
        )
    }

    /// The first two lines of the sweep CSV: the fingerprint comment and the column header.
    pub fn preamble(&self) -> String {
        format!(
            "# spinboson sweep fingerprint={} points={} axes={}\n{}\n",
            self.fingerprint(),
            self.len(),
            self.axes_spec(),
            columns(&self.axes).join(",")
        )
    }
}

/// The fit columns after the axis values.
pub const RESULT_COLUMNS: [&str; 22] = [
    "regime",
    "verdict",
    "reason",
    "confidence",
    "gamma",
    "gamma_err",
    "tau",
    "tau_err",
    "b",
    "b_err",
    "aic_log",
    "aic_alg",
    "aic_exp",
    "t0",
    "t1",
    "sx_final",
    "sx_final_err",
    "sz_final",
    "sz_final_err",
    "trajectories",
    "seed",
    "stop",
];

/// The columns of a sweep CSV: `index`, one per axis, then [`RESULT_COLUMNS`].
pub fn columns(axes: &[Axis]) -> Vec<&'static str> {
    std::iter::once("index")
        .chain(axes.iter().map(|a| a.name.column()))
        .chain(RESULT_COLUMNS)
        .collect()
}

/// Fit a finished point: the relaxation fit on the default window.
pub fn fit_point(outcome: &JobOutcome, params: &Params) -> Option<FitReport> {
    match (&outcome.ensemble, outcome.stop) {
        (Some(e), StopReason::Completed) => Some(fit_ensemble(
            e,
            WindowRequest::Auto(Timescales::from_params(params)),
        )),
        _ => None,
    }
}

/// One CSV row (with its newline) for a finished point. Numbers at full precision (shortest
/// round trip), `NaN` where there is none. A diverged point has empty result fields and no
/// divergence time (the timing file has it): which batches run before the abort, and so the
/// partial results and the earliest divergence found, depend on the threads.
pub fn row(
    index: usize,
    values: &[f64],
    params: &Params,
    outcome: &JobOutcome,
    fit: Option<&FitReport>,
) -> String {
    let mut out = index.to_string();
    for v in values {
        let _ = write!(out, ",{v}");
    }
    let _ = write!(out, ",{}", predicted_regime(params));
    let ensemble = match outcome.stop {
        StopReason::Completed => outcome.ensemble.as_ref(),
        _ => None,
    };
    match (ensemble, fit) {
        (Some(e), Some(f)) => {
            let law = |l: Law| f.law(l).map_or([f64::NAN; 3], |x| [x.q, x.q_err, x.aic]);
            let [g, ge, aic_alg] = law(Law::Algebraic);
            let [tau, taue, aic_exp] = law(Law::Exponential);
            let [b, be, aic_log] = law(Law::Logarithmic);
            let last = |o: Observable| {
                let m = e.mean_of(o).last().copied().unwrap_or(f64::NAN);
                let s = e.stderr_of(o).last().copied().unwrap_or(f64::NAN);
                (m, s)
            };
            let (sx, sxe) = last(Observable::Sx);
            let (sz, sze) = last(Observable::Sz);
            let _ = write!(
                out,
                ",{},{},{},{g},{ge},{tau},{taue},{b},{be},{aic_log},{aic_alg},{aic_exp},{},{},{sx},{sxe},{sz},{sze},{},{},{}",
                f.verdict.name(),
                match f.verdict {
                    Verdict::Undetermined(r) => r.name(),
                    Verdict::Law(_) => "",
                },
                f.confidence,
                f.window.t_start,
                f.window.t_end,
                outcome.trajectories_completed,
                params.seed,
                outcome.stop.name(),
            );
        }
        _ => {
            let _ = write!(out, "{}", ",".repeat(19));
            let _ = write!(out, ",{},{}", params.seed, outcome.stop.name());
        }
    }
    out.push('\n');
    out
}

/// What an existing sweep file holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scan {
    /// Finished rows (with their newline), by point index.
    pub rows: BTreeMap<usize, String>,
    /// Bytes of the file that are kept: the preamble and the complete rows. A torn last line
    /// (a kill during a write) lies beyond it.
    pub valid_len: u64,
    /// The file ends in a torn line.
    pub torn: bool,
    /// The file holds no complete preamble yet (empty, or killed while it was written): start
    /// it over.
    pub fresh: bool,
    /// Rows are in ascending index order.
    pub ordered: bool,
}

/// The fingerprint in a sweep file's first line.
fn fingerprint_of(line: &str) -> Option<&str> {
    line.strip_prefix("# spinboson sweep fingerprint=")?
        .split_whitespace()
        .next()
}

/// Read an existing sweep file against the expected `preamble` (see [`Grid::preamble`]).
pub fn scan(bytes: &[u8], path: &str, preamble: &str) -> Result<Scan, SweepError> {
    if preamble.as_bytes().starts_with(bytes) {
        return Ok(Scan {
            fresh: true,
            ordered: true,
            ..Scan::default()
        });
    }
    if !bytes.starts_with(preamble.as_bytes()) {
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let first = String::from_utf8_lossy(first).into_owned();
        let expected = fingerprint_of(preamble).unwrap_or_default().to_owned();
        return Err(match fingerprint_of(&first) {
            Some(_) if preamble.starts_with(&format!("{first}\n")) => SweepError::Corrupt {
                path: path.to_owned(),
                line: 2,
                problem: "the column header differs from this version's; use another --out".into(),
            },
            Some(found) => SweepError::Mismatch {
                path: path.to_owned(),
                found: found.to_owned(),
                expected,
            },
            None => SweepError::NotASweep {
                path: path.to_owned(),
                line: first.chars().take(80).collect(),
            },
        });
    }
    let fields = preamble.lines().nth(1).map_or(0, |h| h.split(',').count());
    let mut result = Scan {
        valid_len: preamble.len() as u64,
        ordered: true,
        ..Scan::default()
    };
    let mut rest = &bytes[preamble.len()..];
    let mut line_no = 2;
    let mut last_index = None;
    while !rest.is_empty() {
        line_no += 1;
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            result.torn = true;
            break;
        };
        let corrupt = |problem: String| SweepError::Corrupt {
            path: path.to_owned(),
            line: line_no,
            problem,
        };
        let line =
            std::str::from_utf8(&rest[..end]).map_err(|_| corrupt("not UTF-8 text".into()))?;
        let n = line.split(',').count();
        if n != fields {
            return Err(corrupt(format!("{n} fields, expected {fields}")));
        }
        let index: usize = line
            .split(',')
            .next()
            .and_then(|i| i.parse().ok())
            .ok_or_else(|| corrupt("the first field is not a point index".into()))?;
        if result.rows.contains_key(&index) {
            return Err(corrupt(format!("point {index} appears twice")));
        }
        if last_index.is_some_and(|l| l > index) {
            result.ordered = false;
        }
        last_index = Some(index);
        result.rows.insert(index, format!("{line}\n"));
        result.valid_len += end as u64 + 1;
        rest = &rest[end + 1..];
    }
    Ok(result)
}

/// The file with the given rows in index order.
pub fn assemble(preamble: &str, rows: &BTreeMap<usize, String>) -> String {
    let mut out = preamble.to_owned();
    for r in rows.values() {
        out.push_str(r);
    }
    out
}

/// Merge shard files (name, bytes) into the text of the unsharded sweep: same first line and
/// header in every shard, no point twice, none missing.
pub fn merge(shards: &[(String, Vec<u8>)]) -> Result<String, SweepError> {
    let (first_name, first) = shards.first().ok_or(SweepError::NoShards)?;
    let text = String::from_utf8_lossy(first);
    let mut lines = text.split_inclusive('\n');
    let line1 = lines.next().unwrap_or_default();
    let header = lines.next().unwrap_or_default();
    let expected = fingerprint_of(line1).ok_or_else(|| SweepError::NotASweepFile {
        path: first_name.clone(),
        line: line1.trim_end().chars().take(80).collect(),
    })?;
    if !header.ends_with('\n') {
        return Err(SweepError::Torn {
            path: first_name.clone(),
        });
    }
    let total: usize = line1
        .split_whitespace()
        .find_map(|w| w.strip_prefix("points="))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| SweepError::Corrupt {
            path: first_name.clone(),
            line: 1,
            problem: "no points=N in the first line".into(),
        })?;
    let preamble = format!("{line1}{header}");
    let mut rows: BTreeMap<usize, String> = BTreeMap::new();
    let mut owner: BTreeMap<usize, &str> = BTreeMap::new();
    for (name, bytes) in shards {
        let s = scan(bytes, name, &preamble).map_err(|e| match e {
            SweepError::Mismatch { found, .. } => SweepError::MergeMismatch {
                path: name.clone(),
                first: first_name.clone(),
                found,
                expected: expected.to_owned(),
            },
            SweepError::NotASweep { path, line } => SweepError::NotASweepFile { path, line },
            e => e,
        })?;
        if s.fresh && !bytes.starts_with(preamble.as_bytes()) {
            return Err(SweepError::Torn { path: name.clone() });
        }
        if s.torn {
            return Err(SweepError::Torn { path: name.clone() });
        }
        for (index, r) in s.rows {
            if index >= total {
                return Err(SweepError::Corrupt {
                    path: name.clone(),
                    line: 0,
                    problem: format!("point {index} is outside the grid of {total} points"),
                });
            }
            if let Some(a) = owner.get(&index) {
                return Err(SweepError::Duplicate {
                    index,
                    a: (*a).to_owned(),
                    b: name.clone(),
                });
            }
            owner.insert(index, name);
            rows.insert(index, r);
        }
    }
    let missing: Vec<usize> = (0..total).filter(|i| !rows.contains_key(i)).collect();
    if let Some(&index) = missing.first() {
        return Err(SweepError::Missing {
            index,
            missing: missing.len(),
            total,
        });
    }
    Ok(assemble(&preamble, &rows))
}

#[cfg(test)]
mod tests;
