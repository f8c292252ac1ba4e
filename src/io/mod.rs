//! Files: presets (RON), CSV/JSON export, and the safe write every output goes through.

mod atomic;
mod export;
mod preset;

pub use atomic::{WriteError, write_atomic};
pub use export::{RUN_CSV_HEADER, RunMetadata, run_csv};
pub use preset::{PRESET_VERSION, Preset, PresetError};
