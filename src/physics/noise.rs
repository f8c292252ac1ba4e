//! Standard normals for the photon-loss noise, drawn in bulk.
//!
//! With loss every mode of every trajectory needs two independent standard normals per step (the
//! exact Ornstein-Uhlenbeck update of PHYSICS.md). They come in pairs from the Box-Muller
//! transform,
//!
//! ```text
//! (xi_1, xi_2) = sqrt(-2 ln u) (cos theta, sin theta),   u uniform on (0, 1], theta uniform on the circle,
//! ```
//!
//! evaluated over SIMD lanes with branch-free polynomials (a vectorized `ln`, `sin` and `cos`), from
//! the trajectory's own noise stream, drawn a whole step at a time. One draw for `Nb` modes fills
//! `Nb` 32-bit radius words and then `Nb` 16-bit angles from the stream (its bytes, little-endian;
//! [`words_per_draw`] 32-bit words of a word-oriented stream such as ChaCha):
//! - radius word `l` gives mode `l`'s radius: `u = (k + 1/2) / 2^31` with `k` its top 31 bits
//!   (rounded to single precision, so `u` has steps of `2^-32` near 0 and `2^-24` near 1), so
//!   `u >= 2^-32` and the radius is cut at `sqrt(64 ln 2) = 6.66` (a probability of `2^-32` per
//!   pair; it lowers the variance by `1e-8` relative);
//! - angle `l` gives mode `l`'s angle, one of 65536 equally spaced values (2 bits pick the
//!   quadrant, 14 the offset in it); with equally spaced angles every moment of `cos theta` below
//!   order 65536 is exact, so each normal has the moments of `N(0, 1)` and the two are
//!   uncorrelated.
//!
//! Mode `l` reads element `l` of both arrays, so the transform runs over several trajectories'
//! modes in one contiguous pass on full SIMD lanes.
//!
//! The transform is computed in single precision on eight lanes (AVX2; sixteen with AVX-512), so a
//! normal carries a relative rounding error of about `1e-7` (tested); the caller adds it to the
//! double-precision state. The noise's amplitude is `sqrt((1 - exp(-kappa dt)) / 4)`, so these
//! errors are far below anything a run can resolve.

// The polynomial coefficients are quoted digit for digit from Cephes.
#![allow(clippy::excessive_precision)]

use super::kernels::dispatch;
use rand::{Rng, RngExt};

/// 32-bit words one draw of `modes` normal pairs takes from a word-oriented stream (ChaCha):
/// `modes` radius words and `ceil(modes / 2)` words of two angles each. (A 64-bit generator such
/// as xoshiro advances `ceil(modes / 2) + ceil(modes / 4)` times.)
pub fn words_per_draw(modes: usize) -> usize {
    modes + modes.div_ceil(2)
}

/// `ln x` for `x` a positive normal `f32`, branch-free (Cephes `logf`): `x = m 2^k` with
/// `m` in `[sqrt(1/2), sqrt 2)`, then `ln m = f - f^2 / 2 + f^3 P(f)` with `f = m - 1` and `P` of
/// degree 8. Relative error below `2e-7` (tested).
#[inline(always)]
pub fn ln_f32(x: f32) -> f32 {
    const SQRT_HALF: u32 = 0x3f35_04f3;
    const MANTISSA: u32 = (1 << 23) - 1;
    // Adding 2^23 - mantissa(sqrt 2) carries into the exponent exactly when the mantissa is >= sqrt 2,
    // which moves the mantissa range from [1, 2) to [sqrt(1/2), sqrt 2).
    let bits = x.to_bits().wrapping_add((1 << 23) - (SQRT_HALF & MANTISSA));
    let k = f32::from_bits((bits >> 23) | 0x4b00_0000) - (8_388_608.0 + 127.0);
    let f = f32::from_bits((bits & MANTISSA) + SQRT_HALF) - 1.0;
    let z = f * f;
    // The degree-8 polynomial by Estrin's scheme (a shorter dependency chain than Horner's, which
    // leaves the transform latency-bound).
    let z2 = z * z;
    let p01 = (-2.499_999_399_3e-1_f32).mul_add(f, 3.333_333_117_4e-1);
    let p23 = (-1.666_805_766_5e-1_f32).mul_add(f, 2.000_071_476_5e-1);
    let p45 = (-1.242_014_084_6e-1_f32).mul_add(f, 1.424_932_278_7e-1);
    let p67 = (-1.151_461_031_0e-1_f32).mul_add(f, 1.167_699_874_0e-1);
    let p03 = p23.mul_add(z, p01);
    let p47 = p67.mul_add(z, p45);
    let p = 7.037_683_629_2e-2_f32.mul_add(z2 * z2, p47.mul_add(z2, p03));
    let y = k.mul_add(-2.121_944_40e-4, (f * z).mul_add(p, -0.5 * z));
    k.mul_add(0.693_359_375, f + y)
}

