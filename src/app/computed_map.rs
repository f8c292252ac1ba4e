//! The computed phase map: a sweep over the Fig. 1 map's axes (omega/h log, sigma/sqrt(h) lin)
//! at a reduced size, run in the background by [`MapRunner`] with the same code and seeds as
//! `spinboson sweep`, coarse first and refined where neighbours disagree. Each finished point
//! paints its cell by the fitted verdict (colour) and jackknife confidence (opacity); cells
//! not computed take their nearest computed neighbour's verdict, faintly. The map saves and
//! loads as the sweep CSV (with its JSON sidecar), so a cluster-computed sweep opens here.

use crate::io::{MapSpec, verdict_color, verdict_opacity, write_atomic};
use crate::physics::Params;
use crate::sim::{CostModel, Waker};
use crate::sweep::{
    Axis, AxisName, Grid, MapMsg, MapRunner, PointResult, Refiner, Spacing, SweepTable,
};
use egui::Color32;
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// The map's grid and ensemble size, as the user sets them.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSettings {
    /// omega/h from, to (log spacing) and count.
    pub omega: (f64, f64, usize),
    /// sigma/sqrt(h) from, to (linear spacing) and count.
    pub sigma: (f64, f64, usize),
    pub nt: usize,
    pub realizations: usize,
    pub trajectories_per_realization: usize,
    /// Compute every cell, not only where neighbours disagree.
    pub fill: bool,
}

impl Default for MapSettings {
    /// 9 x 9 over the paper's ranges at Nt 200 and 8 x 8 trajectories: a 3 x 3 coarse pass,
    /// then the disputed cells; about a minute here (the estimate is shown before starting).
    fn default() -> Self {
        Self {
            omega: (0.1, 30.0, 9),
            sigma: (0.3, 6.0, 9),
            nt: 200,
            realizations: 8,
            trajectories_per_realization: 8,
            fill: false,
        }
    }
}

/// Most points per axis.
pub const MAX_MAP_AXIS: usize = 40;

impl MapSettings {
    /// The grid over `params` (its other fields kept) or what is wrong, naming the field.
    pub fn grid(&self, params: &Params) -> Result<Grid, String> {
        let count = |name: &str, n: usize| {
            if (2..=MAX_MAP_AXIS).contains(&n) {
                Ok(())
            } else {
                Err(format!(
                    "{name} points must be 2 to {MAX_MAP_AXIS} (got {n})"
                ))
            }
        };
        count("ω/h", self.omega.2)?;
        count("σ/√h", self.sigma.2)?;
        if !(self.omega.0 > 0.0 && self.omega.1 > self.omega.0 && self.omega.1.is_finite()) {
            return Err(format!(
                "ω/h range: need 0 < from < to (got {} to {})",
                self.omega.0, self.omega.1
            ));
        }
        if !(self.sigma.0 >= 0.0 && self.sigma.1 > self.sigma.0 && self.sigma.1.is_finite()) {
            return Err(format!(
                "σ/√h range: need 0 ≤ from < to (got {} to {})",
                self.sigma.0, self.sigma.1
            ));
        }
        let base = Params {
            nt: self.nt,
            realizations: self.realizations,
            trajectories_per_realization: self.trajectories_per_realization,
            ..params.clone()
        };
        let axes = vec![
            Axis {
                name: AxisName::Omega,
                start: self.omega.0,
                end: self.omega.1,
                spacing: Spacing::Log,
                count: self.omega.2,
            },
            Axis {
                name: AxisName::Sigma,
                start: self.sigma.0,
                end: self.sigma.1,
                spacing: Spacing::Lin,
                count: self.sigma.2,
            },
        ];
        let grid = Grid::new(base, axes).map_err(|e| e.to_string())?;
        for i in 0..grid.len() {
            grid.params(i).map_err(|e| e.to_string())?;
        }
        Ok(grid)
    }
}

/// One cell to paint, in the map's plotted units (x = log10 omega/h, y = sigma/sqrt(h)).
#[derive(Clone, Debug)]
pub struct MapCell {
    pub index: usize,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub color: Color32,
    /// Not computed: the colour is the nearest computed point's.
    pub inferred: bool,
    /// Being computed now.
    pub running: bool,
    /// Hover text.
    pub text: String,
}

