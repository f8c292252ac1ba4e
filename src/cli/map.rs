//! `spinboson figure --map fig1|fig3`: the regime map, with the current point marked when
//! --sigma, --omega or --alpha is given; `spinboson figure --sweep`: the computed map of a sweep.

use super::{CliError, FigureArgs, MapArg};
use crate::io::{MapKind, MapSpec, SweepMap, write_map, write_sweep_map};
use crate::physics::{Params, regime};
use crate::sweep::{SweepError, SweepTable};
use std::path::Path;

/// Draw the map to `args.out`.
pub fn map_command(args: &FigureArgs, kind: MapArg) -> Result<(), CliError> {
    let o = &args.overrides;
    let base = Params::default();
    let p = o.apply(&base);
    for (field, value) in [
        ("sigma", p.sigma),
        ("omega", p.omega),
        ("alpha", p.alpha),
        ("h", p.h),
        ("t_max", p.t_max),
    ] {
        if !(value.is_finite() && value > 0.0) {
            return Err(CliError::Params(crate::physics::ParamError::OutOfRange {
                field,
                value,
                range: "> 0",
            }));
        }
    }
    let (omega_over_h, sigma_over_sqrt_h) = (p.omega / p.h, p.sigma / p.h.sqrt());
    let marked = o.sigma.is_some() || o.omega.is_some() || o.alpha.is_some();
    let spec = MapSpec {
        kind: match kind {
            MapArg::Fig1 => MapKind::Fig1,
            MapArg::Fig3 => MapKind::Fig3,
        },
        alpha: p.alpha,
        sigma_over_sqrt_h,
        t_max_times_h: p.t_max * p.h,
        point: marked.then_some((omega_over_h, sigma_over_sqrt_h, p.alpha)),
    };
    crate::io::check_writable(&args.out).map_err(CliError::Output)?;
    write_map(&args.out, &spec)?;
    if !args.quiet {
        eprintln!(
            "wrote {} (omega/h = {omega_over_h}, sigma/sqrt(h) = {sigma_over_sqrt_h}, alpha = {}: {})",
            args.out.display(),
            p.alpha,
            regime(omega_over_h, sigma_over_sqrt_h, p.alpha, p.t_max * p.h)
        );
    }
    Ok(())
}

/// `spinboson figure --sweep SWEEP.csv`: the computed map of a sweep file, with the regime
/// model's boundaries for an omega by sigma sweep. The base parameters (alpha, t_max, h for
/// the boundaries; nt and the trajectories for the title) come from the sidecar `SWEEP.json`
/// when there is one, else from the defaults; given flags override either.
pub fn sweep_map_command(args: &FigureArgs, path: &Path) -> Result<(), CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let table = SweepTable::parse(&bytes, &path.display().to_string()).map_err(|e| match e {
        SweepError::NotASweepFile { path, line } => CliError::BadInput {
            path,
            problem: format!(
                "not a sweep CSV (its first line is {line:?}, not \"# spinboson sweep ...\"): give the --out file of spinboson sweep"
            ),
        },
        e => CliError::Sweep(e),
    })?;
    let sidecar = super::sweep::sidecar_path(path);
    let from_sidecar = sidecar_base(&sidecar);
    let had_sidecar = from_sidecar.is_some();
    let recorded = from_sidecar.unwrap_or_default();
    let base = args.overrides.apply(&recorded);
    base.validate()?;
    let map = SweepMap::new(table, base);
    if had_sidecar && map.base != recorded {
        eprintln!(
            "warning: flags override the base parameters recorded in {}",
            sidecar.display()
        );
    } else if had_sidecar && !map.base_verified {
        eprintln!(
            "warning: the base parameters in {} do not give the fingerprint of {} (the sidecar of another sweep?)",
            sidecar.display(),
            path.display()
        );
    }
    crate::io::check_writable(&args.out).map_err(CliError::Output)?;
    write_sweep_map(&args.out, &map)?;
    if !args.quiet {
        let (done, total) = map.counts();
        eprintln!(
            "wrote {} ({done} of {total} points{})",
            args.out.display(),
            if map.is_fig1_plane() {
                ", with the regime model's boundaries"
            } else {
                "; not an omega by sigma sweep, so no regime model boundaries"
            }
        );
    }
    Ok(())
}

/// The `base_params` of a sweep's sidecar; `None` (with a warning when the file exists) when
/// it cannot be read.
fn sidecar_base(sidecar: &Path) -> Option<Params> {
    let bytes = match super::sweep::read_optional(sidecar) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return None,
        Err(e) => {
            eprintln!("warning: {e}; using the default base parameters");
            return None;
        }
    };
    let parsed = serde_json::from_slice::<serde_json::Value>(&bytes)
        .map_err(|e| e.to_string())
        .and_then(|v| {
            let base = v
                .get("base_params")
                .cloned()
                .ok_or_else(|| "no base_params".to_owned())?;
            serde_json::from_value::<Params>(base).map_err(|e| e.to_string())
        });
    match parsed {
        Ok(p) => Some(p),
        Err(problem) => {
            eprintln!(
                "warning: {}: {problem}; using the default base parameters",
                sidecar.display()
            );
            None
        }
    }
}
