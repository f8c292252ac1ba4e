//! The paper's timescales (Eqs. 4 and 7), in units where `h` is given.

/// Perturbative timescale `t_h = sigma^2 / (2 h^2) * sqrt(alpha + alpha^2) / (1 + alpha)` (Eq. 4).
///
/// ```
/// // sigma/sqrt(h) = 2, alpha = 10: the paper's "t_h ~ 2/h".
/// let t_h = spinboson::physics::t_h(2.0, 1.0, 10.0);
/// assert!((t_h - 1.907).abs() < 1e-3);
/// ```
pub fn t_h(sigma: f64, h: f64, alpha: f64) -> f64 {
    sigma * sigma / (2.0 * h * h) * (alpha + alpha * alpha).sqrt() / (1.0 + alpha)
}

/// Bounds of the photon timescale `t_omega = t_s * omega^2 t_s / (h^2 t_h)` (Eq. 7) for
/// `t_s` between `1/h` and `t_h`, returned as `(low, high)`:
/// `omega^2 / (h^4 t_h)` and `omega^2 t_h / h^2`. With `t_h ~ sigma^2 / (2 h^2)` these are the
/// paper's `omega^2 / (sigma^2 h^2) <~ t_omega <~ omega^2 sigma^2 / h^4` up to factors of 2.
///
/// ```
/// let (lo, hi) = spinboson::physics::t_omega_bounds(2.0, 10.0, 1.0, 10.0);
/// assert!(lo < hi);
/// ```
pub fn t_omega_bounds(sigma: f64, omega: f64, h: f64, alpha: f64) -> (f64, f64) {
    let th = t_h(sigma, h, alpha);
    let at = |t_s: f64| t_s * omega * omega * t_s / (h * h * th);
    let (a, b) = (at(1.0 / h), at(th));
    (a.min(b), a.max(b))
}

/// Photons are dynamically active (`t_omega <~ t_h`) when `omega^2 / h <~ sigma^2`.
pub fn photons_active(sigma: f64, omega: f64, h: f64) -> bool {
    omega * omega / h <= sigma * sigma
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_omega_band_brackets_the_sigma_squared_h_estimate() {
        // sigma^2 ~ h: t_omega ~ omega^2 / h^3 lies inside the band.
        let (lo, hi) = t_omega_bounds(1.0, 5.0, 1.0, 1e6);
        assert!(lo <= 25.0 && 25.0 <= hi, "{lo} {hi}");
        assert!(photons_active(3.0, 1.0, 1.0));
        assert!(!photons_active(2.0, 10.0, 1.0));
    }
}
