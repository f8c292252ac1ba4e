//! What the explorer remembers between launches.

pub use crate::io::{AxisMode, DisplaySettings};
use crate::physics::Params;
use serde::{Deserialize, Serialize};

/// Key of the explorer's state in eframe's storage.
pub const STORAGE_KEY: &str = "spinboson-explorer";

/// Everything saved between launches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedState {
    pub params: Params,
    pub display: DisplaySettings,
    /// Preset files used lately, newest first.
    pub recent_presets: Vec<std::path::PathBuf>,
    /// The preset the parameters came from (`custom` once edited).
    pub preset_name: String,
}

impl Default for SavedState {
    fn default() -> Self {
        Self {
            params: Params::default(),
            display: DisplaySettings::default(),
            recent_presets: Vec::new(),
            preset_name: "default".into(),
        }
    }
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
