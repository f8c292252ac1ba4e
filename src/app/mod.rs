//! The desktop explorer (eframe, glow backend): sliders, a streaming background simulation and
//! live curves. Built only with the `gui` feature.

mod computed_map;
mod controls;
mod curves;
mod explorer;
mod files;
mod phase_map;
mod plots;
mod settings;

pub use computed_map::{ComputedMap, MAX_MAP_AXIS, MapCell, MapOverlay, MapSettings};
pub use controls::TypedError;
pub use curves::{PlotCache, Series, color32, series};
pub use explorer::{
    CONFIRM_SECONDS, DEBOUNCE_SECONDS, Explorer, ExplorerOptions, PendingStart, View, WORKER_NICE,
    verdict_summary,
};
pub use files::{FileAction, FileRequest, Files, MAX_RECENT};
pub use phase_map::{MapEdit, MapTextures, Marker, map_name, verdict_letter};
pub use plots::{Y_AXIS_WIDTH, decade_spacer, log_tick_label, power_of_ten};
pub use settings::{AxisMode, DisplaySettings, STORAGE_KEY, SavedState};
// The worker and the session are egui-free and live in `sim`; re-exported for the app's users.
pub use crate::sim::{
    DRIFT_WARNING, JobRecord, JobStatus, MAX_PINS, RESULT_CAPACITY, Waker, Worker, WorkerError,
    WorkerMsg,
};

/// The app icon (also in `assets/icon.png`).
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// Open the explorer window (on `preset`, or the last saved state) and run until it closes.
///
/// Two environment variables serve measurements (README, *Responsiveness*):
/// `SPINBOSON_WORKER_NICE` sets the simulation threads' priority (default 10) and
/// `SPINBOSON_FRAME_STATS=1` prints frame intervals during input and each run's rate on exit.
pub fn run_native(preset: Option<crate::io::Preset>) -> eframe::Result {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("spinboson explorer")
        .with_app_id("spinboson")
        .with_inner_size([1400.0, 900.0])
        .with_min_inner_size([800.0, 500.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport: viewport.with_drag_and_drop(true),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "spinboson",
        options,
        Box::new(|cc| {
            let saved = cc.storage.and_then(|s| s.get_string(STORAGE_KEY));
            let nice = std::env::var("SPINBOSON_WORKER_NICE")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(WORKER_NICE);
            Ok(Box::new(Explorer::new(ExplorerOptions {
                simulate: true,
                threads: 0,
                saved,
                params: None,
                file_dialogs: true,
                preset,
                nice,
                frame_stats: std::env::var_os("SPINBOSON_FRAME_STATS").is_some(),
            })))
        }),
    )
}
