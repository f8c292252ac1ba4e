//! Files: presets (RON), CSV/JSON export, figures (SVG/PNG), and the safe write every output
//! goes through.

mod atomic;
mod display;
mod export;
mod figure;
mod palette;
mod phase_map;
mod preset;
mod sweep_map;

pub use atomic::{WriteError, check_writable, write_atomic};
pub use display::{AxisMode, AxisSeries, DisplaySettings, linear_tick_label};
pub use export::{
    CurveMetadata, ExportMetadata, RUN_CSV_HEADER, RunMetadata, TIDY_CSV_COLUMNS, run_csv, tidy_csv,
};
pub use export::{ExportError, write_tidy_export};
pub use figure::{FigureError, FigureFormat, figure_size, render_svg, write_figure};
pub use palette::{CURRENT_COLOR, CurveView, PALETTE, Rgb};
pub use phase_map::{
    LEGEND_VERDICTS, MAP_SIZE, MapKind, MapRaster, MapSpec, regime_color, render_map_svg,
    verdict_color, verdict_legend, verdict_opacity, write_map,
};
pub use preset::{
    BUILTIN_NAMES, BUILTIN_PRESETS, Loaded, PRESET_VERSION, Preset, PresetError, builtin_preset,
};
pub use sweep_map::{
    MISSING_HATCH_COLOR, MODEL_LINE_COLOR, PlotAxis, SWEEP_MAP_SIZE, SweepCell, SweepMap,
    cell_color, render_sweep_map_svg, write_sweep_map,
};
