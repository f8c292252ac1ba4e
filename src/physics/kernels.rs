//! Elementwise kernels of the integrator, compiled for x86-64-v4 (AVX-512 F/BW/CD/DQ/VL), x86-64-v3
//! (AVX2 + FMA) and baseline x86-64 and picked at run time ([`dispatch`]), so they vectorize on
//! whatever machine runs them.
//!
//! The dispatch is `pulp`'s (already in the tree through faer), not `multiversion`'s: version 0.9 of
//! the latter widens any AVX-512 target to the Ice Lake feature set (VBMI2, BITALG, GFNI, VAES, ...),
//! so on Skylake-X and Cascade Lake, which have AVX-512 F/BW/CD/DQ/VL but not those, the kernels
//! silently ran the AVX2 path while faer's GEMM used AVX-512. `pulp::Arch` picks its V4 path on any
//! x86-64-v4 part. Every kernel is a lane-wise map of IEEE operations (explicit `mul_add` where it
//! fuses, which is correctly rounded on every path), so all three paths give the same bits.
//!
//! The coupling flow needs `sin` and `cos` of one angle per spin and trajectory; libm's scalar
//! `sincos` alone took half the step time, so [`sin_cosm1`] is a branch-free, vectorizable
//! version of the classic Cody-Waite reduction with Cephes' minimax polynomials (error within
//! 2 ulp of libm for |x| < 1e5, tested). Larger angles (only seen in a diverging run) fall back
//! to libm.

// The constants are quoted digit for digit from fdlibm and Cephes.
#![allow(clippy::excessive_precision)]

use pulp::Arch;
use std::sync::OnceLock;

/// The instruction set of this machine, detected once.
pub fn arch() -> Arch {
    static ARCH: OnceLock<Arch> = OnceLock::new();
    *ARCH.get_or_init(Arch::new)
}

/// Run `kernel` compiled for the best instruction set of this machine (x86-64-v4, v3 or the
/// baseline). The closure must be `#[inline(always)]` so that its loop is compiled inside the
/// target-feature function of each path.
#[inline(always)]
pub fn dispatch<R>(kernel: impl FnOnce() -> R) -> R {
    arch().dispatch(kernel)
}

// pi/2 split into parts with trailing zero bits, so `k * PIO2_1` and `k * PIO2_2` are exact for
// |k| < 2^20 (fdlibm's rem_pio2 constants).
const PIO2_1: f64 = 1.570_796_326_734_125_614_17e+00;
const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11;
const PIO2_2T: f64 = 2.022_266_248_795_950_631_54e-21;
/// Largest |angle| the fast path handles.
const FAST_LIMIT: f64 = 1e5;

/// Below this |angle| [`sin_cosm1`]'s reduction has `k = 0` (`|x 2 / pi| < 0.5`), so its quadrant
/// logic is the identity and [`sin_cosm1_first_quadrant`] gives the same bits.
pub const FIRST_QUADRANT: f64 = 0.78;

/// `(sin x, cos x - 1)` for |x| <= 1e5, branch-free; for |x| <= pi/4 the second value is
/// accurate relative to itself (it comes from the polynomial without adding 1).
#[inline(always)]
pub fn sin_cosm1(x: f64) -> (f64, f64) {
    let (k, sin_r, cosm1_r) = reduced_sin_cosm1(x);
    // Quadrant q = k mod 4, kept in floating point so the selects vectorize.
    let q = k - 4.0 * (k * 0.25).floor();
    let odd = q == 1.0 || q == 3.0;
    let cos_r = 1.0 + cosm1_r;
    let (s, c) = if odd { (cos_r, sin_r) } else { (sin_r, cos_r) };
    let s = if q >= 2.0 { -s } else { s };
    let c = if q == 1.0 || q == 2.0 { -c } else { c };
    let cm1 = if q == 0.0 { cosm1_r } else { c - 1.0 };
    (s, cm1)
}

/// [`sin_cosm1`] for |x| <= [`FIRST_QUADRANT`], with the same bits (signed zeros included: the
/// reduction is the same, and with `k = +-0` the quadrant is 0), without the quadrant selects.
#[inline(always)]
pub fn sin_cosm1_first_quadrant(x: f64) -> (f64, f64) {
    let (_, sin_r, cosm1_r) = reduced_sin_cosm1(x);
    (sin_r, cosm1_r)
}

