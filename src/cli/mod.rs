//! The headless commands. `main` parses the command line into [`Cli`] and calls [`execute`].

mod args;
mod figure;
mod fit;
mod map;
mod run;
mod slurm;
mod sweep;

pub use args::{
    AxisArg, Cli, Command, FigureArgs, MapArg, MergeArgs, ParamOverrides, PresetCommand, RunArgs,
    SweepArgs,
};
pub use figure::{figure_command, validate_presets};
pub use fit::{FitWindowArg, fit_json, fit_table, parse_fit_window};
pub use run::{CONFIRM_SECONDS, human_seconds, run_command};
pub use sweep::{merge_command, sweep_command};

use crate::io::{PresetError, WriteError};
use crate::physics::ParamError;
use thiserror::Error;

/// Why a command failed. Bad input exits with status 2, everything else with 1.
#[derive(Debug, Error)]
pub enum CliError {
    #[error("invalid parameter: {0}")]
    Params(#[from] ParamError),
    #[error(transparent)]
    Preset(#[from] PresetError),
    #[error(transparent)]
    Write(#[from] WriteError),
    /// An output that cannot be written, found before the run.
    #[error("{0} (checked before the run; nothing was run)")]
    Output(WriteError),
    #[error(
        "the run is estimated to take {} on {threads} threads (above 10 min): pass --yes to start it anyway, or lower t_max, nt or the trajectories",
        run::human_seconds(*seconds)
    )]
    TooLong { seconds: f64, threads: usize },
    #[error("cannot encode the run metadata: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot install the Ctrl-C handler: {0}")]
    Signal(#[from] ctrlc::Error),
    #[error("the run stopped early: {0}")]
    Stopped(crate::sim::StopReason),
    #[error(transparent)]
    Figure(#[from] crate::io::FigureError),
    #[error(transparent)]
    Export(#[from] crate::io::ExportError),
    #[error("{0}")]
    Family(#[from] crate::sim::FamilyError),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("{0}")]
    Usage(&'static str),
    #[error(transparent)]
    Sweep(#[from] crate::sweep::SweepError),
    /// An input file that cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An input file that is read but is not what the command takes.
    #[error("{path}: {problem}")]
    BadInput { path: String, problem: String },
    #[error("{count} of {total} preset files are invalid")]
    InvalidPresets { count: usize, total: usize },
    #[error(transparent)]
    Slurm(#[from] crate::sweep::slurm::SlurmError),
    /// The absolute path of a file, or of this program, cannot be found.
    #[error("cannot find the absolute path of {what}: {source}")]
    Locate {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<crate::sim::SimError> for CliError {
    fn from(e: crate::sim::SimError) -> Self {
        match e {
            crate::sim::SimError::Invalid(p) => CliError::Params(p),
            crate::sim::SimError::Panicked(m) => CliError::Internal(m),
        }
    }
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Params(_)
            | CliError::Preset(_)
            | CliError::Family(_)
            | CliError::InvalidPresets { .. }
            | CliError::Output(_)
            | CliError::TooLong { .. }
            | CliError::Usage(_)
            | CliError::Sweep(_)
            | CliError::Slurm(_)
            | CliError::Read { .. }
            | CliError::BadInput { .. }
            | CliError::Figure(crate::io::FigureError::Format(_)) => 2,
            _ => 1,
        }
    }
}

/// Run a subcommand.
pub fn execute(command: Command) -> Result<(), CliError> {
    match command {
        Command::Run(args) => run_command(&args),
        Command::Figure(args) => figure_command(&args),
        Command::Preset(PresetCommand::Validate { files }) => validate_presets(&files),
        Command::Sweep(args) => sweep_command(&args),
        Command::Merge(args) => merge_command(&args),
    }
}