/// What the map view paints over the regime map.
#[derive(Clone, Debug, Default)]
pub struct MapOverlay {
    pub cells: Vec<MapCell>,
    /// The regime model's boundaries, plotted units.
    pub boundaries: Vec<Segment>,
}

/// A map on screen: the sweep's rows and, when known, its grid (base parameters), which
/// clicking a cell and resuming need.
struct MapData {
    table: SweepTable,
    grid: Option<Grid>,
    /// Axis positions of omega and sigma in the table.
    omega_axis: usize,
    sigma_axis: usize,
    source: String,
}

impl MapData {
    fn new(table: SweepTable, grid: Option<Grid>, source: String) -> Result<Self, String> {
        let find = |name: AxisName| table.axes.iter().position(|a| a.name == name);
        match (
            find(AxisName::Omega),
            find(AxisName::Sigma),
            table.axes.len(),
        ) {
            (Some(omega_axis), Some(sigma_axis), 2) => Ok(Self {
                table,
                grid,
                omega_axis,
                sigma_axis,
                source,
            }),
            _ => Err(format!(
                "the phase map shows sweeps over omega and sigma; this one sweeps {}",
                table
                    .axes
                    .iter()
                    .map(|a| a.name.name())
                    .collect::<Vec<_>>()
                    .join(" × ")
            )),
        }
    }

    fn shape(&self) -> (usize, usize) {
        let s = self.table.shape();
        (s[0], s[1])
    }
}

/// Cell edges of grid values in plotted units: midpoints, and half a step beyond the ends.
fn edges(values: &[f64]) -> Vec<(f64, f64)> {
    let n = values.len();
    (0..n)
        .map(|i| {
            let lo = if i > 0 {
                (values[i - 1] + values[i]) / 2.0
            } else if n > 1 {
                values[0] - (values[1] - values[0]) / 2.0
            } else {
                values[0] - 0.05
            };
            let hi = if i + 1 < n {
                (values[i] + values[i + 1]) / 2.0
            } else if n > 1 {
                values[n - 1] + (values[n - 1] - values[n - 2]) / 2.0
            } else {
                values[0] + 0.05
            };
            (lo, hi)
        })
        .collect()
}

/// The explorer's computed map: settings, the map on screen and the background run.
pub struct ComputedMap {
    pub settings: MapSettings,
    /// Paint the computed cells over the regime map.
    pub show: bool,
    data: Option<MapData>,
    runner: Option<MapRunner>,
    /// `(index, trajectories done, total)` of the point in progress.
    running: Option<(usize, usize, usize)>,
    started: Option<Instant>,
    computed_this_run: usize,
    /// Last outcome: `(is_error, text)`.
    pub message: Option<(bool, String)>,
    /// The model's boundaries and the `alpha/t_max` they are for.
    boundaries: Option<(String, Vec<Segment>)>,
    /// A start that would discard the map on screen: what differs, and the new grid.
    pending: Option<(String, Grid)>,
    /// The last overlay and what it was built from.
    overlay: Option<(String, MapOverlay)>,
    /// Counts changes of the map's points (a new map, a loaded one, a finished point).
    generation: u64,
}

/// A line segment in plotted units.
type Segment = [(f64, f64); 2];

impl Default for ComputedMap {
    fn default() -> Self {
        Self {
            settings: MapSettings::default(),
            show: true,
            data: None,
            runner: None,
            running: None,
            started: None,
            computed_this_run: 0,
            message: None,
            boundaries: None,
            pending: None,
            overlay: None,
            generation: 0,
        }
    }
}

impl ComputedMap {
    pub fn is_running(&self) -> bool {
        self.runner.is_some()
    }

    /// The map's sweep, if any.
    pub fn table(&self) -> Option<&SweepTable> {
        self.data.as_ref().map(|d| &d.table)
    }

    /// `(seconds for the points not done, seconds for the coarse points not done)` at the cost
    /// model's rate.
    pub fn estimate(
        grid: &Grid,
        cost: &CostModel,
        threads: usize,
        done: impl Fn(usize) -> bool,
    ) -> (f64, f64) {
        let shape: Vec<usize> = grid.axes.iter().map(|a| a.count).collect();
        let refiner = Refiner::new(shape[0], shape[1], false);
        let secs = |i: usize| {
            if done(i) {
                0.0
            } else {
                grid.params(i).map_or(0.0, |p| cost.seconds(&p, threads))
            }
        };
        let total = (0..grid.len()).map(secs).sum();
        let coarse = refiner.coarse_points().into_iter().map(secs).sum();
        (total, coarse)
    }