/// The Cody-Waite reduction `x = k pi/2 + r` and Cephes' polynomials: `(k, sin r, cos r - 1)`.
#[inline(always)]
fn reduced_sin_cosm1(x: f64) -> (f64, f64, f64) {
    let k = (x * std::f64::consts::FRAC_2_PI).round_ties_even();
    let r = ((x - k * PIO2_1) - k * PIO2_2) - k * PIO2_2T;
    let z = r * r;
    let sin_r = r + r
        * z
        * (-1.666_666_666_666_663_072_95e-1
            + z * (8.333_333_333_322_118_588_78e-3
                + z * (-1.984_126_982_958_953_859_96e-4
                    + z * (2.755_731_362_138_572_452_13e-6
                        + z * (-2.505_074_776_285_780_728_66e-8
                            + z * 1.589_623_015_765_465_680_60e-10)))));
    let cosm1_r = -0.5 * z
        + z * z
            * (4.166_666_666_666_659_292_18e-2
                + z * (-1.388_888_888_887_305_641_16e-3
                    + z * (2.480_158_728_885_170_453_48e-5
                        + z * (-2.755_731_417_929_673_881_12e-7
                            + z * (2.087_570_084_197_473_167_78e-9
                                + z * -1.135_853_652_138_768_173_00e-11)))));
    (k, sin_r, cosm1_r)
}

/// `(sin x, cos x - 1)` from libm. For |x| <= pi/4, `cos x - 1 = -2 sin^2(x / 2)` is accurate to a
/// few ulps of itself (not of 1); beyond, `cos x - 1` has no cancellation and is taken directly,
/// as in the quadrant logic of [`sin_cosm1`].
pub fn sin_cosm1_libm(x: f64) -> (f64, f64) {
    let (s, c) = x.sin_cos();
    if x.abs() <= std::f64::consts::FRAC_PI_4 {
        let half = (0.5 * x).sin();
        (s, -2.0 * half * half)
    } else {
        (s, c - 1.0)
    }
}

/// Rotate each pair `(y_i, z_i)` about x by `theta_i = scale * field_i`:
/// `y -> y cos - z sin`, `z -> z cos + y sin`, evaluated as `y + (y (cos - 1) - z sin)`.
///
/// The increment form matters for the exactness of the spin length: the norm factor
/// `(1 + (cos - 1))^2 + sin^2` of the rounded pair is then 1 to within `theta^2` ulps instead of
/// one ulp, so |s|^2 is not drifting systematically over 1e5 small steps.
///
/// The field may be f64 or f32 ([`Precision::Mixed`](super::Precision::Mixed) reads the f32 GEMM
/// result directly); it is widened exactly, so both give the bits of the f64 field.
pub fn rotate_by_field<F: Copy + Into<f64>>(y: &mut [f64], z: &mut [f64], field: &[F], scale: f64) {
    dispatch(
        #[inline(always)]
        || {
            let max_field = field.iter().fold(0.0_f64, |m, &f| m.max(f.into().abs()));
            let max_angle = max_field * scale.abs();
            // Every angle of a step is usually small: skip the quadrant logic (same bits).
            if max_angle <= FIRST_QUADRANT {
                rotate_pairs(y, z, field, scale, sin_cosm1_first_quadrant);
            } else if max_angle <= FAST_LIMIT {
                rotate_pairs(y, z, field, scale, sin_cosm1);
            } else {
                rotate_pairs(y, z, field, scale, sin_cosm1_libm);
            }
        },
    )
}

/// The loop of [`rotate_by_field`] with a given `(sin, cos - 1)`, inlined into each path.
#[inline(always)]
fn rotate_pairs<F: Copy + Into<f64>>(
    y: &mut [f64],
    z: &mut [f64],
    field: &[F],
    scale: f64,
    sin_cosm1: impl Fn(f64) -> (f64, f64),
) {
    for ((y, z), &f) in y.iter_mut().zip(z.iter_mut()).zip(field) {
        let (s, cm1) = sin_cosm1(scale * f.into());
        let (y0, z0) = (*y, *z);
        *y = y0 + (y0 * cm1 - z0 * s);
        *z = z0 + (z0 * cm1 + y0 * s);
    }
}

