//! The fit as data: the JSON object of the run sidecar and of exported curves.

use super::{FitReport, Law, Verdict};
use crate::physics::{Params, regime};
use serde_json::{Value, json};

/// The regime the model of [`crate::physics::regime`] predicts for these parameters.
pub fn predicted_regime(p: &Params) -> &'static str {
    regime(p.omega / p.h, p.sigma / p.h.sqrt(), p.alpha, p.t_max * p.h).name()
}

/// The sidecar's `fit` object:
/// `{"best", "reason", "lowest_aic", "confidence", "aic_margin", "window": [t0, t1],
/// "window_end", "n_points", "error_method", "units", "laws": {...}, "regime"}`; NaN is `null`.
pub fn fit_json(report: &FitReport, params: &Params) -> Value {
    let law = |l: Law| -> Value {
        let Some(f) = report.law(l) else {
            return Value::Null;
        };
        let [p, q] = f.parameter_names();
        let mut o = serde_json::Map::new();
        o.insert(p.into(), json!(f.p));
        o.insert(format!("{p}_err"), json!(f.p_err));
        o.insert(q.into(), json!(f.q));
        o.insert(format!("{q}_err"), json!(f.q_err));
        o.insert("chi2".into(), json!(f.chi2));
        o.insert("aic".into(), json!(f.aic));
        Value::Object(o)
    };
    json!({
        "best": report.verdict.name(),
        "reason": match report.verdict {
            Verdict::Undetermined(r) => json!(r),
            Verdict::Law(_) => Value::Null,
        },
        "lowest_aic": report.best.map(Law::name),
        "confidence": report.confidence,
        "aic_margin": report.aic_margin,
        "window": [report.window.t_start, report.window.t_end],
        "window_end": report.window.end,
        "n_points": report.window.n_points,
        "error_method": report.error_method,
        "units": report.units,
        "laws": {
            "logarithmic": law(Law::Logarithmic),
            "algebraic": law(Law::Algebraic),
            "exponential": law(Law::Exponential),
        },
        "regime": predicted_regime(params),
    })
}
