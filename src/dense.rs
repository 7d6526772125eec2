//! The matrix products and sums of the hot loops, on column-major slices. They are generic over
//! an [`Isa`] and `#[inline(always)]`, so each compiles inside the caller's vector variant.
//!
//! A product is computed block by block: R rows × 4 columns of the result stay in registers
//! (R = two vectors' worth, which hides the multiply-add latency) while the shared dimension
//! streams through. A last block that would stick out is shifted back to overlap the one
//! before; it recomputes a few entries with the very same result, and no edge case remains.

use crate::simd::Isa;

/// Columns of the result computed together.
const COLS: usize = 4;

/// The right operand of a product, read one row (of the block's columns) at a time.
pub trait RightOperand {
    /// Columns of the operand (of the result).
    fn cols(&self) -> usize;
    /// Rows 0..k of columns j0..j0 + C, one row at a time.
    fn rows<const C: usize>(&self, j0: usize) -> impl Iterator<Item = [f64; C]>;
}

/// A k × n matrix stored column-major.
pub struct Columns<'a> {
    pub data: &'a [f64],
    pub k: usize,
}

/// The transpose of an n × k matrix stored column-major: its k columns are our rows.
pub struct Transposed<'a> {
    pub data: &'a [f64],
    pub n: usize,
}

impl RightOperand for Columns<'_> {
    fn cols(&self) -> usize {
        self.data.len() / self.k
    }

    #[inline(always)]
    fn rows<const C: usize>(&self, j0: usize) -> impl Iterator<Item = [f64; C]> {
        let k = self.k;
        // Slices of exactly k, so indexing them by p < k needs no bounds check.
        let columns: [&[f64]; C] = std::array::from_fn(|c| &self.data[(j0 + c) * k..][..k]);
        (0..k).map(move |p| std::array::from_fn(|c| columns[c][p]))
    }
}

impl RightOperand for Transposed<'_> {
    fn cols(&self) -> usize {
        self.n
    }

    #[inline(always)]
    fn rows<const C: usize>(&self, j0: usize) -> impl Iterator<Item = [f64; C]> {
        self.data
            .chunks_exact(self.n)
            .map(move |row| *<&[f64; C]>::try_from(&row[j0..j0 + C]).expect("C columns"))
    }
}

/// out = A B, with A m × k column-major (`a`), B k × n, and out m × n column-major.
#[inline(always)]
pub fn product<I: Isa>(out: &mut [f64], a: &[f64], m: usize, b: &impl RightOperand) {
    let n = b.cols();
    assert!(
        m > 0 && out.len() == m * n && a.len().is_multiple_of(m),
        "product shapes"
    );
    // Two vectors of rows per block where the matrix is tall enough, else one row at a time.
    match I::LANES {
        8 if m >= 16 => tiles::<I, 16>(out, a, m, n, b),
        4 if m >= 8 => tiles::<I, 8>(out, a, m, n, b),
        2 if m >= 4 => tiles::<I, 4>(out, a, m, n, b),
        _ => tiles::<I, 1>(out, a, m, n, b),
    }
}

/// Starts of blocks of `size` covering 0..len, the last one shifted back to end at len.
#[inline(always)]
fn starts(len: usize, size: usize) -> impl Iterator<Item = usize> {
    (0..len.div_ceil(size)).map(move |b| (b * size).min(len - size))
}

#[inline(always)]
fn tiles<I: Isa, const R: usize>(
    out: &mut [f64],
    a: &[f64],
    m: usize,
    n: usize,
    b: &impl RightOperand,
) {
    if n >= COLS {
        for j0 in starts(n, COLS) {
            for i0 in starts(m, R) {
                block::<I, R, COLS>(out, a, m, i0, j0, b.rows::<COLS>(j0));
            }
        }
    } else {
        for j0 in 0..n {
            for i0 in starts(m, R) {
                block::<I, R, 1>(out, a, m, i0, j0, b.rows::<1>(j0));
            }
        }
    }
}