    /// The map on screen when it is `grid`'s sweep (its points need not be computed again).
    pub fn table_of(&self, grid: &Grid) -> Option<&SweepTable> {
        let fingerprint = grid.fingerprint();
        self.table().filter(|t| t.fingerprint == fingerprint)
    }

    /// A start that would discard the map on screen, waiting for the user's choice: what
    /// differs, and the grid of the new map.
    pub fn pending(&self) -> Option<&(String, Grid)> {
        self.pending.as_ref()
    }

    /// Whether the map on screen can be resumed (its base parameters are known).
    pub fn can_resume(&self) -> bool {
        self.data.as_ref().is_some_and(|d| d.grid.is_some())
    }

    /// Compute the map at the controls' parameters: resume the map on screen when it is the same
    /// sweep, else start a new one, but never silently discard a map with points: then ask
    /// (see [`ComputedMap::pending`]).
    pub fn start(
        &mut self,
        params: &Params,
        threads: usize,
        nice: i32,
        waker: Waker,
    ) -> Result<(), String> {
        let grid = self.settings.grid(params)?;
        if let Some(d) = &self.data
            && d.table.fingerprint != grid.fingerprint()
            && !d.table.points.is_empty()
        {
            let what = match &d.grid {
                Some(old) if old.axes != grid.axes => "the map's grid or size differs".to_string(),
                Some(old) => format!(
                    "the controls differ from the map's parameters: {}",
                    crate::sim::params_diff(&grid.base, &old.base, None)
                ),
                None => "the map on screen has no known base parameters".to_string(),
            };
            self.pending = Some((what, grid));
            return Ok(());
        }
        self.spawn(grid, threads, nice, waker)
    }

    /// Resume the map on screen at its own parameters (after [`ComputedMap::pending`]).
    pub fn resume(&mut self, threads: usize, nice: i32, waker: Waker) -> Result<(), String> {
        self.pending = None;
        let grid = self
            .data
            .as_ref()
            .and_then(|d| d.grid.clone())
            .ok_or("the map on screen has no known base parameters: it cannot be resumed")?;
        self.settings = settings_of(&grid, &self.settings);
        self.spawn(grid, threads, nice, waker)
    }

    /// Discard the map on screen and start the pending new one.
    pub fn start_new(&mut self, threads: usize, nice: i32, waker: Waker) -> Result<(), String> {
        let (_, grid) = self.pending.take().ok_or("nothing to start")?;
        self.data = None;
        self.generation += 1;
        self.spawn(grid, threads, nice, waker)
    }

    /// Forget the pending start.
    pub fn cancel_pending(&mut self) {
        if self.pending.take().is_some() {
            self.message = Some((false, "nothing started; the map is unchanged".into()));
        }
    }

    fn spawn(&mut self, grid: Grid, threads: usize, nice: i32, waker: Waker) -> Result<(), String> {
        self.pending = None;
        let same = self
            .data
            .as_ref()
            .is_some_and(|d| d.table.fingerprint == grid.fingerprint());
        if !same {
            let table = SweepTable::empty(&grid.preamble()).map_err(|e| e.to_string())?;
            self.generation += 1;
            self.data = Some(MapData::new(
                table,
                Some(grid.clone()),
                "computed here".into(),
            )?);
        } else if let Some(d) = self.data.as_mut() {
            d.grid = Some(grid.clone());
        }
        let known: Vec<Option<&'static str>> = (0..grid.len())
            .map(|i| {
                self.data
                    .as_ref()
                    .and_then(|d| d.table.points.get(&i))
                    .map(PointResult::class)
            })
            .collect();
        self.runner = None; // stops a previous run
        self.runner = Some(
            MapRunner::spawn(grid, known, self.settings.fill, threads, nice, waker)
                .map_err(|e| e.to_string())?,
        );
        self.started = Some(Instant::now());
        self.computed_this_run = 0;
        self.running = None;
        self.show = true;
        self.message = Some((
            false,
            if same {
                "resuming the map".into()
            } else {
                "computing the map".into()
            },
        ));
        Ok(())
    }

