//! Command-line arguments.

use crate::physics::{Displacement, GridSpacing, Integrator, Model, Params, Precision};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Far-from-equilibrium dynamics of disordered spin-boson systems (DTWA + TWA).
#[derive(Debug, Parser)]
#[command(
    name = "spinboson",
    version,
    about = "Far-from-equilibrium dynamics of disordered spin-boson systems (DTWA + TWA).\n\
             Run without a command to open the desktop explorer (spinboson, or cargo run --release).",
    long_about = None,
    after_help = "Presets: every --preset takes a file (RON) or a built-in name: default, fig2_left, \
                  fig2_center, fig2_right, fig3_center, fig3_right, photon_loss, composite_quench, \
                  adiabatic_vs_full."
)]
pub struct Cli {
    /// Open the explorer on this preset (a file or a built-in name) instead of the last state.
    #[arg(long, value_name = "FILE.ron|NAME")]
    pub preset: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one parameter set and write sx, sy, sz, photon number and energy drift vs time.
    Run(RunArgs),
    /// Run a preset (its whole family) and draw it as an SVG or PNG figure.
    Figure(FigureArgs),
    /// Work with preset files.
    #[command(subcommand)]
    Preset(PresetCommand),
    /// Run a grid of parameter points (one or two axes), fit each, one CSV row per point;
    /// shardable (--shard K/N), resumable (rerun the same command), and ready for Slurm
    /// (--emit-slurm N writes a job-array script).
    Sweep(SweepArgs),
    /// Combine the CSVs of the shards of one sweep into the file the unsharded sweep writes.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct SweepArgs {
    /// Start from this preset (a file or a built-in name); flags override its fields.
    #[arg(long, value_name = "FILE.ron|NAME", help = preset_help("Start from this preset; flags override its fields."))]
    pub preset: Option<PathBuf>,
    /// A swept parameter, NAME=START:END:log|lin:COUNT (give one or two; the first is slowest):
    /// NAME is omega (omega/h), sigma (sigma/sqrt(h)), alpha, nt, h or kappa.
    #[arg(long, required = true, value_name = "NAME=START:END:log|lin:COUNT", value_parser = parse_axis_arg)]
    pub axis: Vec<crate::sweep::Axis>,
    /// The sweep CSV (one row per point, appended and synced as each finishes; rerunning resumes).
    /// Also writes FILE.json (parameters, axes, command line) and FILE.timing.csv (wall times).
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
    /// Also keep each point's curves as DIR/point_NNNNN.csv (the `spinboson run` CSV).
    #[arg(long, value_name = "DIR")]
    pub curves: Option<PathBuf>,
    /// Run only the points with index mod N = K (merge the shards with `spinboson merge`).
    #[arg(long, value_name = "K/N", value_parser = parse_shard_arg)]
    pub shard: Option<crate::sweep::Shard>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Start even when the points left are estimated to take longer than 10 minutes.
    #[arg(long)]
    pub yes: bool,
    /// Run nothing: write a Slurm script (OUT with .slurm.sh) for N array tasks, task K running
    /// --shard K/N, plus a merge job; `bash SCRIPT` submits both. Also writes OUT with
    /// .base.ron (the base parameters the tasks start from).
    #[arg(long, value_name = "N", value_parser = parse_tasks, conflicts_with = "shard")]
    pub emit_slurm: Option<usize>,
    /// With --emit-slurm: CPUs of each array task (sbatch --cpus-per-task), also its
    /// RAYON_NUM_THREADS.
    #[arg(long, value_name = "C", default_value_t = 4, value_parser = parse_cpus, requires = "emit_slurm")]
    pub cpus_per_task: usize,
    /// With --emit-slurm: time limit of each job (sbatch --time): M, M:S, H:M:S, D-H, D-H:M,
    /// D-H:M:S or UNLIMITED; without it the partition's default applies.
    #[arg(long, value_name = "TIME", value_parser = parse_slurm_time, requires = "emit_slurm")]
    pub slurm_time: Option<crate::sweep::slurm::SlurmTime>,
    /// With --emit-slurm: where the script goes [default: OUT with .slurm.sh].
    #[arg(long, value_name = "FILE.sh", requires = "emit_slurm")]
    pub script: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: ParamOverrides,
}

