use clap::Parser;
use spinboson::cli::{Cli, execute};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        return explorer();
    };
    match execute(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(feature = "gui")]
fn explorer() -> ExitCode {
    match spinboson::app::run_native() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the explorer window: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn explorer() -> ExitCode {
    // Built without the `gui` feature: show what the program can do instead.
    <Cli as clap::CommandFactory>::command().print_help().ok();
    ExitCode::SUCCESS
}