    /// The alpha and t_max h the map on screen was computed at, when known.
    pub fn base_alpha_tmax(&self) -> Option<(f64, f64)> {
        let g = self.data.as_ref().filter(|_| self.show)?.grid.as_ref()?;
        Some((g.base.alpha, g.base.t_max * g.base.h))
    }

    /// Stop the background run (finished points stay).
    pub fn stop(&mut self) {
        if self.runner.take().is_some() {
            self.running = None;
            self.message = Some((
                false,
                format!(
                    "stopped: {} point(s) on the map; Compute resumes",
                    self.table().map_or(0, |t| t.points.len())
                ),
            ));
        }
    }

    /// Take the runner's messages. (Point timings do not feed the cost model: the map shares
    /// the machine with the explorer's own runs.)
    pub fn poll(&mut self) {
        let Some(runner) = &self.runner else {
            return;
        };
        let mut done = None;
        while let Some(msg) = runner.try_recv() {
            match msg {
                MapMsg::Started { index } => self.running = Some((index, 0, 0)),
                MapMsg::Progress { index, done, total } => {
                    self.running = Some((index, done, total))
                }
                MapMsg::Point { row, .. } => {
                    self.running = None;
                    self.computed_this_run += 1;
                    self.generation += 1;
                    if let Some(d) = self.data.as_mut()
                        && let Err(e) = d.table.insert_row(&row)
                    {
                        done = Some(Some(e.to_string()));
                    }
                }
                MapMsg::Done { cancelled, error } => {
                    done = Some(error.or(if cancelled {
                        Some("stopped".into())
                    } else {
                        None
                    }));
                }
            }
        }
        if let Some(outcome) = done {
            self.runner = None;
            self.running = None;
            let (n, total) = self.table().map_or((0, 0), |t| (t.points.len(), t.total));
            let secs = self.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
            self.message = Some(match outcome {
                Some(e) => (true, format!("the map stopped: {e}")),
                None => (
                    false,
                    format!(
                        "map done: {n} of {total} points computed ({} in {secs:.0} s){}",
                        self.computed_this_run,
                        if n < total {
                            "; the others agree with their neighbours (tick \"every cell\" and \
                             Compute to fill them)"
                        } else {
                            ""
                        }
                    ),
                ),
            });
        }
    }

    /// A line about the run in progress.
    pub fn progress_text(&self) -> Option<String> {
        self.runner.as_ref()?;
        let (n, total) = self.table().map_or((0, 0), |t| (t.points.len(), t.total));
        let secs = self.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        let point = match self.running {
            Some((_, done, total)) if total > 0 => {
                format!(", point at {done}/{total} trajectories")
            }
            _ => String::new(),
        };
        Some(format!(
            "{n} of {total} points ({} this run, {secs:.0} s){point}",
            self.computed_this_run
        ))
    }

    /// The parameters of a cell: the sweep's own point (its seed and reduced size) when the
    /// base parameters are known, else `params` with the cell's omega and sigma.
    pub fn params_of(&self, index: usize, params: &Params) -> Option<Params> {
        let d = self.data.as_ref()?;
        if let Some(g) = &d.grid {
            return g.params(index).ok();
        }
        let (_, n1) = d.shape();
        let ij = [index / n1, index % n1];
        let value = |axis: usize| d.table.axes[axis].values().get(ij[axis]).copied();
        let mut p = params.clone();
        AxisName::Omega.apply(&mut p, value(d.omega_axis)?);
        AxisName::Sigma.apply(&mut p, value(d.sigma_axis)?);
        Some(p)
    }

    /// The cells and the model's boundaries for the Fig. 1 map of `spec`, rebuilt only when
    /// the map, the point in progress, `show` or the model's alpha and window change (a frame
    /// that changes none of them reuses the last overlay).
    pub fn overlay(&mut self, spec: &MapSpec) -> &MapOverlay {
        let key = format!(
            "{}/{}/{}/{:?}/{}/{}",
            self.show,
            self.data
                .as_ref()
                .map_or("", |d| d.table.fingerprint.as_str()),
            self.generation,
            self.running.map(|r| r.0),
            spec.alpha,
            spec.t_max_times_h
        );
        if self.overlay.as_ref().is_none_or(|(k, _)| *k != key) {
            let built = self.build_overlay(spec);
            self.overlay = Some((key, built));
        }
        &self.overlay.get_or_insert_with(Default::default).1
    }

