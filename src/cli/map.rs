//! `spinboson figure --map fig1|fig3`: the regime map, with the current point marked when
//! --sigma, --omega or --alpha is given.

use super::{CliError, FigureArgs, MapArg};
use crate::io::{MapKind, MapSpec, write_map};
use crate::physics::{Params, regime};

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