/// The pair of standard normals of Box-Muller for a radius word and a 16-bit angle (module docs).
#[inline(always)]
pub fn normal_pair(radius_word: u32, angle: u32) -> (f32, f32) {
    let k = (radius_word >> 1) as i32 as f32;
    let u = k.mul_add(1.0 / 2_147_483_648.0, 1.0 / 4_294_967_296.0);
    let radius = (-2.0 * ln_f32(u)).sqrt();
    // Offset in the quadrant: (j + 1/2) / 2^14 - 1/2 for the 14 low bits j, exact in f32.
    let offset = f32::from_bits(0x3f80_0100 | ((angle & 0x3fff) << 9)) - 1.5;
    let r = offset * std::f32::consts::FRAC_PI_2;
    let z = r * r;
    let sin = (r * z).mul_add(
        (-1.951_529_589_1e-4_f32)
            .mul_add(z, 8.332_160_873_6e-3)
            .mul_add(z, -1.666_665_461_1e-1),
        r,
    );
    let cos = (z * z).mul_add(
        2.443_315_711_809_948e-5_f32
            .mul_add(z, -1.388_731_625_493_765e-3)
            .mul_add(z, 4.166_664_568_298_827e-2),
        (-0.5_f32).mul_add(z, 1.0),
    );
    // Bit 14 swaps (cos, sin) -> (sin, cos) (the angle pi/2 - r), bit 15 negates both (+ pi):
    // with the 2^14 offsets these make 65536 equally spaced angles.
    let swap = ((angle >> 14) & 1).wrapping_neg();
    let sign = (angle >> 15 & 1) << 31;
    let (sb, cb) = (sin.to_bits(), cos.to_bits());
    let x = f32::from_bits(((sb & swap) | (cb & !swap)) ^ sign);
    let y = f32::from_bits(((cb & swap) | (sb & !swap)) ^ sign);
    (radius * x, radius * y)
}

/// Buffers for the noise of a few trajectories at a time: each one's radius words and angles from
/// its own stream, and the normals made from them, trajectory after trajectory (columns of
/// `modes`).
#[derive(Clone, Debug, Default)]
pub struct NoiseBuffer {
    modes: usize,
    radius: Vec<u32>,
    angle: Vec<u16>,
    pub xi_re: Vec<f32>,
    pub xi_im: Vec<f32>,
}

impl NoiseBuffer {
    /// Room for one trajectory.
    pub fn new(modes: usize) -> Self {
        Self::with_trajectories(modes, 1)
    }

    /// Room for `trajectories` trajectories.
    pub fn with_trajectories(modes: usize, trajectories: usize) -> Self {
        let n = modes * trajectories;
        Self {
            modes,
            radius: vec![0; n],
            angle: vec![0; n],
            xi_re: vec![0.0; n],
            xi_im: vec![0.0; n],
        }
    }

    /// How many trajectories one [`NoiseBuffer::draw_columns`] can take.
    pub fn trajectories(&self) -> usize {
        self.xi_re.len().checked_div(self.modes).unwrap_or(0)
    }

    /// Draw a normal pair per mode from `rng` into the first column of `xi_re`, `xi_im`.
    pub fn draw<R: Rng>(&mut self, rng: &mut R) {
        self.draw_columns(std::slice::from_mut(rng));
    }

