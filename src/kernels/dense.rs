//! The matrix products and sums of the hot loops, on column-major slices. They are generic over
//! an [`Isa`] and `#[inline(always)]`, so each compiles inside the caller's vector variant.
//!
//! A product is computed block by block: R rows × C columns of the result stay in registers
//! (R up to two vectors' worth and C up to 4, to hide the multiply-add latency; fewer where the
//! matrix is smaller) while the shared dimension streams through. Where R is one vector (f32
//! in AVX-512), two blocks of rows share a pass, for 8 independent multiply-add chains. A last
//! block that would stick out is shifted back to overlap the one before; it recomputes a few
//! entries with the very same result, and no edge case remains.

use crate::kernels::real::Real;
use crate::kernels::simd::Isa;

/// The right operand of a product, B (k × n).
pub trait RightOperand<T: Real> {
    /// Columns of the operand (of the result).
    fn cols(&self) -> usize;
    /// Rows of the operand: the shared dimension of the product.
    fn rows(&self) -> usize;
    /// The R × C block of `out` = A B at rows i0.. and columns j0...
    fn block<I: Isa, const R: usize, const C: usize>(
        &self,
        out: &mut [T],
        a: &[T],
        m: usize,
        i0: usize,
        j0: usize,
    );
    /// The blocks at rows i0.. and i1.., in one pass over the shared dimension.
    #[inline(always)]
    fn block_pair<I: Isa, const R: usize, const C: usize>(
        &self,
        out: &mut [T],
        a: &[T],
        m: usize,
        (i0, i1): (usize, usize),
        j0: usize,
    ) {
        self.block::<I, R, C>(out, a, m, i0, j0);
        self.block::<I, R, C>(out, a, m, i1, j0);
    }
}

/// A k × n matrix stored column-major.
pub struct Columns<'a, T> {
    pub data: &'a [T],
    pub k: usize,
}

/// The transpose of an n × k matrix stored column-major: its k columns are our rows.
pub struct Transposed<'a, T> {
    pub data: &'a [T],
    pub n: usize,
}

// The loops below index slices instead of zipping iterators: chains of iterator adapters are
// not always inlined (in wasm builds they were not), and a call per element is ruinous here.

impl<T: Real> RightOperand<T> for Columns<'_, T> {
    fn cols(&self) -> usize {
        self.data.len() / self.k
    }

    fn rows(&self) -> usize {
        self.k
    }

    #[inline(always)]
    fn block<I: Isa, const R: usize, const C: usize>(
        &self,
        out: &mut [T],
        a: &[T],
        m: usize,
        i0: usize,
        j0: usize,
    ) {
        let k = self.k;
        // Slices of exactly k, so that indexing them by p < k needs no bounds check.
        let columns: [&[T]; C] = std::array::from_fn(|c| &self.data[(j0 + c) * k..][..k]);
        let mut acc = [[T::ZERO; R]; C];
        // Column p of A as a slice of exactly m: the range check of its rows i0..i0 + R is
        // then the same at every step, and LLVM takes it out of the loop.
        for (a_column, p) in a.chunks_exact(m).zip(0..k) {
            let b_row: [T; C] = std::array::from_fn(|c| columns[c][p]);
            accumulate::<I, T, R, C>(&mut acc, &a_column[i0..i0 + R], &b_row);
        }
        store(out, m, i0, j0, &acc);
    }

    // Two accumulator arrays rather than one of two blocks: with the latter LLVM kept the
    // accumulators in memory.
    #[inline(always)]
    fn block_pair<I: Isa, const R: usize, const C: usize>(
        &self,
        out: &mut [T],
        a: &[T],
        m: usize,
        (i0, i1): (usize, usize),
        j0: usize,
    ) {
        let k = self.k;
        let columns: [&[T]; C] = std::array::from_fn(|c| &self.data[(j0 + c) * k..][..k]);
        let (mut acc0, mut acc1) = ([[T::ZERO; R]; C], [[T::ZERO; R]; C]);
        for (a_column, p) in a.chunks_exact(m).zip(0..k) {
            let b_row: [T; C] = std::array::from_fn(|c| columns[c][p]);
            accumulate::<I, T, R, C>(&mut acc0, &a_column[i0..i0 + R], &b_row);
            accumulate::<I, T, R, C>(&mut acc1, &a_column[i1..i1 + R], &b_row);
        }
        store(out, m, i0, j0, &acc0);
        store(out, m, i1, j0, &acc1);
    }
}

