//! What the explorer remembers between launches, and display settings that never restart a run.

use crate::physics::Params;
use serde::{Deserialize, Serialize};

/// Key of the explorer's state in eframe's storage.
pub const STORAGE_KEY: &str = "spinboson-explorer";

/// How the time axis and the value axis are scaled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AxisMode {
    Linear,
    /// log10 t against the value: the paper's Fig. 2.
    #[default]
    LogX,
    /// log10 t against log10 |value|, non-positive points dropped.
    LogLog,
    /// t against log10 |value|, non-positive points dropped.
    LogY,
}

impl AxisMode {
    pub const ALL: [AxisMode; 4] = [
        AxisMode::Linear,
        AxisMode::LogX,
        AxisMode::LogLog,
        AxisMode::LogY,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AxisMode::Linear => "linear",
            AxisMode::LogX => "log-x",
            AxisMode::LogLog => "log-log",
            AxisMode::LogY => "log-y",
        }
    }

    pub fn log_x(self) -> bool {
        matches!(self, AxisMode::LogX | AxisMode::LogLog)
    }

    pub fn log_y(self) -> bool {
        matches!(self, AxisMode::LogY | AxisMode::LogLog)
    }
}

/// Display settings: changing them never restarts a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Display {
    pub axis: AxisMode,
    pub show_sx: bool,
    pub show_sz: bool,
    /// Photon number and energy drift panel.
    pub show_extra: bool,
    pub show_error_bands: bool,
    /// t_h line and t_omega band.
    pub show_timescales: bool,
}

impl Default for Display {
    fn default() -> Self {
        Self {
            axis: AxisMode::LogX,
            show_sx: true,
            show_sz: true,
            show_extra: false,
            show_error_bands: true,
            show_timescales: true,
        }
    }
}

/// Everything saved between launches.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedState {
    pub params: Params,
    pub display: Display,
}

impl SavedState {
    /// Parse a saved state. A state that does not parse, or whose parameters are no longer valid,
    /// is reported so the app can fall back to the defaults with a notice.
    pub fn from_ron(text: &str) -> Result<Self, String> {
        let state: SavedState = ron::from_str(text).map_err(|e| e.to_string())?;
        state
            .params
            .validate()
            .map_err(|e| format!("saved parameters are invalid: {e}"))?;
        Ok(state)
    }

    pub fn to_ron(&self) -> Result<String, ron::Error> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_state_round_trips() {
        let mut state = SavedState::default();
        state.params.sigma = 2.5;
        state.display.axis = AxisMode::LogLog;
        let text = state.to_ron().expect("serializes");
        assert_eq!(SavedState::from_ron(&text), Ok(state));
    }

    #[test]
    fn corrupt_or_invalid_state_is_an_error() {
        assert!(SavedState::from_ron("(params: (nt: \"many\"))").is_err());
        assert!(SavedState::from_ron("(params: (alpha: -1.0))").is_err());
        assert!(SavedState::from_ron("garbage{").is_err());
        assert_eq!(SavedState::from_ron("()"), Ok(SavedState::default()));
    }
}
