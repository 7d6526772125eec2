//! Which vector instructions the hot loops use. They are written once, as plain Rust over
//! slices, generic over an [`Isa`]; [`run`] compiles them for AVX-512, for AVX2 with FMA and
//! for the baseline (SSE2 on x86-64, simd128 on wasm when built with it, plus relaxed SIMD's
//! multiply-add in the second wasm build) and picks the best the CPU has at run time. A binary
//! built for any x86-64 thus runs everywhere and still uses the wide units where they exist
//! (no `-C target-cpu` needed).
//!
//! The variants differ only in rounding: with FMA a multiply-add rounds once instead of twice.

use std::sync::atomic::{AtomicU8, Ordering};

use crate::kernels::real::Real;

/// What a compiled variant of a hot loop may assume about the CPU.
pub trait Isa {
    /// f64 lanes per vector register; the matrix-product blocks are sized from it.
    const LANES: usize;
    /// a * b + c, fused (rounded once) where the CPU has FMA.
    fn mul_add<T: Real>(a: T, b: T, c: T) -> T;
    /// acc[i] = a[i] * b[i] + acc[i] for every i: [`Isa::mul_add`] lane by lane.
    #[inline(always)]
    fn mul_add_lanes<T: Real, const N: usize>(acc: &mut [T; N], a: &[T; N], b: &[T; N]) {
        for i in 0..N {
            acc[i] = Self::mul_add(a[i], b[i], acc[i]);
        }
    }
}

/// SSE2 on x86-64; on wasm, simd128 and relaxed SIMD if the build enables them.
pub struct Baseline;
/// AVX2 and FMA (x86-64-v3).
pub struct Avx2;
/// AVX-512 F (x86-64-v4).
pub struct Avx512;

impl Isa for Baseline {
    const LANES: usize = 2;
    #[inline(always)]
    fn mul_add<T: Real>(a: T, b: T, c: T) -> T {
        // Not f64::mul_add: without FMA hardware that is a slow library call.
        a * b + c
    }

    /// WebAssembly's relaxed multiply-add, fused where the CPU has FMA: LLVM does not form it
    /// from scalar code, so the lanes go through it explicitly (training 1.2x faster in V8).
    #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
    #[inline(always)]
    fn mul_add_lanes<T: Real, const N: usize>(acc: &mut [T; N], a: &[T; N], b: &[T; N]) {
        use std::any::TypeId;
        use std::arch::wasm32::{
            f32x4_relaxed_madd, f64x2_relaxed_madd, v128, v128_load, v128_store,
        };
        let is_f32 = TypeId::of::<T>() == TypeId::of::<f32>();
        let per_vector = if is_f32 { 4 } else { 2 };
        if !N.is_multiple_of(per_vector) {
            for i in 0..N {
                acc[i] = Self::mul_add(a[i], b[i], acc[i]);
            }
            return;
        }
        let (acc, a, b) = (
            acc.as_mut_ptr().cast::<v128>(),
            a.as_ptr().cast::<v128>(),
            b.as_ptr().cast::<v128>(),
        );
        for q in 0..N / per_vector {
            // SAFETY: T is f32 or f64 (the only `Real`s) and N a whole number of vectors, so
            // each array holds N / per_vector v128s; wasm loads and stores need no alignment.
            unsafe {
                let (x, y, z) = (
                    v128_load(a.add(q)),
                    v128_load(b.add(q)),
                    v128_load(acc.add(q)),
                );
                let sum = if is_f32 {
                    f32x4_relaxed_madd(x, y, z)
                } else {
                    f64x2_relaxed_madd(x, y, z)
                };
                v128_store(acc.add(q), sum);
            }
        }
    }
}

impl Isa for Avx2 {
    const LANES: usize = 4;
    #[inline(always)]
    fn mul_add<T: Real>(a: T, b: T, c: T) -> T {
        a.fused_mul_add(b, c)
    }
}

impl Isa for Avx512 {
    const LANES: usize = 8;
    #[inline(always)]
    fn mul_add<T: Real>(a: T, b: T, c: T) -> T {
        a.fused_mul_add(b, c)
    }
}

/// A hot loop, compiled once per [`Isa`]. Implementations must mark `run` `#[inline(always)]`,
/// and everything it calls too, so that it is compiled inside the variant's target features.
pub trait Kernel {
    type Output;
    fn run<I: Isa>(self) -> Self::Output;
}

/// The instruction sets, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Baseline = 0,
    Avx2 = 1,
    Avx512 = 2,
}

static CEILING: AtomicU8 = AtomicU8::new(Level::Avx512 as u8);

/// Caps the level [`run`] may use, process-wide: for benchmarks and tests of the narrower paths.
pub fn set_ceiling(level: Level) {
    CEILING.store(level as u8, Ordering::Relaxed);
}

/// The widest level this CPU has, under the ceiling.
pub fn level() -> Level {
    let ceiling = CEILING.load(Ordering::Relaxed);
    #[cfg(target_arch = "x86_64")]
    {
        if ceiling >= Level::Avx512 as u8 && std::is_x86_feature_detected!("avx512f") {
            return Level::Avx512;
        }
        if ceiling >= Level::Avx2 as u8
            && std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("fma")
        {
            return Level::Avx2;
        }
    }
    let _ = ceiling;
    Level::Baseline
}

/// Runs `kernel` compiled for the widest level available.
pub fn run<K: Kernel>(kernel: K) -> K::Output {
    match level() {
        // SAFETY: level() saw these features on this CPU.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { run_avx512(kernel) },
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => unsafe { run_avx2(kernel) },
        _ => kernel.run::<Baseline>(),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
fn run_avx512<K: Kernel>(kernel: K) -> K::Output {
    kernel.run::<Avx512>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2<K: Kernel>(kernel: K) -> K::Output {
    kernel.run::<Avx2>()
}