/// Rows i0..i0 + R and columns j0..j0 + C of out = A B.
#[inline(always)]
fn block<I: Isa, const R: usize, const C: usize>(
    out: &mut [f64],
    a: &[f64],
    m: usize,
    i0: usize,
    j0: usize,
    b_rows: impl Iterator<Item = [f64; C]>,
) {
    let mut acc = [[0.0; R]; C];
    for (a_column, b_row) in a.chunks_exact(m).zip(b_rows) {
        let a_part: &[f64; R] = a_column[i0..i0 + R].try_into().expect("R rows");
        for c in 0..C {
            for r in 0..R {
                acc[c][r] = I::mul_add(a_part[r], b_row[c], acc[c][r]);
            }
        }
    }
    for (c, sums) in acc.iter().enumerate() {
        out[(j0 + c) * m + i0..][..R].copy_from_slice(sums);
    }
}

/// Partial sums of a reduction: enough to fill the widest vectors and hide their latency.
const PARTS: usize = 8;

/// sum_i a[i] b[i].
#[inline(always)]
pub fn dot<I: Isa>(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "dot lengths");
    let mut parts = [0.0; PARTS];
    let (a_main, a_tail) = a.split_at(a.len() - a.len() % PARTS);
    let (b_main, b_tail) = b.split_at(a_main.len());
    for (x, y) in a_main.chunks_exact(PARTS).zip(b_main.chunks_exact(PARTS)) {
        for l in 0..PARTS {
            parts[l] = I::mul_add(x[l], y[l], parts[l]);
        }
    }
    for (l, (x, y)) in a_tail.iter().zip(b_tail).enumerate() {
        parts[l] = I::mul_add(*x, *y, parts[l]);
    }
    add_parts(&parts)
}

/// sum_i values[i].
#[inline(always)]
pub fn sum(values: &[f64]) -> f64 {
    let mut parts = [0.0; PARTS];
    for chunk in values.chunks(PARTS) {
        for (part, &v) in parts.iter_mut().zip(chunk) {
            *part += v;
        }
    }
    add_parts(&parts)
}

/// The sum of the partial sums, pairwise.
#[inline(always)]
fn add_parts(parts: &[f64; PARTS]) -> f64 {
    ((parts[0] + parts[4]) + (parts[1] + parts[5]))
        + ((parts[2] + parts[6]) + (parts[3] + parts[7]))
}

/// out = the sum of the columns of `columns` (m rows each).
#[inline(always)]
pub fn column_sum(out: &mut [f64], columns: &[f64]) {
    out.fill(0.0);
    for column in columns.chunks_exact(out.len()) {
        for (o, &x) in out.iter_mut().zip(column) {
            *o += x;
        }
    }
}

/// The transpose of an m × n column-major matrix, into `out` (n × m column-major).
pub fn transpose_into(out: &mut [f64], a: &[f64], m: usize) {
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
    use crate::simd::{Avx2, Avx512, Baseline};

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
            product::<I>(&mut out, &a, m, &Columns { data: &b, k });
            let close = |x: &[f64]| x.iter().zip(&expected).all(|(p, q)| (p - q).abs() < 1e-12);
            assert!(close(&out), "product {m}×{k}×{n}");
            let mut bt = vec![0.0; k * n];
            transpose_into(&mut bt, &b, k);
            out.fill(f64::NAN);
            product::<I>(&mut out, &a, m, &Transposed { data: &bt, n });
            assert!(close(&out), "product with a transposed operand {m}×{k}×{n}");
        }
        for len in [0, 1, 7, 8, 9, 50] {
            let (a, b) = (numbers(len, 3), numbers(len, 4));
            let expected: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot::<I>(&a, &b) - expected).abs() < 1e-12, "dot of {len}");
        }
    }

    // Each instantiation runs here without its target features: the code is the same, only
    // the instructions differ, so this checks the block logic of every variant on any CPU.
    #[test]
    fn products_and_dots_match_the_textbook_sums_for_every_variant() {
        check::<Baseline>();
        check::<Avx2>();
        check::<Avx512>();
    }
}
