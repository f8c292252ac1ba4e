//! Families of runs: one parameter stepped through a list of values (the paper's panels).

use crate::physics::{Model, ParamError, Params};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Most members a family may have (the explorer pins each finished member; it keeps 8 pins).
pub const MAX_FAMILY: usize = 8;

/// The parameter a family steps. The ratios keep `h` fixed, as the paper's figures do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FamilyParameter {
    /// `sigma / sqrt(h)`.
    SigmaOverSqrtH,
    /// `omega / h`.
    #[default]
    OmegaOverH,
    Alpha,
    Nt,
    H,
    Kappa,
    /// 0: the full spin-boson model, 1: the adiabatic model (Eq. 3).
    Model,
}

impl FamilyParameter {
    pub const ALL: [FamilyParameter; 7] = [
        FamilyParameter::OmegaOverH,
        FamilyParameter::SigmaOverSqrtH,
        FamilyParameter::Alpha,
        FamilyParameter::Nt,
        FamilyParameter::H,
        FamilyParameter::Kappa,
        FamilyParameter::Model,
    ];

    /// Short name used in legends and CSV columns.
    pub fn label(self) -> &'static str {
        match self {
            FamilyParameter::SigmaOverSqrtH => "sigma/sqrt(h)",
            FamilyParameter::OmegaOverH => "omega/h",
            FamilyParameter::Alpha => "alpha",
            FamilyParameter::Nt => "Nt",
            FamilyParameter::H => "h",
            FamilyParameter::Kappa => "kappa",
            FamilyParameter::Model => "model",
        }
    }

    /// The symbol in legends, as the paper writes it: `ω/h`, `σ/√h`, `α`, `κ`.
    pub fn symbol(self) -> &'static str {
        match self {
            FamilyParameter::SigmaOverSqrtH => "σ/√h",
            FamilyParameter::OmegaOverH => "ω/h",
            FamilyParameter::Alpha => "α",
            FamilyParameter::Nt => "Nt",
            FamilyParameter::H => "h",
            FamilyParameter::Kappa => "κ",
            FamilyParameter::Model => "model",
        }
    }

    /// A member's legend label: `ω/h = 3.6`, or the model's name.
    pub fn member_label(self, value: f64) -> String {
        match self {
            FamilyParameter::Model if value == 0.0 => "spin-boson".into(),
            FamilyParameter::Model => "adiabatic".into(),
            _ => format!("{} = {value}", self.symbol()),
        }
    }

    /// The parameter's value in `params`.
    pub fn get(self, params: &Params) -> f64 {
        match self {
            FamilyParameter::SigmaOverSqrtH => params.sigma / params.h.sqrt(),
            FamilyParameter::OmegaOverH => params.omega / params.h,
            FamilyParameter::Alpha => params.alpha,
            FamilyParameter::Nt => params.nt as f64,
            FamilyParameter::H => params.h,
            FamilyParameter::Kappa => params.kappa,
            FamilyParameter::Model => match params.model {
                Model::SpinBoson => 0.0,
                Model::Adiabatic => 1.0,
            },
        }
    }

    /// `params` with this parameter set to `value` (the ratios keep `h`; `h` keeps sigma and
    /// omega; for `Model`, 0 is spin-boson and anything else adiabatic).
    pub fn apply(self, params: &Params, value: f64) -> Params {
        let mut p = params.clone();
        match self {
            FamilyParameter::SigmaOverSqrtH => p.sigma = value * p.h.sqrt(),
            FamilyParameter::OmegaOverH => p.omega = value * p.h,
            FamilyParameter::Alpha => p.alpha = value,
            FamilyParameter::Nt => p.nt = value.round().max(0.0) as usize,
            FamilyParameter::H => p.h = value,
            FamilyParameter::Kappa => p.kappa = value,
            FamilyParameter::Model => {
                p.model = if value == 0.0 {
                    Model::SpinBoson
                } else {
                    Model::Adiabatic
                }
            }
        }
        p
    }
}

/// A parameter and the values it takes, in run order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Family {
    pub parameter: FamilyParameter,
    pub values: Vec<f64>,
}

/// A family that cannot run.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum FamilyError {
    #[error("family values: {0:?} is not a number")]
    NotANumber(String),
    #[error("family values: give between 1 and {MAX_FAMILY} values (got {0})")]
    Count(usize),
    #[error("family parameter model takes 0 (spin-boson) or 1 (adiabatic), not {0}")]
    Model(f64),
    #[error("family member {parameter} = {value}: {source}")]
    Member {
        parameter: &'static str,
        value: f64,
        source: ParamError,
    },
}

impl Family {
    /// Parse a list such as `"3.6, 5, 7.5, 10"` (commas or spaces).
    pub fn parse_values(text: &str) -> Result<Vec<f64>, FamilyError> {
        let values = text
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| FamilyError::NotANumber(s.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if values.is_empty() || values.len() > MAX_FAMILY {
            return Err(FamilyError::Count(values.len()));
        }
        Ok(values)
    }

    /// The parameters of every member, each validated.
    pub fn members(&self, base: &Params) -> Result<Vec<Params>, FamilyError> {
        if self.values.is_empty() || self.values.len() > MAX_FAMILY {
            return Err(FamilyError::Count(self.values.len()));
        }
        self.values
            .iter()
            .map(|&value| {
                if self.parameter == FamilyParameter::Model && value != 0.0 && value != 1.0 {
                    return Err(FamilyError::Model(value));
                }
                let p = self.parameter.apply(base, value);
                p.validate().map_err(|source| FamilyError::Member {
                    parameter: self.parameter.label(),
                    value,
                    source,
                })?;
                Ok(p)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_keep_h() {
        let base = Params {
            h: 4.0,
            ..Params::default()
        };
        let p = FamilyParameter::OmegaOverH.apply(&base, 2.5);
        assert_eq!((p.omega, p.h), (10.0, 4.0));
        let p = FamilyParameter::SigmaOverSqrtH.apply(&base, 3.0);
        assert_eq!(p.sigma, 6.0);
        for f in FamilyParameter::ALL {
            let v = if f == FamilyParameter::Model {
                1.0
            } else {
                f.get(&base) * 1.5 + 1.0
            };
            assert!((f.get(&f.apply(&base, v)) - v).abs() < 1e-12, "{f:?}");
        }
    }

    #[test]
    fn parses_lists_and_rejects_bad_ones() {
        assert_eq!(
            Family::parse_values("3.6, 5 7.5;10"),
            Ok(vec![3.6, 5.0, 7.5, 10.0])
        );
        assert_eq!(
            Family::parse_values("1, x"),
            Err(FamilyError::NotANumber("x".into()))
        );
        assert_eq!(Family::parse_values(" "), Err(FamilyError::Count(0)));
        assert_eq!(
            Family::parse_values("1 2 3 4 5 6 7 8 9"),
            Err(FamilyError::Count(9))
        );
        assert!(matches!(
            Family::parse_values("nan"),
            Err(FamilyError::NotANumber(_))
        ));
    }

    #[test]
    fn invalid_member_names_the_value() {
        let family = Family {
            parameter: FamilyParameter::Alpha,
            values: vec![1.0, -2.0],
        };
        let err = family.members(&Params::default()).unwrap_err();
        assert!(err.to_string().contains("alpha = -2"), "{err}");
    }
}