    fn build_overlay(&mut self, spec: &MapSpec) -> MapOverlay {
        // The boundaries at the map's own alpha and window, when its base is known.
        let spec = match self.data.as_ref().and_then(|d| d.grid.as_ref()) {
            Some(g) => MapSpec {
                alpha: g.base.alpha,
                t_max_times_h: g.base.t_max * g.base.h,
                ..*spec
            },
            None => *spec,
        };
        let key = format!("{}/{}", spec.alpha, spec.t_max_times_h);
        if self.boundaries.as_ref().is_none_or(|(k, _)| *k != key) {
            self.boundaries = Some((key, spec.boundaries(150, 100)));
        }
        let boundaries = self
            .boundaries
            .as_ref()
            .map(|(_, b)| b.clone())
            .unwrap_or_default();
        let Some(d) = self.data.as_ref().filter(|_| self.show) else {
            return MapOverlay::default();
        };
        let (n0, n1) = d.shape();
        let refiner = Refiner::new(n0, n1, false);
        let omega_values = d.table.axes[d.omega_axis].values();
        let sigma_values = d.table.axes[d.sigma_axis].values();
        let log_omega: Vec<f64> = omega_values.iter().map(|v| v.log10()).collect();
        let x_edges = edges(&log_omega);
        let y_edges = edges(&sigma_values);
        let running = self.running.map(|r| r.0);
        let class = |k: usize| d.table.points.get(&k).map(|p| p.index);
        let cells = (0..n0 * n1)
            .filter_map(|k| {
                let (source, inferred) = refiner.shown(k, class)?;
                let p = d.table.points.get(&source)?;
                let ij = [k / n1, k % n1];
                let (ix, iy) = (ij[d.omega_axis], ij[d.sigma_axis]);
                let opacity = verdict_opacity(p.verdict, p.confidence, inferred);
                let c = verdict_color(p.verdict);
                let at = format!(
                    "ω/h = {:.4}, σ/√h = {:.4} (point {k})",
                    omega_values[ix], sigma_values[iy]
                );
                let text = if inferred {
                    format!(
                        "{at}\nnot computed: painted as its nearest computed point ({})\nClick \
                         to load this point.",
                        p.class()
                    )
                } else {
                    format!("{at}\n{}\nClick to load this point.", p.describe())
                };
                Some(MapCell {
                    index: k,
                    x: x_edges[ix],
                    y: y_edges[iy],
                    color: Color32::from_rgba_unmultiplied(c.0, c.1, c.2, (255.0 * opacity) as u8),
                    inferred,
                    running: running == Some(k),
                    text,
                })
            })
            .chain(
                running
                    .filter(|k| !d.table.points.contains_key(k))
                    .map(|k| {
                        let ij = [k / n1, k % n1];
                        MapCell {
                            index: k,
                            x: x_edges[ij[d.omega_axis]],
                            y: y_edges[ij[d.sigma_axis]],
                            color: Color32::TRANSPARENT,
                            inferred: true,
                            running: true,
                            text: "computing…".into(),
                        }
                    }),
            )
            .collect();
        MapOverlay { cells, boundaries }
    }

    /// Write the map as a sweep CSV and its JSON sidecar, atomically.
    pub fn save(&self, path: &Path) -> Result<String, String> {
        let d = self.data.as_ref().ok_or("no computed map to save yet")?;
        write_atomic(path, d.table.text().as_bytes()).map_err(|e| e.to_string())?;
        let sidecar = path.with_extension("json");
        if sidecar != path {
            let meta = json!({
                "program": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "source": "explorer: Compute phase map",
                "fingerprint": d.table.fingerprint,
                "base_params": d.grid.as_ref().map(|g| &g.base),
                "axes": d.table.axes.iter().map(|a| json!({
                    "name": a.name.name(),
                    "column": a.name.column(),
                    "spec": a.spec(),
                    "values": a.values(),
                })).collect::<Vec<_>>(),
                "points": d.table.total,
                "seed_derivation": "point seed = splitmix64(splitmix64(base seed) XOR point index)",
                "columns": crate::sweep::columns(&d.table.axes),
            });
            let text = serde_json::to_string_pretty(&meta).map_err(|e| e.to_string())?;
            write_atomic(&sidecar, text.as_bytes()).map_err(|e| e.to_string())?;
        }
        Ok(format!(
            "saved the map ({} of {} points) to {}",
            d.table.points.len(),
            d.table.total,
            path.display()
        ))
    }