// The same blocking as for `Columns`, over the other layout of B: what differs is how the
// inner loop reads a row of B, which is the whole point of each.
impl<T: Real> RightOperand<T> for Transposed<'_, T> {
    fn cols(&self) -> usize {
        self.n
    }

    fn rows(&self) -> usize {
        self.data.len() / self.n
    }

    #[inline(always)]
    fn block<I: Isa, const R: usize, const C: usize>(
        &self,
        out: &mut [T],
        a: &[T],
        m: usize,
        i0: usize,
        j0: usize,
    ) {
        let mut acc = [[T::ZERO; R]; C];
        // Rows of B and columns of A as slices of exactly n and m: the range checks of the
        // block are then the same at every step, and LLVM takes them out of the loop.
        for (b_row, a_column) in self.data.chunks_exact(self.n).zip(a.chunks_exact(m)) {
            accumulate::<I, T, R, C>(&mut acc, &a_column[i0..i0 + R], &b_row[j0..j0 + C]);
        }
        store(out, m, i0, j0, &acc);
    }

    // As for `Columns`: two accumulator arrays, 8 chains where a block is one vector.
    #[inline(always)]
    fn block_pair<I: Isa, const R: usize, const C: usize>(
        &self,
        out: &mut [T],
        a: &[T],
        m: usize,
        (i0, i1): (usize, usize),
        j0: usize,
    ) {
        let (mut acc0, mut acc1) = ([[T::ZERO; R]; C], [[T::ZERO; R]; C]);
        for (b_row, a_column) in self.data.chunks_exact(self.n).zip(a.chunks_exact(m)) {
            let b_row = &b_row[j0..j0 + C];
            accumulate::<I, T, R, C>(&mut acc0, &a_column[i0..i0 + R], b_row);
            accumulate::<I, T, R, C>(&mut acc1, &a_column[i1..i1 + R], b_row);
        }
        store(out, m, i0, j0, &acc0);
        store(out, m, i1, j0, &acc1);
    }
}

/// acc[c][r] += a[r] b[c]: one step of the shared dimension for an R × C block.
#[inline(always)]
fn accumulate<I: Isa, T: Real, const R: usize, const C: usize>(
    acc: &mut [[T; R]; C],
    a: &[T],
    b: &[T],
) {
    let (a, b) = (a.first_chunk::<R>().expect("a block of R rows"), &b[..C]);
    for c in 0..C {
        I::mul_add_lanes(&mut acc[c], a, &[b[c]; R]);
    }
}

/// Writes a finished block: rows i0..i0 + R, columns j0..j0 + C of out (m rows).
#[inline(always)]
fn store<T: Real, const R: usize, const C: usize>(
    out: &mut [T],
    m: usize,
    i0: usize,
    j0: usize,
    acc: &[[T; R]; C],
) {
    for (c, sums) in acc.iter().enumerate() {
        out[(j0 + c) * m + i0..][..R].copy_from_slice(sums);
    }
}

/// Whether to compile only the two block sizes of large matrices: in wasm, blocks for every
/// shape at every call site made the hot loops so large that V8 ran them 10-20% slower.
const FEW_SHAPES: bool = cfg!(target_arch = "wasm32");

