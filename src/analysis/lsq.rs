//! Small least-squares kernels: a weighted straight line and a two-parameter
//! Levenberg-Marquardt minimizer of `chi2 = sum_k ((y_k - f(t_k; p)) / s_k)^2`.

/// Weighted straight line `y = c0 + c1 x` minimizing `sum_k w_k (y_k - c0 - c1 x_k)^2`.
/// `None` when fewer than two distinct abscissae carry weight.
pub(crate) fn line_fit(x: &[f64], y: &[f64], w: &[f64]) -> Option<[f64; 2]> {
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for ((&x, &y), &w) in x.iter().zip(y).zip(w) {
        sw += w;
        sx += w * x;
        sy += w * y;
    }
    if sw <= 0.0 || !sw.is_finite() {
        return None;
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for ((&x, &y), &w) in x.iter().zip(y).zip(w) {
        sxx += w * (x - mx) * (x - mx);
        sxy += w * (x - mx) * (y - my);
    }
    if sxx <= 0.0 || !sxx.is_finite() {
        return None;
    }
    let c1 = sxy / sxx;
    Some([my - c1 * mx, c1])
}

/// `chi2` of a model given as `f(t, p) -> (value, gradient)`.
pub(crate) fn chi2(
    t: &[f64],
    y: &[f64],
    inv_s: &[f64],
    p: [f64; 2],
    model: &impl Fn(f64, [f64; 2]) -> (f64, [f64; 2]),
) -> f64 {
    t.iter()
        .zip(y)
        .zip(inv_s)
        .map(|((&t, &y), &w)| ((y - model(t, p).0) * w).powi(2))
        .sum()
}

/// Levenberg-Marquardt from `p0`; returns the parameters and their `chi2`. Stops when an
/// accepted step lowers `chi2` by less than a relative 1e-12, or after 200 steps. Never
/// returns a worse point than `p0`; a non-finite trial counts as worse.
pub(crate) fn levenberg_marquardt(
    t: &[f64],
    y: &[f64],
    inv_s: &[f64],
    p0: [f64; 2],
    model: &impl Fn(f64, [f64; 2]) -> (f64, [f64; 2]),
) -> ([f64; 2], f64) {
    let mut p = p0;
    let mut current = chi2(t, y, inv_s, p, model);
    if !current.is_finite() {
        return (p, current);
    }
    let mut lambda = 1e-3;
    for _ in 0..200 {
        // Normal equations J^T J dp = J^T r, in units of the weighted residuals.
        let (mut a00, mut a01, mut a11, mut g0, mut g1) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for ((&t, &y), &w) in t.iter().zip(y).zip(inv_s) {
            let (f, d) = model(t, p);
            let r = (y - f) * w;
            let (j0, j1) = (d[0] * w, d[1] * w);
            a00 += j0 * j0;
            a01 += j0 * j1;
            a11 += j1 * j1;
            g0 += j0 * r;
            g1 += j1 * r;
        }
        let mut improved = None;
        while lambda < 1e12 {
            let (b00, b11) = (a00 * (1.0 + lambda), a11 * (1.0 + lambda));
            let det = b00 * b11 - a01 * a01;
            if det.is_finite() && det > 0.0 {
                let dp = [(b11 * g0 - a01 * g1) / det, (b00 * g1 - a01 * g0) / det];
                let trial = [p[0] + dp[0], p[1] + dp[1]];
                let c = chi2(t, y, inv_s, trial, model);
                if c.is_finite() && c <= current {
                    improved = Some((trial, c));
                    lambda = (lambda / 10.0).max(1e-12);
                    break;
                }
            }
            lambda *= 10.0;
        }
        let Some((trial, c)) = improved else { break };
        let gain = current - c;
        p = trial;
        current = c;
        if gain <= 1e-12 * (1.0 + current) {
            break;
        }
    }
    (p, current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_lm_recover_exact_models() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y: Vec<f64> = x.iter().map(|x| 0.5 - 2.0 * x).collect();
        let c = line_fit(&x, &y, &[1.0; 4]).unwrap_or([0.0; 2]);
        assert!((c[0] - 0.5).abs() < 1e-12 && (c[1] + 2.0).abs() < 1e-12);
        assert!(line_fit(&[1.0, 1.0], &[0.0, 1.0], &[1.0, 1.0]).is_none());
        let model = |t: f64, p: [f64; 2]| {
            let f = (p[0] - p[1] * t.ln()).exp();
            (f, [f, -t.ln() * f])
        };
        let t: Vec<f64> = (1..30).map(|k| k as f64).collect();
        let y: Vec<f64> = t.iter().map(|t| 1.3 * t.powf(-0.7)).collect();
        let (p, c) = levenberg_marquardt(&t, &y, &vec![100.0; t.len()], [0.0, 0.1], &model);
        assert!(c < 1e-16, "{c}");
        assert!((p[0] - 1.3_f64.ln()).abs() < 1e-8 && (p[1] - 0.7).abs() < 1e-8);
    }
}
