//! `spinboson run --fit`: the relaxation fit of the run's sx(t), as JSON for the sidecar and as
//! a table for the terminal.

pub use crate::analysis::fit_json;
use crate::analysis::{
    FitReport, Law, Timescales, Verdict, WindowRequest, fit_ensemble, predicted_regime,
};
use crate::physics::Params;
use crate::sim::Ensemble;
use std::fmt::Write as _;

/// A `--fit-window T0:T1` value: `0 <= T0 < T1`, both finite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitWindowArg {
    pub t_start: f64,
    pub t_end: f64,
}

/// Parse `T0:T1`. Clap names the flag in its message and exits with status 2.
pub fn parse_fit_window(s: &str) -> Result<FitWindowArg, String> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| format!("expected T0:T1 (e.g. 2:30), got {s:?}"))?;
    let num = |x: &str| {
        x.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{x:?} is not a finite number (expected T0:T1)"))
    };
    let (t_start, t_end) = (num(a)?, num(b)?);
    if t_start < 0.0 {
        return Err(format!("T0 = {t_start} is negative"));
    }
    if t_start >= t_end {
        return Err(format!("T0 = {t_start} must be below T1 = {t_end}"));
    }
    Ok(FitWindowArg { t_start, t_end })
}

/// Fit the ensemble's sx on the given window, or the default one of [`WindowRequest::Auto`].
pub fn fit_run(ensemble: &Ensemble, params: &Params, window: Option<FitWindowArg>) -> FitReport {
    let request = match window {
        Some(w) => WindowRequest::Manual {
            t_start: w.t_start,
            t_end: w.t_end,
        },
        None => WindowRequest::Auto(Timescales::from_params(params)),
    };
    fit_ensemble(ensemble, request)
}

/// The law table for the terminal.
pub fn fit_table(report: &FitReport, params: &Params) -> String {
    let w = &report.window;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "fit of sx on [{:.4}, {:.4}] ({} points, end: {}), {}",
        w.t_start,
        w.t_end,
        w.n_points,
        serde_json::to_value(w.end)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        report.error_method
    );
    let _ = writeln!(
        out,
        "{:<12} {:<28} {:<28} {:>10} {:>9}",
        "law", "param 1", "param 2", "AIC", "chi2/dof"
    );
    let dof = w.n_points.saturating_sub(2).max(1) as f64;
    for f in &report.laws {
        let [p, q] = f.parameter_names();
        let _ = writeln!(
            out,
            "{:<12} {:<28} {:<28} {:>10.2} {:>9.2}",
            f.law.name(),
            format!("{p} = {:.4} ± {:.4}", f.p, f.p_err),
            format!("{q} = {:.4} ± {:.4}", f.q, f.q_err),
            f.aic,
            f.chi2 / dof
        );
    }
    let verdict = match report.verdict {
        Verdict::Law(l) => l.name().to_owned(),
        Verdict::Undetermined(r) => format!("undetermined ({})", r.describe()),
    };
    let _ = writeln!(
        out,
        "verdict: {verdict}; lowest AIC: {}, margin {:.2}, confidence {:.2}; regime model: {}",
        report.best.map_or("none", Law::name),
        report.aic_margin,
        report.confidence,
        predicted_regime(params)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_window_parsing() {
        assert_eq!(
            parse_fit_window("1.9:25"),
            Ok(FitWindowArg {
                t_start: 1.9,
                t_end: 25.0
            })
        );
        for bad in ["", "3", "a:b", "5:2", "2:2", "-1:3", "1:inf"] {
            assert!(parse_fit_window(bad).is_err(), "{bad}");
        }
    }
}
