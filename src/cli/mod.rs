//! The headless commands. `main` parses the command line into [`Cli`] and calls [`execute`].

mod args;
mod figure;
mod fit;
mod map;
mod run;

pub use args::{AxisArg, Cli, Command, FigureArgs, MapArg, ParamOverrides, PresetCommand, RunArgs};
pub use figure::{figure_command, validate_presets};
pub use fit::{FitWindowArg, fit_json, fit_table, parse_fit_window};
pub use run::run_command;

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
    #[error("{0}")]
    Usage(&'static str),
    #[error("{count} of {total} preset files are invalid")]
    InvalidPresets { count: usize, total: usize },
}

impl From<crate::sim::SimError> for CliError {
    fn from(e: crate::sim::SimError) -> Self {
        match e {
            crate::sim::SimError::Invalid(p) => CliError::Params(p),
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
            | CliError::Usage(_)
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
    }
}
