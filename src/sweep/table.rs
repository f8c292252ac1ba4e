//! A sweep CSV read back: the axes from its first line and one [`PointResult`] per row, for the
//! explorer's computed map and `spinboson figure --sweep`. The rows' text is kept, so a table
//! written back ([`SweepTable::text`]) is the file it was read from (less a torn last line).

use super::{Axis, SweepError, assemble, columns, scan};
use crate::analysis::{Law, Verdict};
use crate::physics::Regime;
use std::collections::BTreeMap;

/// One finished point of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct PointResult {
    pub index: usize,
    /// The axis values, in the file's axis order.
    pub values: Vec<f64>,
    /// The regime model's prediction.
    pub regime: Option<Regime>,
    /// The fitted verdict; `None` for a point that did not complete (diverged).
    pub verdict: Option<Verdict>,
    /// Fraction of jackknife resamples in which the best law also wins.
    pub confidence: f64,
    /// `(gamma, error)` of the algebraic law.
    pub gamma: (f64, f64),
    /// `(tau, error)` of the exponential law.
    pub tau: (f64, f64),
    /// `(b, error)` of the logarithmic law.
    pub b: (f64, f64),
    /// AIC of the logarithmic, algebraic and exponential law ([`Law::ALL`] order).
    pub aic: [f64; 3],
    /// The fit window `(t0, t1)`.
    pub window: (f64, f64),
    pub sx_final: (f64, f64),
    pub sz_final: (f64, f64),
    pub trajectories: usize,
    pub seed: u64,
    /// `completed`, `diverged`, ...
    pub stop: String,
}

impl PointResult {
    /// Parse one row (without its newline) of a sweep with `n_axes` axes.
    pub fn parse_row(line: &str, n_axes: usize) -> Result<PointResult, String> {
        let fields: Vec<&str> = line.split(',').collect();
        let expected = 1 + n_axes + super::RESULT_COLUMNS.len();
        if fields.len() != expected {
            return Err(format!("{} fields, expected {expected}", fields.len()));
        }
        let index: usize = fields[0]
            .parse()
            .map_err(|_| format!("index {:?} is not a whole number", fields[0]))?;
        let num = |k: usize| -> Result<f64, String> {
            let s = fields[k];
            if s.is_empty() {
                return Ok(f64::NAN);
            }
            s.parse()
                .map_err(|_| format!("field {} ({s:?}) is not a number", k + 1))
        };
        let values = (1..=n_axes).map(num).collect::<Result<Vec<_>, _>>()?;
        let r = 1 + n_axes; // first result column
        let col = |name: &str| {
            r + super::RESULT_COLUMNS
                .iter()
                .position(|c| *c == name)
                .unwrap_or(0)
        };
        let pair = |name: &str| -> Result<(f64, f64), String> {
            Ok((num(col(name))?, num(col(name) + 1)?))
        };
        let regime = Regime::ALL
            .into_iter()
            .find(|g| g.name() == fields[col("regime")]);
        let verdict = Verdict::from_names(fields[col("verdict")], fields[col("reason")]);
        let whole = |name: &str| -> Result<u64, String> {
            let s = fields[col(name)];
            s.parse()
                .map_err(|_| format!("{name} {s:?} is not a whole number"))
        };
        Ok(PointResult {
            index,
            values,
            regime,
            verdict,
            confidence: num(col("confidence"))?,
            gamma: pair("gamma")?,
            tau: pair("tau")?,
            b: pair("b")?,
            aic: [
                num(col("aic_log"))?,
                num(col("aic_alg"))?,
                num(col("aic_exp"))?,
            ],
            window: pair("t0")?,
            sx_final: pair("sx_final")?,
            sz_final: pair("sz_final")?,
            trajectories: if fields[col("trajectories")].is_empty() {
                0
            } else {
                whole("trajectories")? as usize
            },
            seed: whole("seed")?,
            stop: fields[col("stop")].to_owned(),
        })
    }

    /// The verdict's class for comparing neighbours: the verdict's name, `none` without one.
    pub fn class(&self) -> &'static str {
        self.verdict.map_or("none", Verdict::name)
    }

    /// A few lines for hover text: the verdict, the fitted parameters, the final values.
    pub fn describe(&self) -> String {
        let pm = |(v, e): (f64, f64)| format!("{v:.3} ± {e:.2}");
        let verdict = match self.verdict {
            Some(Verdict::Law(l)) => {
                format!("{} (confidence {:.0}%)", l.name(), 100.0 * self.confidence)
            }
            Some(Verdict::Undetermined(r)) => format!("undetermined: {}", r.describe()),
            None => format!("no fit ({})", self.stop),
        };
        let mut out = format!(
            "fit: {verdict}\nregime model: {}",
            self.regime.map_or("?", Regime::name)
        );
        if self.verdict.is_some() {
            let best = Law::ALL
                .iter()
                .zip(self.aic)
                .map(|(l, a)| format!("{} {a:.1}", &l.name()[..3]))
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&format!(
                "\nγ = {}, τ = {}, b = {}\nAIC: {best}\nwindow t = {:.3} .. {:.3}\nfinal sx = {}, sz = {}\n{} trajectories",
                pm(self.gamma),
                pm(self.tau),
                pm(self.b),
                self.window.0,
                self.window.1,
                pm(self.sx_final),
                pm(self.sz_final),
                self.trajectories
            ));
        }
        out
    }
}