    /// Draw column `k` (a normal pair per mode) from `rngs[k]`, for every `k`: each stream
    /// gives the numbers it would give to [`NoiseBuffer::draw`], so the normals are the same
    /// whichever trajectories share a call. One pass of the transform serves them all.
    ///
    /// # Panics
    /// If there are more streams than [`NoiseBuffer::trajectories`].
    pub fn draw_columns<R: Rng>(&mut self, rngs: &mut [R]) {
        let modes = self.modes;
        let n = rngs.len();
        assert!(n <= self.trajectories(), "draw_columns: {n} streams");
        if modes == 0 {
            return;
        }
        let columns = self
            .radius
            .chunks_exact_mut(modes)
            .zip(self.angle.chunks_exact_mut(modes));
        for (rng, (radius, angle)) in rngs.iter_mut().zip(columns) {
            rng.fill(radius);
            rng.fill(angle);
        }
        let used = n * modes;
        let (radius, angle) = (&self.radius[..used], &self.angle[..used]);
        let (xi_re, xi_im) = (&mut self.xi_re[..used], &mut self.xi_im[..used]);
        dispatch(
            #[inline(always)]
            || {
                let pairs = xi_re.iter_mut().zip(xi_im.iter_mut());
                for ((x, y), (w, a)) in pairs.zip(radius.iter().zip(angle)) {
                    (*x, *y) = normal_pair(*w, u32::from(*a));
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ln_is_accurate_to_single_precision() {
        let mut worst: f64 = 0.0;
        let mut x = 2.0_f32.powi(-32);
        while x <= 1.0 {
            let exact = f64::from(x).ln();
            let err = (f64::from(ln_f32(x)) - exact).abs();
            // Relative to |ln x|, except near x = 1 where ln x -> 0 and the error is absolute.
            worst = worst.max(err / exact.abs().max(1e-3));
            x = f32::from_bits(x.to_bits() + 977);
        }
        // 1, 1/2, the smallest u, and the two sides of the mantissa split at sqrt(1/2).
        let split = [f32::from_bits(0x3f35_04f2), f32::from_bits(0x3f35_04f3)];
        for x in [1.0_f32, 0.5, 2.0_f32.powi(-32), split[0], split[1]] {
            let err = (f64::from(ln_f32(x)) - f64::from(x).ln()).abs();
            assert!(
                err <= 2e-7 * f64::from(x).ln().abs().max(1e-3),
                "{x}: {err}"
            );
        }
        assert!(worst < 2e-7, "worst relative error {worst:e}");
    }

    /// The normals against double-precision Box-Muller of the same uniform `u` and angle: the
    /// single-precision `ln`, `sqrt`, `sin` and `cos` only.
    #[test]
    fn pairs_match_double_precision_box_muller() {
        let mut worst: f64 = 0.0;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for _ in 0..200_000 {
            let (w, a) = (rng.next_u32(), rng.next_u32() & 0xffff);
            let (x, y) = normal_pair(w, a);
            let u =
                f64::from(((w >> 1) as f32).mul_add(1.0 / 2_147_483_648.0, 1.0 / 4_294_967_296.0));
            let radius = (-2.0 * u.ln()).sqrt();
            let quadrant_offset = (f64::from(a & 0x3fff) + 0.5) / 16384.0 - 0.5;
            let r = quadrant_offset * std::f64::consts::FRAC_PI_2;
            let (mut cx, mut cy) = (r.cos(), r.sin());
            if a & 0x4000 != 0 {
                (cx, cy) = (cy, cx);
            }
            if a & 0x8000 != 0 {
                (cx, cy) = (-cx, -cy);
            }
            let err = (f64::from(x) - radius * cx)
                .abs()
                .max((f64::from(y) - radius * cy).abs());
            worst = worst.max(err / radius.max(1e-30));
        }
        // A few single-precision ulps of the radius.
        assert!(worst < 5e-7, "worst error relative to the radius {worst:e}");
    }

    #[test]
    fn the_angles_are_equally_spaced_over_the_circle() {
        let mut angles: Vec<f64> = (0..65536_u32)
            .map(|a| {
                let (x, y) = normal_pair(0x8000_0000, a); // u = 1/2: radius sqrt(2 ln 2)
                f64::from(y).atan2(f64::from(x))
            })
            .collect();
        angles.sort_by(f64::total_cmp);
        let step = std::f64::consts::TAU / 65536.0;
        for w in angles.windows(2) {
            assert!((w[1] - w[0] - step).abs() < 1e-6 * step.max(1.0), "{w:?}");
        }
        assert!((angles[0] + std::f64::consts::PI - step / 2.0).abs() < 1e-6);
    }

    /// Moments of 2 x 10^6 normals (one million draws of one mode pair per word set) against
    /// N(0, 1), each within 5 standard errors of its estimator: mean (se 1/sqrt n), variance
    /// (sqrt(2/n)), fourth moment (sqrt(96/n)), the correlation of the pair (1/sqrt n) and the
    /// fraction beyond 2 and 3 standard deviations (binomial).
    #[test]
    fn draws_have_the_moments_of_independent_standard_normals() {
        let modes = 1001; // odd: the last angle word's high half is unused
        let mut buffer = NoiseBuffer::new(modes);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let (mut xs, mut corr) = (Vec::new(), 0.0);
        for _ in 0..1000 {
            buffer.draw(&mut rng);
            xs.extend(
                buffer
                    .xi_re
                    .iter()
                    .chain(&buffer.xi_im)
                    .map(|&x| f64::from(x)),
            );
            corr += buffer
                .xi_re
                .iter()
                .zip(&buffer.xi_im)
                .map(|(a, b)| f64::from(*a) * f64::from(*b))
                .sum::<f64>();
        }
        let n = xs.len() as f64;
        let pairs = n / 2.0;
        let moment = |k: i32| xs.iter().map(|x| x.powi(k)).sum::<f64>() / n;
        let tail = |c: f64| xs.iter().filter(|x| x.abs() > c).count() as f64 / n;
        let z = [
            moment(1) / (1.0 / n).sqrt(),
            (moment(2) - 1.0) / (2.0 / n).sqrt(),
            (moment(4) - 3.0) / (96.0 / n).sqrt(),
            corr / pairs / (1.0 / pairs).sqrt(),
            (tail(2.0) - 0.045_500_263_9) / (0.0455 * 0.9545 / n).sqrt(),
            (tail(3.0) - 0.002_699_796_1) / (0.0027 * 0.9973 / n).sqrt(),
        ];
        assert!(z.iter().all(|z| z.abs() < 5.0), "z-scores {z:?}");
    }

    /// Drawing several trajectories at once gives each the normals of its own single draw.
    #[test]
    fn column_draws_equal_single_draws() {
        let modes = 13;
        let mut rngs: Vec<ChaCha8Rng> = (0..5).map(ChaCha8Rng::seed_from_u64).collect();
        let mut batch = NoiseBuffer::with_trajectories(modes, 8);
        assert_eq!(batch.trajectories(), 8);
        batch.draw_columns(&mut rngs);
        for (k, rng) in rngs.iter_mut().enumerate() {
            let mut single = NoiseBuffer::new(modes);
            single.draw(&mut ChaCha8Rng::seed_from_u64(k as u64));
            assert_eq!(single.xi_re, batch.xi_re[k * modes..][..modes]);
            assert_eq!(single.xi_im, batch.xi_im[k * modes..][..modes]);
            // Each stream continues where its own draw stopped.
            let mut replay = ChaCha8Rng::seed_from_u64(k as u64);
            for _ in 0..words_per_draw(modes) {
                replay.next_u32();
            }
            assert_eq!(rng.next_u32(), replay.next_u32());
        }
    }

    #[test]
    fn a_draw_uses_its_words_in_a_fixed_order() {
        let modes = 7;
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut buffer = NoiseBuffer::new(modes);
        buffer.draw(&mut rng);
        let mut replay = ChaCha8Rng::seed_from_u64(3);
        let words: Vec<u32> = (0..words_per_draw(modes))
            .map(|_| replay.next_u32())
            .collect();
        assert_eq!(words.len(), 11);
        // Radius words first, then the angles two to a word, low half first.
        assert_eq!(
            normal_pair(words[2], words[8] & 0xffff),
            (buffer.xi_re[2], buffer.xi_im[2])
        );
        assert_eq!(
            normal_pair(words[5], words[9] >> 16),
            (buffer.xi_re[5], buffer.xi_im[5])
        );
        assert_eq!(
            normal_pair(words[6], words[10] & 0xffff),
            (buffer.xi_re[6], buffer.xi_im[6])
        );
        // The stream continues where the draw stopped.
        assert_eq!(rng.next_u32(), replay.next_u32());
    }
}
