//! Presets: a named, described parameter set in RON, with an optional family and the display
//! settings a figure is shown with.
//!
//! ```ron
//! (
//!     version: 1,
//!     name: "fig2_center",
//!     description: "What it shows, which paper figure it follows, how long it takes",
//!     params: (nt: 1000, alpha: 10.0, sigma: 3.0, omega: 1.0),
//!     family: Some((parameter: SigmaOverSqrtH, values: [2.1, 3.0, 4.0, 5.0])),
//!     display: (axis: LogLog, show_sx: true, show_sz: false),
//! )
//! ```
//! Every field is optional (`#[serde(default)]`), so older files keep loading; fields this version
//! does not know are reported as warnings by [`Preset::parse`].

use super::display::DisplaySettings;
use crate::physics::{ParamError, Params};
use crate::sim::{Family, FamilyError};
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
    /// One parameter stepped through values; each value is a run (a curve of the figure).
    pub family: Option<Family>,
    pub display: DisplaySettings,
}

impl Default for Preset {
    fn default() -> Self {
        Self {
            version: PRESET_VERSION,
            name: "default".to_owned(),
            description: String::new(),
            params: Params::default(),
            family: None,
            display: DisplaySettings::default(),
        }
    }
}

/// A preset could not be read or describes a run that cannot start.
#[derive(Debug, Error)]
pub enum PresetError {
    #[error(
        "no preset file {name} and no built-in preset of that name (built-in: {builtin})",
        builtin = BUILTIN_NAMES
    )]
    NotFound { name: String },
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
    #[error("preset {path}: version {version} is newer than this program's {PRESET_VERSION}")]
    Version { path: PathBuf, version: u32 },
    #[error("preset {path}: params.{source}")]
    Params {
        path: PathBuf,
        #[source]
        source: ParamError,
    },
    #[error("preset {path}: {source}")]
    Family {
        path: PathBuf,
        #[source]
        source: FamilyError,
    },
}

/// A parsed preset and the fields it contained that this version ignores.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub preset: Preset,
    /// Paths of unknown fields, e.g. `params.sigmaa`.
    pub unknown_fields: Vec<String>,
}

impl Loaded {
    /// One line naming the unknown fields, if there were any.
    pub fn warning(&self) -> Option<String> {
        (!self.unknown_fields.is_empty()).then(|| {
            format!(
                "ignored unknown field{} {}",
                if self.unknown_fields.len() == 1 {
                    ""
                } else {
                    "s"
                },
                self.unknown_fields.join(", ")
            )
        })
    }
}