    /// Read a sweep CSV (and its sidecar's base parameters, when they match). The map on screen
    /// is kept when the file cannot be used.
    pub fn load(&mut self, path: &Path) -> Result<String, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let table = SweepTable::parse(&bytes, &path.display().to_string())
            .map_err(|e| format!("{e} (map unchanged)"))?;
        let grid = std::fs::read(path.with_extension("json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| serde_json::from_value::<Params>(v.get("base_params")?.clone()).ok())
            .and_then(|base| Grid::new(base, table.axes.clone()).ok())
            .filter(|g| g.fingerprint() == table.fingerprint);
        let with_grid = grid.is_some();
        let data = MapData::new(table, grid, path.display().to_string())
            .map_err(|e| format!("{e} (map unchanged)"))?;
        let (n, total) = (data.table.points.len(), data.table.total);
        self.runner = None;
        self.running = None;
        self.pending = None;
        if let Some(g) = &data.grid {
            self.settings = settings_of(g, &self.settings);
        }
        self.data = Some(data);
        self.generation += 1;
        self.show = true;
        Ok(format!(
            "loaded the map {} ({n} of {total} points){}",
            path.display(),
            if with_grid {
                ""
            } else {
                "; no matching sidecar: a clicked cell runs with the current parameters"
            }
        ))
    }

    /// Draw the map as a figure (.svg or .png, by extension) with the model's boundaries: the
    /// figure of `spinboson figure --sweep`. A loaded map without its base parameters is drawn
    /// with `params` and says so in its caption.
    pub fn export(&self, path: &Path, params: &Params) -> Result<String, String> {
        let d = self.data.as_ref().ok_or("no computed map to export yet")?;
        let base = d
            .grid
            .as_ref()
            .map_or_else(|| params.clone(), |g| g.base.clone());
        let map = crate::io::SweepMap::new(d.table.clone(), base);
        crate::io::write_sweep_map(path, &map).map_err(|e| e.to_string())?;
        Ok(format!("exported the map to {}", path.display()))
    }

    /// Where the map came from.
    pub fn source(&self) -> Option<&str> {
        self.data.as_ref().map(|d| d.source.as_str())
    }
}

/// The settings that make `grid` (for a loaded map, so Compute resumes it).
fn settings_of(grid: &Grid, old: &MapSettings) -> MapSettings {
    let mut s = MapSettings {
        nt: grid.base.nt,
        realizations: grid.base.realizations,
        trajectories_per_realization: grid.base.trajectories_per_realization,
        ..old.clone()
    };
    for a in &grid.axes {
        match a.name {
            AxisName::Omega => s.omega = (a.start, a.end, a.count),
            AxisName::Sigma => s.sigma = (a.start, a.end, a.count),
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_tile_the_axis() {
        let e = edges(&[0.0, 1.0, 3.0]);
        assert_eq!(e, vec![(-0.5, 0.5), (0.5, 2.0), (2.0, 4.0)]);
        assert_eq!(edges(&[2.0]), vec![(1.95, 2.05)]);
    }

    #[test]
    fn bad_settings_name_the_field() {
        let p = Params::default();
        let mut s = MapSettings::default();
        assert!(s.grid(&p).is_ok());
        s.omega = (1.0, 0.5, 8);
        assert!(s.grid(&p).is_err_and(|e| e.contains("ω/h range")));
        s = MapSettings {
            sigma: (0.3, 6.0, 1),
            ..MapSettings::default()
        };
        assert!(s.grid(&p).is_err_and(|e| e.contains("σ/√h points")));
        s = MapSettings {
            nt: 1,
            ..MapSettings::default()
        };
        assert!(
            s.grid(&p)
                .is_err_and(|e| e.contains("nt") || e.contains("Nt"))
        );
    }
}
