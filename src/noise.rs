//! The seeded random stream. Its numbers are fixed by the algorithms named here (PCG-64 MCG and
//! Box–Muller), not by a library's default, so a seed reproduces a run across versions.

use rand::{Rng, SeedableRng};
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

    /// A uniform number in (0, 1]: 53 random bits, shifted off zero so that ln() is finite.
    fn uniform(&mut self) -> f64 {
        ((self.rng.next_u64() >> 11) as f64 + 1.0) * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal number (Box–Muller; the second number of each pair is kept for the next call).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let radius = (-2.0 * self.uniform().ln()).sqrt();
        let angle = 2.0 * std::f64::consts::PI * self.uniform();
        self.spare = Some(radius * angle.sin());
        radius * angle.cos()
    }
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
}