/// A sweep file read back.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepTable {
    pub fingerprint: String,
    pub axes: Vec<Axis>,
    /// Points of the full grid.
    pub total: usize,
    /// The finished points, by index.
    pub points: BTreeMap<usize, PointResult>,
    /// The first two lines (fingerprint and header), with newlines.
    preamble: String,
    /// The rows' text, with newlines.
    rows: BTreeMap<usize, String>,
}

impl SweepTable {
    /// Read a sweep CSV (`path` names it in errors). A torn last line (a killed run) is left out.
    pub fn parse(bytes: &[u8], path: &str) -> Result<SweepTable, SweepError> {
        let corrupt = |line: usize, problem: String| SweepError::Corrupt {
            path: path.to_owned(),
            line,
            problem,
        };
        let text = std::str::from_utf8(bytes).map_err(|_| corrupt(1, "not UTF-8 text".into()))?;
        let mut lines = text.split_inclusive('\n');
        let first = lines.next().unwrap_or_default();
        let rest = first
            .trim_end()
            .strip_prefix("# spinboson sweep fingerprint=")
            .ok_or_else(|| SweepError::NotASweepFile {
                path: path.to_owned(),
                line: first.trim_end().chars().take(80).collect(),
            })?;
        let (fingerprint, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let (points, axes) = rest
            .strip_prefix("points=")
            .and_then(|r| r.split_once(" axes="))
            .ok_or_else(|| corrupt(1, "expected points=N axes=... after the fingerprint".into()))?;
        let total: usize = points
            .parse()
            .map_err(|_| corrupt(1, format!("points={points:?} is not a whole number")))?;
        let axes = axes
            .split_whitespace()
            .map(Axis::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| corrupt(1, e.to_string()))?;
        let grid_points: usize = axes.iter().map(|a| a.count).product();
        if axes.is_empty() || axes.len() > super::MAX_AXES || grid_points != total {
            return Err(corrupt(
                1,
                format!(
                    "{} axes with {grid_points} points do not match points={total}",
                    axes.len()
                ),
            ));
        }
        let header = format!("{}\n", columns(&axes).join(","));
        let preamble = format!("{first}{header}");
        let found = scan(bytes, path, &preamble).map_err(|e| match e {
            SweepError::NotASweep { path, line } => SweepError::NotASweepFile { path, line },
            e => e,
        })?;
        let mut table = SweepTable {
            fingerprint: fingerprint.to_owned(),
            axes,
            total,
            points: BTreeMap::new(),
            preamble,
            rows: BTreeMap::new(),
        };
        for (index, line) in found.rows {
            if index >= total {
                return Err(corrupt(
                    0,
                    format!("point {index} is outside the grid of {total} points"),
                ));
            }
            let point = PointResult::parse_row(line.trim_end(), table.axes.len())
                .map_err(|p| corrupt(0, format!("point {index}: {p}")))?;
            table.points.insert(index, point);
            table.rows.insert(index, line);
        }
        Ok(table)
    }

    /// An empty table for a grid's preamble (see [`super::Grid::preamble`]).
    pub fn empty(preamble: &str) -> Result<SweepTable, SweepError> {
        SweepTable::parse(preamble.as_bytes(), "(new sweep)")
    }

    /// Add a finished row (as [`super::row`] writes it).
    pub fn insert_row(&mut self, line: &str) -> Result<&PointResult, SweepError> {
        let corrupt = |problem: String| SweepError::Corrupt {
            path: "(computed point)".into(),
            line: 0,
            problem,
        };
        let point = PointResult::parse_row(line.trim_end(), self.axes.len()).map_err(corrupt)?;
        if point.index >= self.total {
            return Err(corrupt(format!(
                "point {} is outside the grid",
                point.index
            )));
        }
        let index = point.index;
        self.rows.insert(index, format!("{}\n", line.trim_end()));
        Ok(self.points.entry(index).insert_entry(point).into_mut())
    }

    /// The file's text: the preamble and the rows in index order (a sweep CSV that
    /// `spinboson sweep` with the same base parameters and axes resumes).
    pub fn text(&self) -> String {
        assemble(&self.preamble, &self.rows)
    }

    /// Points along each axis.
    pub fn shape(&self) -> Vec<usize> {
        self.axes.iter().map(|a| a.count).collect()
    }

    /// Whether every point is finished.
    pub fn is_complete(&self) -> bool {
        self.points.len() == self.total
    }
}
