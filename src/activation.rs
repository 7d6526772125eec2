//! tanh and exp for the hot loops, which spend most of their time here. libm's scalar calls
//! cannot be vectorised; these are branch-free (a polynomial exp), so the compiler turns them
//! into SIMD, and they stay within 1e-15 of `f64::tanh` and `f64::exp`.

/// exp(y) for y in [-708, 708]: y = k ln2 + r with |r| <= ln2/2, exp(r) by its Taylor series to
/// degree 12 (remainder below 2e-16), and 2^k written straight into the exponent bits.
#[inline(always)]
fn exp_bounded(y: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // Round to nearest by the 1.5 * 2^52 trick: f64::round is a libm call that blocks SIMD.
    const ROUNDER: f64 = 6_755_399_441_055_744.0;
    let k = (y * std::f64::consts::LOG2_E + ROUNDER) - ROUNDER;
    let r = (y - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 479_001_600.0; // 1/12!
    for factorial in [
        39_916_800.0,
        3_628_800.0,
        362_880.0,
        40_320.0,
        5_040.0,
        720.0,
        120.0,
        24.0,
        6.0,
        2.0,
        1.0,
        1.0,
    ] {
        p = p * r + 1.0 / factorial;
    }
    p * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

/// exp(y) for y <= 0 (the shifted logits of a softmax); below -708 it is 0 to within 1e-307.
#[inline(always)]
pub fn exp_nonpositive(y: f64) -> f64 {
    exp_bounded(if y < -708.0 { -708.0 } else { y })
}

/// tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)); beyond |x| = 20 it is ±1 in f64.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    // Not f64::min, which would turn NaN into 20: a NaN must stay visible to divergence checks.
    let a = x.abs();
    let e = exp_bounded(2.0 * if a > 20.0 { 20.0 } else { a });
    (1.0 - 2.0 / (e + 1.0)).copysign(x)
}

/// out[i] = tanh(input[i]).
pub fn tanh_into(out: &mut [f64], input: &[f64]) {
    for (o, &x) in out.iter_mut().zip(input) {
        *o = tanh(x);
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
}
