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

/// Bounds of the photon timescale as the paper quotes them after Eq. 7,
/// `omega^2 / (sigma^2 h^2) <~ t_omega <~ omega^2 sigma^2 / h^4`, returned as `(low, high)`.
/// (Eq. 7, `t_omega = t_s * omega^2 t_s / (h^2 t_h)` for `t_s` between `1/h` and `t_h`, gives
/// `omega^2 / (h^4 t_h)` and `omega^2 t_h / h^2`, the same up to factors of about 2 with
/// `t_h ~ sigma^2 / (2 h^2)`.) The explorer's t_omega band, the end of the default fit window
/// and the regime model's fast-photon test all use these bounds, so they agree.
///
/// ```
/// let (lo, hi) = spinboson::physics::t_omega_bounds(2.0, 10.0, 1.0, 10.0);
/// assert!(lo < hi);
/// ```
pub fn t_omega_bounds(sigma: f64, omega: f64, h: f64, alpha: f64) -> (f64, f64) {
    let _ = alpha; // the paper's bounds do not depend on alpha
    let (s2, w2) = (sigma * sigma, omega * omega);
    let (a, b) = (w2 / (s2 * h * h), w2 * s2 / (h * h * h * h));
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