/// Map every pair `(x_i, y_i)` by the fixed `c = 1 + cm1` and `s`: `x -> x c - y s`,
/// `y -> y c + x s`, in the increment form of [`rotate_by_field`].
pub fn rotate_fixed(x: &mut [f64], y: &mut [f64], cm1: f64, sin: f64) {
    dispatch(
        #[inline(always)]
        || {
            for (x, y) in x.iter_mut().zip(y.iter_mut()) {
                let (x0, y0) = (*x, *y);
                *x = x0 + (x0 * cm1 - y0 * sin);
                *y = y0 + (y0 * cm1 + x0 * sin);
            }
        },
    )
}

/// `im -= kick * drive`, then `(re, im)` mapped as in [`rotate_fixed`]: the photon kick of a
/// coupling stage fused with the next free flow, one pass over the modes instead of two. The
/// drive may be f64 or f32 (widened exactly).
pub fn kick_and_rotate<D: Copy + Into<f64>>(
    re: &mut [f64],
    im: &mut [f64],
    drive: &[D],
    kick: f64,
    cm1: f64,
    sin: f64,
) {
    dispatch(
        #[inline(always)]
        || {
            for ((x, y), &d) in re.iter_mut().zip(im.iter_mut()).zip(drive) {
                let (x0, y0) = (*x, *y - kick * d.into());
                *x = x0 + (x0 * cm1 - y0 * sin);
                *y = y0 + (y0 * cm1 + x0 * sin);
            }
        },
    )
}

/// [`kick_and_rotate`] followed by the Ornstein-Uhlenbeck noise of photon loss,
/// `re += amp xi_re`, `im += amp xi_im`, in the same pass (one trajectory's modes).
#[allow(clippy::too_many_arguments)] // the fused pass needs both maps' parameters
pub fn kick_rotate_and_add_noise<D: Copy + Into<f64>>(
    re: &mut [f64],
    im: &mut [f64],
    drive: &[D],
    kick: f64,
    cm1: f64,
    sin: f64,
    amp: f64,
    xi_re: &[f32],
    xi_im: &[f32],
) {
    dispatch(
        #[inline(always)]
        || {
            let noise = xi_re.iter().zip(xi_im);
            for (((x, y), &d), (nx, ny)) in re.iter_mut().zip(im.iter_mut()).zip(drive).zip(noise) {
                let (x0, y0) = (*x, *y - kick * d.into());
                *x = x0 + (x0 * cm1 - y0 * sin) + amp * f64::from(*nx);
                *y = y0 + (y0 * cm1 + x0 * sin) + amp * f64::from(*ny);
            }
        },
    )
}

/// `y -= scale * x` (`x` f64 or f32, widened exactly).
pub fn sub_scaled<X: Copy + Into<f64>>(y: &mut [f64], x: &[X], scale: f64) {
    dispatch(
        #[inline(always)]
        || {
            for (y, &x) in y.iter_mut().zip(x) {
                *y -= scale * x.into();
            }
        },
    )
}

/// `dst = src` rounded to single precision (round to nearest even).
pub fn narrow(dst: &mut [f32], src: &[f64]) {
    dispatch(
        #[inline(always)]
        || {
            for (d, s) in dst.iter_mut().zip(src) {
                *d = *s as f32;
            }
        },
    )
}

