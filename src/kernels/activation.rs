//! tanh and exp for the hot loops, which spend most of their time here. libm's scalar calls
//! cannot be vectorised; these are branch-free, so the compiler turns them into SIMD, and they
//! stay within 1e-15 of `f64::tanh` and `f64::exp`.
//!
//! Both rest on e^y = 2^k e^r with y = k ln2 + r, |r| <= ln2/2, and e^r by its [6/6] Padé
//! approximant (E + rO) / (E - rO), E and O even polynomials in r (relative error below 2e-19
//! on that range). Against a degree-12 Taylor series this needs half the multiplications, and
//! tanh then needs a single division.

use crate::kernels::real::Real;

/// ln 2 in two parts: the first has few bits, so its product with an integer k is exact.
pub(crate) const LN2_HI: f64 = 0.693_147_180_369_123_8;
pub(crate) const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// Adding and subtracting 1.5 * 2^52 rounds a number below 2^51 in size to the nearest
/// integer: f64::round is a libm call that blocks SIMD.
pub(crate) const ROUNDER: f64 = 6_755_399_441_055_744.0;

/// The parts of e^y for |y| <= 708: (2^k, E, rO) with e^y = 2^k (E + rO) / (E - rO).
#[inline(always)]
fn exp_parts(y: f64) -> (f64, f64, f64) {
    let shifted = y * std::f64::consts::LOG2_E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (y - k * LN2_HI) - k * LN2_LO;
    let s = r * r;
    // P(r) = sum_j (12-j)! 6! / (12! j! (6-j)!) r^j, split into even and odd parts.
    let even = ((s * (1.0 / 665_280.0) + 1.0 / 792.0) * s + 5.0 / 44.0) * s + 1.0;
    let odd = r * ((s * (1.0 / 15_840.0) + 1.0 / 66.0) * s + 0.5);
    // k sits in the low mantissa bits of `shifted` (two's complement), so 2^k is an integer add
    // and a shift away: no float-to-integer conversion, which SSE2 and wasm SIMD lack for f64.
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    (scale, even, odd)
}

/// exp(y) for y <= 0 (the shifted logits of a softmax); below -708 it is 0 to within 1e-307.
#[inline(always)]
pub fn exp_nonpositive(y: f64) -> f64 {
    let (scale, even, odd) = exp_parts(if y < -708.0 { -708.0 } else { y });
    scale * ((even + odd) / (even - odd))
}

/// tanh(x) = (e^2x - 1) / (e^2x + 1) = ((2^k - 1) E + (2^k + 1) rO) / ((2^k + 1) E + (2^k - 1) rO).
/// Written this way there is no cancellation near 0 (k = 0 leaves rO / E); beyond |x| = 20
/// tanh is ±1 in f64.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    // f64::clamp keeps a NaN a NaN (f64::min would not), for the divergence checks.
    let x = x.clamp(-20.0, 20.0);
    let (scale, even, odd) = exp_parts(2.0 * x);
    let (minus, plus) = (scale - 1.0, scale + 1.0);
    (minus * even + plus * odd) / (plus * even + minus * odd)
}

/// The parts of e^y in f32 for |y| <= 87: (2^k, E, rO) with e^y = 2^k (E + rO) / (E - rO), by
/// the [3/3] Padé approximant (relative error below 1e-8 for |r| <= ln2/2).
/// `exp_parts` in f32: the same steps with f32's constants and a shorter polynomial.
#[inline(always)]
fn exp_parts_f32(y: f32) -> (f32, f32, f32) {
    const LN2_HI: f32 = 0.693_359_4; // 355/512: k * LN2_HI is exact
    const LN2_LO: f32 = -2.121_944_4e-4;
    const ROUNDER: f32 = 12_582_912.0; // 1.5 * 2^23
    let shifted = y * std::f32::consts::LOG2_E + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (y - k * LN2_HI) - k * LN2_LO;
    let s = r * r;
    // P(r) = 1 + r/2 + r^2/10 + r^3/120
    let even = s * (1.0 / 10.0) + 1.0;
    let odd = r * (s * (1.0 / 120.0) + 0.5);
    let scale = f32::from_bits(shifted.to_bits().wrapping_add(127) << 23);
    (scale, even, odd)
}

/// exp(y) in f32 for y <= 0; below -87 it is 0 to within 1e-38.
#[inline(always)]
pub fn exp_nonpositive_f32(y: f32) -> f32 {
    let (scale, even, odd) = exp_parts_f32(if y < -87.0 { -87.0 } else { y });
    scale * ((even + odd) / (even - odd))
}

/// tanh in f32, as [`tanh`]; beyond |x| = 9 it is ±1 in f32.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let x = x.clamp(-9.0, 9.0);
    let (scale, even, odd) = exp_parts_f32(2.0 * x);
    let (minus, plus) = (scale - 1.0, scale + 1.0);
    (minus * even + plus * odd) / (plus * even + minus * odd)
}

/// out[i] = tanh(input[i]).
#[inline(always)]
pub fn tanh_into<T: Real>(out: &mut [T], input: &[T]) {
    let input = &input[..out.len()];
    for i in 0..out.len() {
        out[i] = input[i].tanh();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_std_tanh_to_a_few_ulps() {
        // 1 - 2/(e+1) cancels near zero, so the error there is absolute (a few 1e-16), which is
        // all that tanh's uses here (sums with O(1) terms) can see.
        let (mut worst_abs, mut worst_rel): (f64, f64) = (0.0, 0.0);
        for i in -300_000..=300_000 {
            let x = i as f64 * 1e-4 + 1.234e-7;
            let (ours, std) = (tanh(x), x.tanh());
            worst_abs = worst_abs.max((ours - std).abs());
            if x.abs() > 0.5 {
                worst_rel = worst_rel.max((ours - std).abs() / std.abs());
            }
        }
        assert!(worst_abs < 1e-15, "worst absolute error {worst_abs:e}");
        assert!(worst_rel < 1e-15, "worst relative error {worst_rel:e}");
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(1e3), 1.0);
        assert_eq!(tanh(-1e3), -1.0);
        assert!(tanh(f64::NAN).is_nan());
        for i in 0..=70_800 {
            let y = -i as f64 * 0.01;
            let (ours, std) = (exp_nonpositive(y), y.exp());
            assert!(
                (ours - std).abs() <= 1e-15 * std,
                "exp({y}): {ours} vs {std}"
            );
        }
        assert!(exp_nonpositive(-1e6) < 1e-300);
    }

    #[test]
    fn f32_versions_match_std_to_a_few_f32_ulps() {
        let mut worst: f64 = 0.0;
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4 + 1.3e-5;
            let (ours, std) = (tanh_f32(x) as f64, (x as f64).tanh());
            worst = worst.max((ours - std).abs() / std.abs().max(0.5));
        }
        assert!(worst < 4e-7, "tanh_f32: worst error {worst:e}");
        assert!(tanh_f32(f32::NAN).is_nan() && tanh_f32(100.0) == 1.0 && tanh_f32(-100.0) == -1.0);
        for i in 0..=86_990 {
            let y = -i as f32 * 1e-3;
            let (ours, std) = (exp_nonpositive_f32(y) as f64, (y as f64).exp());
            assert!(
                (ours - std).abs() <= 4e-7 * std,
                "exp({y}): {ours} vs {std}"
            );
        }
    }
}