/// out = A B, with A m × k column-major (`a`), B k × n, and out m × n column-major.
#[inline(always)]
pub fn product<I: Isa, T: Real>(out: &mut [T], a: &[T], m: usize, b: &impl RightOperand<T>) {
    let n = b.cols();
    assert!(
        m > 0 && out.len() == m * n && a.len() == m * b.rows(),
        "product shapes"
    );
    // Up to two vectors of rows per block (at most 16 rows: with more, LLVM kept the
    // accumulators in memory), the most that fits in the matrix.
    let lanes = I::LANES * T::PER_WORD;
    match m {
        16.. if lanes >= 8 => tiles::<I, T, 16>(out, a, m, n, b),
        8.. if lanes >= 4 => tiles::<I, T, 8>(out, a, m, n, b),
        4.. if !FEW_SHAPES || lanes == 2 => tiles::<I, T, 4>(out, a, m, n, b),
        2.. if !FEW_SHAPES => tiles::<I, T, 2>(out, a, m, n, b),
        _ => tiles::<I, T, 1>(out, a, m, n, b),
    }
}

/// Starts of blocks of `size` covering 0..len, the last one shifted back to end at len.
#[inline(always)]
fn starts(len: usize, size: usize) -> impl Iterator<Item = usize> {
    (0..len.div_ceil(size)).map(move |b| (b * size).min(len - size))
}

#[inline(always)]
fn tiles<I: Isa, T: Real, const R: usize>(
    out: &mut [T],
    a: &[T],
    m: usize,
    n: usize,
    b: &impl RightOperand<T>,
) {
    // More columns per block means more independent multiply-add chains. Not more than 4:
    // with blocks of 8 (or of 32 rows) LLVM kept the accumulators in memory, 2-7x slower.
    if n >= 4 {
        columns::<I, T, R, 4>(out, a, m, n, b);
    } else if n >= 2 && !FEW_SHAPES {
        columns::<I, T, R, 2>(out, a, m, n, b);
    } else {
        columns::<I, T, R, 1>(out, a, m, n, b);
    }
}

/// Every R × C block of the product, the last ones shifted back to fit.
#[inline(always)]
fn columns<I: Isa, T: Real, const R: usize, const C: usize>(
    out: &mut [T],
    a: &[T],
    m: usize,
    n: usize,
    b: &impl RightOperand<T>,
) {
    // A block of one vector has only C independent chains: then two blocks share a pass.
    // (With blocks of two vectors of f32 LLVM kept the accumulators in memory.) Not in wasm,
    // where it is never one vector (see FEW_SHAPES).
    let pairs = !FEW_SHAPES && R == I::LANES * T::PER_WORD;
    for j0 in starts(n, C) {
        let mut rows = starts(m, R);
        while let Some(i0) = rows.next() {
            match if pairs { rows.next() } else { None } {
                Some(i1) => b.block_pair::<I, R, C>(out, a, m, (i0, i1), j0),
                None => b.block::<I, R, C>(out, a, m, i0, j0),
            }
        }
    }
}

/// Partial sums of a reduction: enough to fill the widest vectors and hide their latency.
const PARTS: usize = 8;

/// sum_i a[i] b[i].
#[inline(always)]
pub fn dot<I: Isa, T: Real>(a: &[T], b: &[T]) -> T {
    // Fixed-size chunks: no bounds checks inside, so the partial sums become one vector each.
    let (a_chunks, a_tail) = a.as_chunks::<PARTS>();
    let (b_chunks, b_tail) = b[..a.len()].as_chunks::<PARTS>();
    let mut parts = [T::ZERO; PARTS];
    for (x, y) in a_chunks.iter().zip(b_chunks) {
        I::mul_add_lanes(&mut parts, x, y);
    }
    for (l, (x, y)) in a_tail.iter().zip(b_tail).enumerate() {
        parts[l] = I::mul_add(*x, *y, parts[l]);
    }
    add_parts(&parts)
}

/// The sum of the partial sums, pairwise.
#[inline(always)]
fn add_parts<T: Real>(parts: &[T; PARTS]) -> T {
    ((parts[0] + parts[4]) + (parts[1] + parts[5]))
        + ((parts[2] + parts[6]) + (parts[3] + parts[7]))
}

