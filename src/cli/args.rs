//! Command-line arguments.

use crate::physics::{Displacement, GridSpacing, Integrator, Model, Params};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Far-from-equilibrium dynamics of disordered spin-boson systems (DTWA + TWA).
///
/// With no subcommand, opens the desktop explorer (when built with the `gui` feature).
#[derive(Debug, Parser)]
#[command(name = "spinboson", version, about, long_about = None)]
pub struct Cli {
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
    /// The preset to run (RON); its family gives the curves, its display settings the axes.
    #[arg(long, value_name = "FILE.ron", required_unless_present = "map")]
    pub preset: Option<PathBuf>,
    /// Draw the regime map of the paper's Fig. 1 (omega/h by sigma/sqrt(h), at --alpha) or
    /// Fig. 3 left (alpha by h/omega, at --sigma) instead of running a preset; --sigma,
    /// --omega and --alpha mark the current point, --t-max places the frozen region.
    #[arg(long, value_enum, conflicts_with = "preset")]
    pub map: Option<MapArg>,
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
    #[command(flatten)]
    pub overrides: ParamOverrides,
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
    /// Start from this preset (RON); flags override its fields.
    #[arg(long, value_name = "FILE.ron")]
    pub preset: Option<PathBuf>,
    /// Write the CSV here (atomically) and a JSON sidecar beside it; without it the CSV goes to stdout.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
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
    #[arg(long)]
    pub nt: Option<usize>,
    /// Frustration alpha = Nb / Ns.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Disorder strength sigma (the paper's sigma/sqrt(h) when h = 1).
    #[arg(long)]
    pub sigma: Option<f64>,
    /// Photon frequency omega.
    #[arg(long)]
    pub omega: Option<f64>,
    /// Transverse field h.
    #[arg(long)]
    pub h: Option<f64>,
    /// Final time.
    #[arg(long)]
    pub t_max: Option<f64>,
    /// Time step, or `auto` (0.1 / w_max for Strang; see the README).
    #[arg(long, value_parser = parse_dt, value_name = "DT|auto")]
    pub dt: Option<DtArg>,
    /// Output grid spacing.
    #[arg(long, value_enum)]
    pub grid: Option<GridArg>,
    /// Number of output times (including t = 0).
    #[arg(long)]
    pub points: Option<usize>,
    /// First nonzero time of a log grid.
    #[arg(long)]
    pub t_min: Option<f64>,
    /// Disorder realizations.
    #[arg(long)]
    pub realizations: Option<usize>,
    /// Trajectories per realization.
    #[arg(long)]
    pub traj: Option<usize>,
    /// Random seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Model.
    #[arg(long, value_enum)]
    pub model: Option<ModelArg>,
    /// Adiabatic model: keep the classical self-interaction (j = k) term.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub self_interaction: Option<bool>,
    /// Photon loss rate kappa.
    #[arg(long)]
    pub kappa: Option<f64>,
    /// Initial photon displacement: none, paper (2 Ns / sqrt(Nt omega / h)) or a number.
    #[arg(long, value_parser = parse_displacement, value_name = "none|paper|VALUE")]
    pub displace: Option<Displacement>,
    /// Time integrator.
    #[arg(long, value_enum)]
    pub integrator: Option<IntegratorArg>,
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
        p
    }
}