impl Preset {
    /// Parse RON text; `path` only labels errors. Unknown fields are collected, not fatal.
    /// Ranges are not checked here: see [`Preset::validate`].
    pub fn parse(text: &str, path: &Path) -> Result<Loaded, PresetError> {
        let parse_error = |e: ron::error::SpannedError| PresetError::Parse {
            path: path.to_path_buf(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        };
        let mut deserializer = ron::Deserializer::from_str(text).map_err(parse_error)?;
        let mut unknown_fields = Vec::new();
        let preset: Preset = serde_ignored::deserialize(&mut deserializer, |field| {
            unknown_fields.push(field.to_string());
        })
        .map_err(|e| parse_error(deserializer.span_error(e)))?;
        deserializer
            .end()
            .map_err(|e| parse_error(deserializer.span_error(e)))?;
        Ok(Loaded {
            preset,
            unknown_fields,
        })
    }

    /// Parse, dropping the unknown-field warnings.
    pub fn from_ron(text: &str, path: &Path) -> Result<Self, PresetError> {
        Self::parse(text, path).map(|loaded| loaded.preset)
    }

    /// Read and parse a preset file.
    pub fn load(path: &Path) -> Result<Loaded, PresetError> {
        let text = std::fs::read_to_string(path).map_err(|source| PresetError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// A preset file, or, where no file of that name exists, a built-in preset by name
    /// (`fig2_center`, with or without `.ron`). Every command that takes a preset takes both.
    pub fn load_named(name_or_path: &Path) -> Result<Loaded, PresetError> {
        if name_or_path.is_file() {
            return Self::load(name_or_path);
        }
        let text = name_or_path.to_string_lossy();
        let stem = text.strip_suffix(".ron").unwrap_or(&text);
        let builtin = BUILTIN_PRESETS.iter().find(|(name, _)| *name == stem);
        match builtin {
            Some((name, ron)) => Self::parse(ron, Path::new(&format!("presets/{name}.ron"))),
            None if name_or_path.exists() => Self::load(name_or_path),
            None => Err(PresetError::NotFound {
                name: text.into_owned(),
            }),
        }
    }

    /// Check that the preset can run: a known version, valid parameters, a valid family.
    pub fn validate(&self, path: &Path) -> Result<(), PresetError> {
        if self.version > PRESET_VERSION {
            return Err(PresetError::Version {
                path: path.to_path_buf(),
                version: self.version,
            });
        }
        self.params
            .validate()
            .map_err(|source| PresetError::Params {
                path: path.to_path_buf(),
                source,
            })?;
        if let Some(family) = &self.family {
            family
                .members(&self.params)
                .map_err(|source| PresetError::Family {
                    path: path.to_path_buf(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Pretty RON text of this preset. ron writes the enum variant `Displacement::None` as the
    /// raw identifier `r#None` (so it cannot be mistaken for `Option::None`); presets document
    /// and read the plain `None`, which parses to the same value, so that is what is written.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        let config = ron::ser::PrettyConfig::default().struct_names(false);
        let text = ron::ser::to_string_pretty(self, config)?;
        Ok(text.replace("displacement: r#None", "displacement: None"))
    }

    /// The parameters of every run: one per family value, or just `params`.
    pub fn runs(&self) -> Result<Vec<(String, Params)>, FamilyError> {
        match &self.family {
            None => Ok(vec![(
                crate::sim::params_label(&self.params),
                self.params.clone(),
            )]),
            Some(family) => Ok(family
                .values
                .iter()
                .map(|&v| family.parameter.member_label(v))
                .zip(family.members(&self.params)?)
                .collect()),
        }
    }
}

/// The built-in presets' names, for help texts and messages.
pub const BUILTIN_NAMES: &str = "default, fig2_left, fig2_center, fig2_right, fig3_center, fig3_right, photon_loss, composite_quench, adiabatic_vs_full";

/// The presets in `presets/`, compiled in: `(file stem, RON text)`.
pub const BUILTIN_PRESETS: [(&str, &str); 9] = [
    ("default", include_str!("../../presets/default.ron")),
    ("fig2_left", include_str!("../../presets/fig2_left.ron")),
    ("fig2_center", include_str!("../../presets/fig2_center.ron")),
    ("fig2_right", include_str!("../../presets/fig2_right.ron")),
    ("fig3_center", include_str!("../../presets/fig3_center.ron")),
    ("fig3_right", include_str!("../../presets/fig3_right.ron")),
    ("photon_loss", include_str!("../../presets/photon_loss.ron")),
    (
        "composite_quench",
        include_str!("../../presets/composite_quench.ron"),
    ),
    (
        "adiabatic_vs_full",
        include_str!("../../presets/adiabatic_vs_full.ron"),
    ),
];

/// A built-in preset by file stem.
pub fn builtin_preset(stem: &str) -> Option<Result<Preset, PresetError>> {
    BUILTIN_PRESETS
        .iter()
        .find(|(name, _)| *name == stem)
        .map(|(name, text)| Preset::from_ron(text, Path::new(&format!("presets/{name}.ron"))))
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
                dt: Some(0.005),
                ..Params::default()
            },
            family: Some(Family {
                parameter: crate::sim::FamilyParameter::Alpha,
                values: vec![0.5, 1.0],
            }),
            ..Preset::default()
        };
        let text = p.to_ron().expect("serialize");
        let loaded = Preset::parse(&text, Path::new("x")).expect("parse");
        assert_eq!(loaded.preset, p);
        assert!(loaded.unknown_fields.is_empty());
        let old = Preset::from_ron("(params: (nt: 100))", Path::new("x")).expect("old file");
        assert_eq!(old.params.nt, 100);
        assert_eq!(old.params.alpha, Params::default().alpha);
        assert_eq!(old.family, None);
    }

    #[test]
    fn builtin_names_are_listed_and_load_by_name() {
        let names: Vec<&str> = BUILTIN_NAMES.split(", ").collect();
        let stems: Vec<&str> = BUILTIN_PRESETS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, stems);
        for name in names {
            let loaded = Preset::load_named(Path::new(name)).expect(name);
            assert_eq!(loaded.preset.name, name);
        }
        assert!(Preset::load_named(Path::new("fig2_center.ron")).is_ok());
        let e = Preset::load_named(Path::new("fig9")).unwrap_err();
        assert!(
            e.to_string().contains("built-in: default, fig2_left"),
            "{e}"
        );
    }

    #[test]
    fn no_displacement_is_written_as_documented() {
        let p = Preset::default();
        assert_eq!(p.params.displacement, Displacement::None);
        let text = p.to_ron().expect("serialize");
        assert!(text.contains("displacement: None,"), "{text}");
        assert!(!text.contains("r#"), "{text}");
        let loaded = Preset::parse(&text, Path::new("x")).expect("parse");
        assert_eq!(loaded.preset, p);
    }

    #[test]
    fn unknown_fields_are_named() {
        let loaded = Preset::parse(
            "(name: \"x\", colour: 3, params: (sigmaa: 2.0, nt: 50))",
            Path::new("x"),
        )
        .expect("parses");
        assert_eq!(loaded.unknown_fields, vec!["colour", "params.sigmaa"]);
        assert_eq!(loaded.preset.params.nt, 50);
        assert!(
            loaded
                .warning()
                .is_some_and(|w| w.contains("params.sigmaa"))
        );
    }

    #[test]
    fn malformed_reports_position() {
        let e = Preset::from_ron("(params: (nt: 100,\n alpha: \"x\"))", Path::new("bad.ron"))
            .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 2"), "{msg}");
        let e = Preset::from_ron("(params: (model: Quantum))", Path::new("bad.ron")).unwrap_err();
        assert!(matches!(e, PresetError::Parse { line: 1, .. }), "{e}");
        let e = Preset::from_ron("(name: \"x\") trailing", Path::new("bad.ron")).unwrap_err();
        assert!(matches!(e, PresetError::Parse { .. }), "{e}");
    }

    #[test]
    fn nan_is_a_field_error() {
        let p = Preset::from_ron("(params: (sigma: NaN))", Path::new("nan.ron")).expect("parses");
        let e = p.validate(Path::new("nan.ron")).unwrap_err();
        assert!(e.to_string().contains("sigma = NaN"), "{e}");
    }

    #[test]
    fn every_builtin_parses_without_unknown_fields() {
        for (name, text) in BUILTIN_PRESETS {
            let path = PathBuf::from(format!("presets/{name}.ron"));
            let loaded = Preset::parse(text, &path).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                loaded.unknown_fields.is_empty(),
                "{name}: {:?}",
                loaded.unknown_fields
            );
            assert_eq!(loaded.preset.name, name);
            assert!(!loaded.preset.description.is_empty(), "{name}");
        }
    }
}