/// out = the sum of the columns of `columns` (out.len() rows each).
#[inline(always)]
pub fn column_sum<T: Real>(out: &mut [T], columns: &[T]) {
    let m = out.len();
    out.fill(T::ZERO);
    for j in 0..columns.len() / m {
        let column = &columns[j * m..][..m];
        for i in 0..m {
            out[i] += column[i];
        }
    }
}

/// The transpose of an m × n column-major matrix, into `out` (n × m column-major).
pub fn transpose_into<T: Copy>(out: &mut [T], a: &[T], m: usize) {
    let n = a.len() / m;
    for (j, column) in a.chunks_exact(m).enumerate() {
        for (i, &x) in column.iter().enumerate() {
            out[i * n + j] = x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::simd::{Avx2, Avx512, Baseline};

    fn naive(a: &[f64], m: usize, b: &[f64], k: usize) -> Vec<f64> {
        let n = b.len() / k;
        let mut out = vec![0.0; m * n];
        for j in 0..n {
            for i in 0..m {
                out[j * m + i] = (0..k).map(|p| a[p * m + i] * b[j * k + p]).sum();
            }
        }
        out
    }

    fn numbers(len: usize, seed: usize) -> Vec<f64> {
        (0..len)
            .map(|i| (((i * 7919 + seed * 104_729) % 1000) as f64 - 500.0) / 250.0)
            .collect()
    }

    fn check<I: Isa>() {
        // Sizes around every block edge, including ones smaller than a block.
        for (m, k, n) in [
            (1, 1, 1),
            (3, 2, 5),
            (7, 12, 3),
            (16, 5, 4),
            (17, 9, 6),
            (50, 50, 20),
            (50, 2, 7),
            (33, 40, 2),
        ] {
            let (a, b) = (numbers(m * k, 1), numbers(k * n, 2));
            let expected = naive(&a, m, &b, k);
            let mut out = vec![f64::NAN; m * n];
            product::<I, f64>(&mut out, &a, m, &Columns { data: &b, k });
            let close = |x: &[f64]| x.iter().zip(&expected).all(|(p, q)| (p - q).abs() < 1e-12);
            assert!(close(&out), "product {m}×{k}×{n}");
            let mut bt = vec![0.0; k * n];
            transpose_into(&mut bt, &b, k);
            out.fill(f64::NAN);
            product::<I, f64>(&mut out, &a, m, &Transposed { data: &bt, n });
            assert!(close(&out), "product with a transposed operand {m}×{k}×{n}");
        }
        for len in [0, 1, 7, 8, 9, 50] {
            let (a, b) = (numbers(len, 3), numbers(len, 4));
            let expected: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!(
                (dot::<I, f64>(&a, &b) - expected).abs() < 1e-12,
                "dot of {len}"
            );
        }
    }

    fn check_f32<I: Isa>() {
        for (m, k, n) in [(3, 2, 5), (33, 7, 9), (50, 50, 4), (70, 3, 2)] {
            let (a, b) = (numbers(m * k, 5), numbers(k * n, 6));
            let expected = naive(&a, m, &b, k);
            let (a32, b32): (Vec<f32>, Vec<f32>) = (
                a.iter().map(|&x| x as f32).collect(),
                b.iter().map(|&x| x as f32).collect(),
            );
            let mut out = vec![f32::NAN; m * n];
            product::<I, f32>(&mut out, &a32, m, &Columns { data: &b32, k });
            let worst = out
                .iter()
                .zip(&expected)
                .map(|(p, q)| (*p as f64 - q).abs())
                .fold(0.0, f64::max);
            assert!(
                worst < 1e-4 * k as f64,
                "f32 product {m}×{k}×{n}: {worst:e}"
            );
        }
    }

    // Each instantiation runs here without its target features: the code is the same, only
    // the instructions differ, so this checks the block logic of every variant on any CPU.
    #[test]
    fn products_and_dots_match_the_textbook_sums_for_every_variant() {
        check::<Baseline>();
        check::<Avx2>();
        check::<Avx512>();
        check_f32::<Baseline>();
        check_f32::<Avx2>();
        check_f32::<Avx512>();
    }
}
