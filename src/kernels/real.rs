//! The number type of the hot loops. Parameters, models and files are always f64; training
//! and recall compute in f64 or in f32, as [`Precision`] says. f32 puts twice the numbers in
//! each vector register and halves memory traffic (training 1.4x faster natively, see
//! docs/performance.md); f64 is what the reference test (PyTorch float64 within 1e-9) and the
//! gradient check need. The seed itself computes in float32.

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

use crate::kernels::activation;

/// The arithmetic the hot loops need, for f32 and f64.
pub trait Real:
    Copy
    + Default
    + PartialOrd
    + Debug
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
{
    /// Numbers of this type in 64 bits: vectors hold this many times more than of f64.
    const PER_WORD: usize;
    const ZERO: Self;
    const NEG_INFINITY: Self;
    /// Softmax terms whose shifted logit is below this are dropped as zero. They are far below
    /// the precision of a sum whose largest term is 1, and dropping them keeps the weights and
    /// their products clear of subnormal numbers, each of which costs the CPU about a hundred
    /// cycles (they made recall in f32 a third slower).
    const NEGLIGIBLE_LOGIT: Self;
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    /// self * a + b rounded once (a library call where the CPU has no FMA: see `simd::Isa`).
    fn fused_mul_add(self, a: Self, b: Self) -> Self;
    fn sqrt(self) -> Self;
    /// tanh, vectorisable (see `activation`).
    fn tanh(self) -> Self;
    /// exp of a number <= 0, vectorisable (see `activation`).
    fn exp_nonpositive(self) -> Self;
}

impl Real for f64 {
    const PER_WORD: usize = 1;
    const ZERO: f64 = 0.0;
    const NEG_INFINITY: f64 = f64::NEG_INFINITY;
    const NEGLIGIBLE_LOGIT: f64 = -512.0;
    #[inline(always)]
    fn from_f64(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn fused_mul_add(self, a: f64, b: f64) -> f64 {
        self.mul_add(a, b)
    }
    #[inline(always)]
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn tanh(self) -> f64 {
        activation::tanh(self)
    }
    #[inline(always)]
    fn exp_nonpositive(self) -> f64 {
        activation::exp_nonpositive(self)
    }
}

// The twin of the f64 implementation above, member for member: the two number types.
impl Real for f32 {
    const PER_WORD: usize = 2;
    const ZERO: f32 = 0.0;
    const NEG_INFINITY: f32 = f32::NEG_INFINITY;
    const NEGLIGIBLE_LOGIT: f32 = -64.0;
    #[inline(always)]
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn fused_mul_add(self, a: f32, b: f32) -> f32 {
        self.mul_add(a, b)
    }
    #[inline(always)]
    fn sqrt(self) -> f32 {
        f32::sqrt(self)
    }
    #[inline(always)]
    fn tanh(self) -> f32 {
        activation::tanh_f32(self)
    }
    #[inline(always)]
    fn exp_nonpositive(self) -> f32 {
        activation::exp_nonpositive_f32(self)
    }
}

/// Which number type training and recall compute in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    F32,
    F64,
}

impl Default for Precision {
    /// f64 natively (where the reference test and the gradient check run); f32 in the browser,
    /// where WebAssembly's 128-bit vectors hold two f64 but four f32.
    fn default() -> Precision {
        if cfg!(target_arch = "wasm32") {
            Precision::F32
        } else {
            Precision::F64
        }
    }
}

/// `values` converted to `T`.
pub fn convert<T: Real>(values: &[f64]) -> Vec<T> {
    values.iter().map(|&v| T::from_f64(v)).collect()
}

/// `out[i] = values[i]` converted to `T` (no allocation).
pub fn convert_into<T: Real>(out: &mut [T], values: &[f64]) {
    for (o, &v) in out.iter_mut().zip(values) {
        *o = T::from_f64(v);
    }
}
