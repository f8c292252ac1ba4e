use clap::Parser;
use spinboson::cli::{Cli, execute};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        return explorer(cli.preset.as_deref());
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
fn explorer(preset: Option<&std::path::Path>) -> ExitCode {
    let preset = match preset.map(spinboson::io::Preset::load_named) {
        None => None,
        Some(Ok(loaded)) => Some(loaded.preset),
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match spinboson::app::run_native(preset) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the explorer window: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn explorer(_preset: Option<&std::path::Path>) -> ExitCode {
    // Built without the `gui` feature: say so, and show what the program can do instead.
    eprintln!(
        "error: this binary was built without the explorer (cargo's --no-default-features); \
         `cargo build --release` builds it. The headless commands:\n"
    );
    <Cli as clap::CommandFactory>::command().print_help().ok();
    ExitCode::from(2)
}