/// `dst = scale * src`, `src` widened to double precision (exactly) before the product.
pub fn widen_scaled(dst: &mut [f64], src: &[f32], scale: f64) {
    dispatch(
        #[inline(always)]
        || {
            for (d, s) in dst.iter_mut().zip(src) {
                *d = scale * f64::from(*s);
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernels take the AVX-512 path on any x86-64-v4 part (AVX-512 F, BW, CD, DQ, VL), not
    /// only on those with the Ice Lake extensions, and the AVX2 path on x86-64-v3 parts.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn dispatch_picks_the_widest_instruction_set_of_this_machine() {
        use std::arch::is_x86_feature_detected as has;
        let v3 = has!("avx2") && has!("fma") && has!("bmi1") && has!("bmi2") && has!("lzcnt");
        let v4 = v3
            && has!("avx512f")
            && has!("avx512bw")
            && has!("avx512cd")
            && has!("avx512dq")
            && has!("avx512vl");
        let picked = match arch() {
            Arch::V4(_) => "x86-64-v4",
            Arch::V3(_) => "x86-64-v3",
            _ => "baseline",
        };
        let expected = if v4 {
            "x86-64-v4"
        } else if v3 {
            "x86-64-v3"
        } else {
            "baseline"
        };
        assert_eq!(picked, expected);
    }

    fn sin_cos(x: f64) -> (f64, f64) {
        let (s, cm1) = sin_cosm1(x);
        (s, cm1 + 1.0)
    }

    #[test]
    fn fast_sin_cos_matches_libm() {
        let mut worst: f64 = 0.0;
        let mut x = -2000.0;
        while x < 2000.0 {
            let (s, c) = sin_cos(x);
            let (s0, c0) = x.sin_cos();
            worst = worst.max((s - s0).abs()).max((c - c0).abs());
            x += 0.000_731;
        }
        // Reduction error grows like |k| ulp(pi/2) * 2^-53 ~ 1e-19 |x|; polynomials ~ 1 ulp.
        assert!(worst < 5e-16, "worst abs error {worst:e}");
        for x in [0.0, 1e-300, -1e-10, std::f64::consts::FRAC_PI_4, 1e5] {
            let (s, c) = sin_cos(x);
            assert!(
                (s - x.sin()).abs() <= 2.0 * f64::EPSILON * x.sin().abs().max(1e-300) + 1e-300,
                "{x}"
            );
            assert!((c - x.cos()).abs() <= 4e-16, "{x}");
        }
    }

    /// The first-quadrant path is the general one without its quadrant logic: the same bits
    /// for every |x| <= FIRST_QUADRANT, signed zeros included.
    #[test]
    fn first_quadrant_path_gives_the_same_bits() {
        let mut xs = vec![0.0, -0.0, 1e-300, -1e-300, FIRST_QUADRANT, -FIRST_QUADRANT];
        let mut x = -FIRST_QUADRANT;
        while x <= FIRST_QUADRANT {
            xs.push(x);
            x += 1.37e-5;
        }
        for x in xs {
            let (a, b) = (sin_cosm1(x), sin_cosm1_first_quadrant(x));
            assert_eq!(a.0.to_bits(), b.0.to_bits(), "sin at {x:e}");
            assert_eq!(a.1.to_bits(), b.1.to_bits(), "cos - 1 at {x:e}");
        }
    }

    #[test]
    fn cos_minus_one_is_accurate_for_small_angles() {
        for x in [1e-8_f64, -3e-5, 0.02, 0.5, -0.7] {
            let exact = -2.0 * (0.5 * x).sin().powi(2);
            let (s, cm1) = sin_cosm1(x);
            assert!(
                (cm1 - exact).abs() <= 4.0 * f64::EPSILON * exact.abs(),
                "{x}: {cm1} vs {exact}"
            );
            assert!(
                (s - x.sin()).abs() <= 2.0 * f64::EPSILON * x.sin().abs(),
                "{x}"
            );
            let (s2, cm2) = sin_cosm1_libm(x);
            assert!((cm2 - exact).abs() <= 4.0 * f64::EPSILON * exact.abs() && s2 == x.sin());
        }
    }

    #[test]
    fn rotation_keeps_length_and_falls_back_for_huge_angles() {
        let (mut y, mut z) = (vec![1.0, 0.5, -0.3], vec![0.0, 2.0, 0.7]);
        let field = [0.3, -1e9, 2.0];
        let before: Vec<f64> = y.iter().zip(&z).map(|(a, b)| a * a + b * b).collect();
        rotate_by_field(&mut y, &mut z, &field, 0.5);
        for i in 0..3 {
            assert!((y[i] * y[i] + z[i] * z[i] - before[i]).abs() < 1e-15);
        }
        let (s, c) = (0.15_f64).sin_cos();
        assert!((y[0] - c).abs() < 1e-16 && (z[0] - s).abs() < 1e-16);
    }
}
