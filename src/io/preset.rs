//! Presets: a named, described parameter set in RON.
//!
//! ```ron
//! (
//!     version: 1,
//!     name: "default",
//!     description: "What it shows",
//!     params: (nt: 400, alpha: 10.0, sigma: 3.0, omega: 1.0),
//! )
//! ```
//! Every field is optional (`#[serde(default)]`), so older files keep loading.

use crate::physics::Params;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The current preset format version.
pub const PRESET_VERSION: u32 = 1;

/// A saved parameter set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preset {
    pub version: u32,
    pub name: String,
    pub description: String,
    pub params: Params,
}

impl Default for Preset {
    fn default() -> Self {
        Self {
            version: PRESET_VERSION,
            name: "default".to_owned(),
            description: String::new(),
            params: Params::default(),
        }
    }
}

/// A preset could not be read.
#[derive(Debug, Error)]
pub enum PresetError {
    #[error("cannot read preset {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("malformed preset {path} at line {line}, column {column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl Preset {
    /// Parse a preset from RON text; `path` only labels errors.
    pub fn from_ron(text: &str, path: &Path) -> Result<Self, PresetError> {
        ron::from_str(text).map_err(|e| PresetError::Parse {
            path: path.to_path_buf(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })
    }

    /// Read and parse a preset file. Parameter ranges are checked later, by `Params::validate`.
    pub fn load(path: &Path) -> Result<Self, PresetError> {
        let text = std::fs::read_to_string(path).map_err(|source| PresetError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_ron(&text, path)
    }

    /// Pretty RON text of this preset.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::Displacement;

    #[test]
    fn round_trip_and_missing_fields() {
        let p = Preset {
            params: Params {
                displacement: Displacement::Value(1.5),
                ..Params::default()
            },
            ..Preset::default()
        };
        let text = p.to_ron().expect("serialize");
        assert_eq!(Preset::from_ron(&text, Path::new("x")).expect("parse"), p);
        let old = Preset::from_ron("(params: (nt: 100))", Path::new("x")).expect("old file");
        assert_eq!(old.params.nt, 100);
        assert_eq!(old.params.alpha, Params::default().alpha);
    }

    #[test]
    fn malformed_reports_position() {
        let e = Preset::from_ron("(params: (nt: 100,\n alpha: \"x\"))", Path::new("bad.ron"))
            .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 2"), "{msg}");
    }
}