fn parse_tasks(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("N must be at least 1 (the number of array tasks)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a whole number of array tasks")),
    }
}

fn parse_cpus(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("C must be at least 1 (CPUs of each array task)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a whole number of CPUs")),
    }
}

fn parse_slurm_time(s: &str) -> Result<crate::sweep::slurm::SlurmTime, String> {
    crate::sweep::slurm::SlurmTime::parse(s).map_err(|e| match e {
        crate::sweep::slurm::SlurmError::Time { problem, .. } => problem.to_owned(),
        e => e.to_string(),
    })
}

/// The problem alone: clap already names the flag and the value.
fn problem(e: crate::sweep::SweepError) -> String {
    match e {
        crate::sweep::SweepError::Axis { problem, .. }
        | crate::sweep::SweepError::Shard { problem, .. } => problem,
        e => e.to_string(),
    }
}

fn parse_axis_arg(s: &str) -> Result<crate::sweep::Axis, String> {
    crate::sweep::Axis::parse(s).map_err(problem)
}

fn parse_shard_arg(s: &str) -> Result<crate::sweep::Shard, String> {
    crate::sweep::Shard::parse(s).map_err(problem)
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The merged CSV (written atomically, only if every check passes).
    #[arg(value_name = "OUT.csv")]
    pub out: PathBuf,
    /// The shards' CSVs, in any order.
    #[arg(required = true, value_name = "SHARD.csv")]
    pub shards: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PresetCommand {
    /// Check preset files: exit 0 if every one parses and can run, 2 otherwise (with the error).
    Validate {
        /// Preset files (RON).
        #[arg(required = true, value_name = "FILE.ron")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct FigureArgs {
    /// The preset to run: a file (RON) or a built-in name; its family gives the curves, its
    /// display settings the axes.
    #[arg(long, value_name = "FILE.ron|NAME", required_unless_present_any = ["map", "sweep"], help = preset_help("The preset to run; its family gives the curves, its display settings the axes."))]
    pub preset: Option<PathBuf>,
    /// Draw the regime map of the paper's Fig. 1 (omega/h by sigma/sqrt(h), at --alpha) or
    /// Fig. 3 left (alpha by h/omega, at --sigma) instead of running a preset; --sigma,
    /// --omega and --alpha mark the current point, --t-max places the frozen region.
    #[arg(long, value_enum, conflicts_with = "preset")]
    pub map: Option<MapArg>,
    /// Draw the computed phase map of a sweep CSV (`spinboson sweep --out`): a cell per point in
    /// its fitted verdict's color. An omega by sigma sweep gets the regime model's boundaries
    /// (at the sweep's alpha and t_max, read from the sidecar SWEEP.json; without one from
    /// the defaults and --alpha, --t-max, --h, --nt, --realizations, --traj); other axes are
    /// drawn on plain axes.
    #[arg(long, value_name = "SWEEP.csv", conflicts_with_all = ["preset", "map", "csv", "axis"])]
    pub sweep: Option<PathBuf>,
    /// The figure: `.svg` or `.png`, written atomically.
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    pub out: PathBuf,
    /// Also write the curves as a tidy CSV (and a JSON sidecar beside it).
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// Axis mode, overriding the preset's.
    #[arg(long, value_enum)]
    pub axis: Option<AxisArg>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Start even when the runs are estimated to take longer than 10 minutes.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub overrides: ParamOverrides,
}

/// Help of a `--preset` flag: what it does, then the built-in names.
fn preset_help(what: &str) -> String {
    format!(
        "{what} A file (RON) or a built-in preset: {}",
        crate::io::BUILTIN_NAMES
    )
}

/// Help text with the default value of a parameter.
fn with_default(what: &str, default: impl std::fmt::Display) -> String {
    format!("{what} [default: {default}]")
}

fn defaults() -> Params {
    Params::default()
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MapArg {
    Fig1,
    Fig3,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AxisArg {
    Linear,
    LogX,
    LogLog,
    LogY,
}

impl From<AxisArg> for crate::io::AxisMode {
    fn from(a: AxisArg) -> Self {
        match a {
            AxisArg::Linear => Self::Linear,
            AxisArg::LogX => Self::LogX,
            AxisArg::LogLog => Self::LogLog,
            AxisArg::LogY => Self::LogY,
        }
    }
}

#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct RunArgs {
    /// Start from this preset (a file or a built-in name); flags override its fields.
    #[arg(long, value_name = "FILE.ron|NAME", help = preset_help("Start from this preset; flags override its fields."))]
    pub preset: Option<PathBuf>,
    /// Write the CSV here (atomically) and a JSON sidecar beside it; without it the CSV goes to stdout.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Start even when the run is estimated to take longer than 10 minutes.
    #[arg(long)]
    pub yes: bool,
    /// Fit sx(t) to logarithmic, algebraic and exponential laws (jackknife errors, AIC verdict):
    /// a `fit` object in the JSON sidecar and a table on stdout (stderr without --out).
    #[arg(long)]
    pub fit: bool,
    /// The fit window (implies --fit); default: from t_h to where sx drops into the noise or,
    /// with fast photons, the lower bound of t_omega.
    #[arg(long, value_name = "T0:T1", allow_hyphen_values = true, value_parser = super::fit::parse_fit_window)]
    pub fit_window: Option<super::fit::FitWindowArg>,
    #[command(flatten)]
    pub overrides: ParamOverrides,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GridArg {
    Log,
    Linear,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ModelArg {
    SpinBoson,
    Adiabatic,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum IntegratorArg {
    Strang,
    Yoshida4,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PrecisionArg {
    /// Everything in double precision.
    F64,
    /// The coupling products (GEMMs) in single precision, the state and sums in double.
    Mixed,
}

fn parse_displacement(s: &str) -> Result<Displacement, String> {
    match s {
        "none" => Ok(Displacement::None),
        "paper" => Ok(Displacement::Paper),
        v => v
            .parse::<f64>()
            .map(Displacement::Value)
            .map_err(|_| format!("expected none, paper or a number, got {v:?}")),
    }
}

/// `--dt auto` or `--dt VALUE`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DtArg(pub Option<f64>);

fn parse_dt(s: &str) -> Result<DtArg, String> {
    match s {
        "auto" => Ok(DtArg(None)),
        v => v
            .parse::<f64>()
            .map(|dt| DtArg(Some(dt)))
            .map_err(|_| format!("expected auto or a number, got {v:?}")),
    }
}

/// Every parameter as an optional flag; a given flag replaces the preset's (or default) value.
#[derive(Clone, Debug, Default, Args)]
pub struct ParamOverrides {
    /// Total particles Nt = Ns + Nb.
    #[arg(long, help = with_default("Total particles Nt = Ns + Nb.", defaults().nt))]
    pub nt: Option<usize>,
    /// Frustration alpha = Nb / Ns.
    #[arg(long, help = with_default("Frustration alpha = Nb / Ns.", defaults().alpha))]
    pub alpha: Option<f64>,
    /// Disorder strength sigma (the paper's sigma/sqrt(h) when h = 1).
    #[arg(long, help = with_default("Disorder strength sigma (the paper's sigma/sqrt(h) when h = 1).", defaults().sigma))]
    pub sigma: Option<f64>,
    /// Photon frequency omega.
    #[arg(long, help = with_default("Photon frequency omega (the paper's omega/h when h = 1).", defaults().omega))]
    pub omega: Option<f64>,
    /// Transverse field h.
    #[arg(long, help = with_default("Transverse field h.", defaults().h))]
    pub h: Option<f64>,
    /// Final time.
    #[arg(long, help = with_default("Final time (units of 1/h when h = 1).", defaults().t_max))]
    pub t_max: Option<f64>,
    /// Time step, or `auto` (0.1 / w_max for Strang; see the README).
    #[arg(long, value_parser = parse_dt, value_name = "DT|auto", help = with_default("Time step, or auto (0.1 / w_max for Strang, 0.25 / w_max for Yoshida4; see the README).", "auto"))]
    pub dt: Option<DtArg>,
    /// Output grid spacing.
    #[arg(long, value_enum, help = with_default("Output grid spacing.", "log"))]
    pub grid: Option<GridArg>,
    /// Number of output times (including t = 0).
    #[arg(long, help = with_default("Number of output times (including t = 0).", defaults().points))]
    pub points: Option<usize>,
    /// First nonzero time of a log grid.
    #[arg(long, help = with_default("First nonzero time of a log grid.", defaults().t_min))]
    pub t_min: Option<f64>,
    /// Disorder realizations.
    #[arg(long, help = with_default("Disorder realizations (independent coupling matrices).", defaults().realizations))]
    pub realizations: Option<usize>,
    /// Trajectories per realization.
    #[arg(long, help = with_default("Trajectories per realization.", defaults().trajectories_per_realization))]
    pub traj: Option<usize>,
    /// Random seed.
    #[arg(long, help = with_default("Random seed (fixes every random number).", defaults().seed))]
    pub seed: Option<u64>,
    /// Model.
    #[arg(long, value_enum, help = with_default("Model: the full Eq. 1, or the adiabatic Eq. 3.", "spin-boson"))]
    pub model: Option<ModelArg>,
    /// Adiabatic model: keep the classical self-interaction (j = k) term.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL", help = with_default("Adiabatic model: keep the classical self-interaction (j = k) term.", defaults().self_interaction))]
    pub self_interaction: Option<bool>,
    /// Photon loss rate kappa.
    #[arg(long, help = with_default("Photon loss rate kappa.", defaults().kappa))]
    pub kappa: Option<f64>,
    /// Initial photon displacement: none, paper (2 Ns / sqrt(Nt omega / h)) or a number.
    #[arg(long, value_parser = parse_displacement, value_name = "none|paper|VALUE", help = with_default("Initial photon displacement: none, paper (2 Ns / sqrt(Nt omega / h)) or a number.", "none"))]
    pub displace: Option<Displacement>,
    /// Time integrator.
    #[arg(long, value_enum, help = with_default("Time integrator.", "strang"))]
    pub integrator: Option<IntegratorArg>,
    /// Arithmetic of the coupling products.
    #[arg(long, value_enum, help = with_default("Arithmetic of the coupling products: f64, or mixed (f32 GEMMs, state and sums in f64; about 1.7x faster at Nt = 1000, statistically equal).", "f64"))]
    pub precision: Option<PrecisionArg>,
}

impl ParamOverrides {
    /// `base` with every given flag applied.
    pub fn apply(&self, base: &Params) -> Params {
        let mut p = base.clone();
        macro_rules! set {
            ($($flag:ident => $field:ident),*) => { $(if let Some(v) = self.$flag { p.$field = v; })* };
        }
        set!(nt => nt, alpha => alpha, sigma => sigma, omega => omega, h => h, t_max => t_max,
             points => points, t_min => t_min, realizations => realizations,
             traj => trajectories_per_realization, seed => seed, self_interaction => self_interaction,
             kappa => kappa, displace => displacement);
        if let Some(DtArg(dt)) = self.dt {
            p.dt = dt;
        }
        if let Some(g) = self.grid {
            p.grid = match g {
                GridArg::Log => GridSpacing::Log,
                GridArg::Linear => GridSpacing::Linear,
            };
        }
        if let Some(m) = self.model {
            p.model = match m {
                ModelArg::SpinBoson => Model::SpinBoson,
                ModelArg::Adiabatic => Model::Adiabatic,
            };
        }
        if let Some(i) = self.integrator {
            p.integrator = match i {
                IntegratorArg::Strang => Integrator::Strang,
                IntegratorArg::Yoshida4 => Integrator::Yoshida4,
            };
        }
        if let Some(q) = self.precision {
            p.precision = match q {
                PrecisionArg::F64 => Precision::F64,
                PrecisionArg::Mixed => Precision::Mixed,
            };
        }
        p
    }
}
