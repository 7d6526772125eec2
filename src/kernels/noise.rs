//! The seeded random stream. Its numbers are fixed by the algorithms named here (PCG-64 MCG,
//! SplitMix64 and Box–Muller), not by a library's default, so a seed reproduces a run across
//! versions.

use rand::{Rng, SeedableRng};

use crate::kernels::activation::{LN2_HI, LN2_LO, ROUNDER};
use rand_pcg::Pcg64Mcg;

pub struct Noise {
    rng: Pcg64Mcg,
    spare: Option<f64>,
}

impl Noise {
    pub fn new(seed: u64) -> Noise {
        Noise {
            rng: Pcg64Mcg::seed_from_u64(seed),
            spare: None,
        }
    }

    /// The stream of one recall run: target `target` from start `start` of a recall seeded
    /// with `seed`. Each run draws from its own stream, so that a recall's answer does not
    /// depend on which runs share a batch, a thread or a worker. The stream's seed is
    /// SplitMix64 applied in turn: `mix(mix(mix(seed) ^ target) ^ start)`.
    pub fn for_run(seed: u64, target: usize, start: usize) -> Noise {
        let key = split_mix(split_mix(split_mix(seed) ^ target as u64) ^ start as u64);
        Noise::new(key)
    }

    /// A uniform number in (0, 1]: 53 random bits, shifted off zero so that ln() is finite.
    fn uniform(&mut self) -> f64 {
        ((self.rng.next_u64() >> 11) as f64 + 1.0) * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal number: [`Noise::fill_normal`] one at a time (the second number of
    /// each Box–Muller pair is kept for the next call).
    pub fn normal(&mut self) -> f64 {
        let mut z = [0.0];
        self.fill_normal(&mut z);
        z[0]
    }

    /// `out.len()` standard normal numbers, the same as `out.len()` calls of `normal()`: pairs
    /// of uniforms through Box–Muller with our own ln and sin/cos, as vector code. Inlined, so
    /// that it is compiled inside the caller's instruction-set variant (see `simd`).
    #[inline(always)]
    pub fn fill_normal(&mut self, out: &mut [f64]) {
        let start = match self.spare {
            Some(z) if !out.is_empty() => {
                out[0] = z;
                self.spare = None;
                1
            }
            _ => 0,
        };
        let rest = &mut out[start..];
        // The uniforms first (the generator is sequential), then the transform across them.
        let (pairs, last) = rest.as_chunks_mut::<2>();
        for pair in pairs.iter_mut() {
            *pair = [self.uniform(), self.uniform()];
        }
        for pair in pairs.iter_mut() {
            *pair = box_muller(pair[0], pair[1]);
        }
        if let [z] = last {
            let [first, second] = box_muller(self.uniform(), self.uniform());
            *z = first;
            self.spare = Some(second);
        }
    }
}

/// Two independent standard normals from two uniforms in (0, 1]: r (cos 2πv, sin 2πv) with
/// r = sqrt(-2 ln u). Branch-free, so that a loop over pairs becomes vector code.
#[inline(always)]
fn box_muller(u: f64, v: f64) -> [f64; 2] {
    let radius = (-2.0 * ln_normal(u)).sqrt();
    let (sin, cos) = sin_cos_turns(v);
    [radius * cos, radius * sin]
}

/// One step of SplitMix64 (Steele, Lea and Flood 2014) from state `x`: the state advanced by
/// the golden-ratio increment, then scrambled. Nearby inputs give unrelated outputs.
fn split_mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const TWO_52: f64 = 4_503_599_627_370_496.0;

/// 1/(2k + 1): the coefficients of z^k in atanh(s)/s, z = s^2.
const ATANH_SERIES: [f64; 12] = {
    let mut c = [0.0; 12];
    let mut k = 0;
    while k < 12 {
        c[k] = 1.0 / (2 * k + 1) as f64;
        k += 1;
    }
    c
};

/// 1/(n (n + 1)) and 1/((n - 1) n) for n = 2, 4, .., 18: the ratios of successive terms of
/// the sine and cosine series, so that no division is left in the loop.
const SIN_RATIOS: [f64; 9] = ratios(0.0);
const COS_RATIOS: [f64; 9] = ratios(-1.0);

const fn ratios(offset: f64) -> [f64; 9] {
    let mut c = [0.0; 9];
    let mut k = 0;
    while k < 9 {
        let n = (2 * k + 2) as f64;
        c[k] = 1.0 / ((n + offset) * (n + offset + 1.0));
        k += 1;
    }
    c
}

/// ln x for a positive normal x: x = 2^e m with m in [sqrt(1/2), sqrt(2)), and
/// ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) with s = (m - 1)/(m + 1), |s| < 0.172,
/// summed to s^23 (the next term is below 1e-19 of the result).
#[inline(always)]
fn ln_normal(x: f64) -> f64 {
    const MANTISSA: u64 = (1 << 52) - 1;
    let bits = x.to_bits();
    // The biased exponent as a float without an integer conversion (not vectorisable
    // everywhere): its bits placed as the low bits of 2^52's mantissa, then 2^52 subtracted.
    let biased = f64::from_bits((bits >> 52) | TWO_52.to_bits()) - TWO_52;
    let m = f64::from_bits(bits & MANTISSA | 1.0f64.to_bits());
    let high = m > std::f64::consts::SQRT_2;
    // (A selection, not a branch.)
    let (m, e) = if high {
        (0.5 * m, biased - 1022.0)
    } else {
        (m, biased - 1023.0)
    };
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    let mut series = 0.0;
    for &coefficient in ATANH_SERIES.iter().rev() {
        series = series * z + coefficient;
    }
    e * LN2_HI + (e * LN2_LO + 2.0 * s * series)
}

/// (sin 2πv, cos 2πv) for v in [0, 1]: v is reduced to the nearest quarter turn q/4, the rest
/// (at most an eighth of a turn, exact) goes through Taylor series to degree 17 (the next
/// term is below 1e-19), and the quadrant q swaps and signs the pair.
#[inline(always)]
fn sin_cos_turns(v: f64) -> (f64, f64) {
    let q = (4.0 * v + ROUNDER) - ROUNDER;
    let x = (v - 0.25 * q) * std::f64::consts::TAU;
    let z = x * x;
    let (mut sin, mut cos) = (0.0, 0.0);
    // Horner from the highest terms: sin x = x (1 - z/(2·3) (1 - z/(4·5) (...))), and alike.
    for (&to_sin, &to_cos) in SIN_RATIOS.iter().zip(&COS_RATIOS).rev() {
        sin = 1.0 - z * to_sin * sin;
        cos = 1.0 - z * to_cos * cos;
    }
    let sin = x * sin;
    // Selections, not branches (`|` rather than `||`), so that the loop stays vector code.
    let odd = (q == 1.0) | (q == 3.0);
    let (s, c) = if odd { (cos, sin) } else { (sin, cos) };
    let sin_sign = if (q == 2.0) | (q == 3.0) { -1.0 } else { 1.0 };
    let cos_sign = if (q == 1.0) | (q == 2.0) { -1.0 } else { 1.0 };
    (sin_sign * s, cos_sign * c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_standard_moments() {
        let mut a = Noise::new(7);
        let mut b = Noise::new(7);
        let xs: Vec<f64> = (0..100_000).map(|_| a.normal()).collect();
        assert!(xs.iter().all(|&x| x == b.normal()));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        assert_ne!(Noise::new(8).normal(), Noise::new(7).normal());
    }

    #[test]
    fn split_mix_is_the_published_generator() {
        // SplitMix64 seeded with 1234567: its first outputs as published with the algorithm
        // (the state advances by the increment each call; split_mix adds it once itself).
        let mut state = 1234567u64;
        let mut next = || {
            let out = split_mix(state);
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            out
        };
        assert_eq!(next(), 6457827717110365317);
        assert_eq!(next(), 3203168211198807973);
    }

    #[test]
    fn every_run_has_its_own_stream() {
        let first = |seed, target, start| Noise::for_run(seed, target, start).normal();
        let a = first(0, 0, 0);
        assert_eq!(a, first(0, 0, 0));
        for other in [
            first(1, 0, 0),
            first(0, 1, 0),
            first(0, 0, 1),
            first(0, 1, 1),
        ] {
            assert_ne!(a, other);
        }
        // Target and start are not interchangeable.
        assert_ne!(first(0, 2, 3), first(0, 3, 2));
    }

    #[test]
    fn filled_normals_are_the_one_at_a_time_stream() {
        // Odd and even lengths, so that the spare is handed on both ways.
        let (mut one, mut batch) = (Noise::new(11), Noise::new(11));
        for len in [1, 2, 7, 160, 0, 33, 1000, 5] {
            let mut filled = vec![f64::NAN; len];
            batch.fill_normal(&mut filled);
            for z in filled {
                assert_eq!(z, one.normal());
            }
        }
        assert_eq!(one.normal(), batch.normal(), "the streams stay in step");
    }

    #[test]
    fn normals_are_textbook_box_muller_to_a_few_ulps() {
        // r cos(2πv), r sin(2πv) with r = sqrt(-2 ln u), through the library's functions.
        let (mut ours, mut uniforms) = (Noise::new(5), Noise::new(5));
        let mut worst = 0.0_f64;
        for _ in 0..50_000 {
            let (u, v) = (uniforms.uniform(), uniforms.uniform());
            let (radius, angle) = ((-2.0 * u.ln()).sqrt(), std::f64::consts::TAU * v);
            for expected in [radius * angle.cos(), radius * angle.sin()] {
                let z = ours.normal();
                worst = worst.max((z - expected).abs() / expected.abs().max(1.0));
            }
        }
        assert!(worst < 1e-14, "worst difference {worst:e}");
    }

    #[test]
    fn the_elementary_functions_match_the_library_ones() {
        let mut worst = [0.0_f64; 3];
        // Within a few ulps (of 1 where the result is smaller): the library's angle 2πv is
        // itself rounded once more than ours.
        for i in 1..=100_000 {
            let v = i as f64 / 100_000.0;
            let u = v.powi(7); // down to 1e-35: many binary exponents
            let (sin, cos) = sin_cos_turns(v);
            let angle = std::f64::consts::TAU * v;
            for (w, (ours, theirs)) in worst.iter_mut().zip([
                (ln_normal(u), u.ln()),
                (sin, angle.sin()),
                (cos, angle.cos()),
            ]) {
                *w = w.max((ours - theirs).abs() / theirs.abs().max(1.0));
            }
        }
        assert!(
            worst.iter().all(|&w| w < 1e-15),
            "worst differences {worst:?}"
        );
    }
}
