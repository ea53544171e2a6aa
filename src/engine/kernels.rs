//! The one dense operation the forward and backward passes are made of, on blocks of samples:
//!
//! ```text
//! C[r][j] ← fma(A(r, p), M[p][j], C[r][j])   for p = 0, 1, …, depth − 1 in that order
//! ```
//!
//! Every output element is one chain of fused multiply-adds in a fixed order, so the result is
//! the same bits whatever the tiling, the vector width or the machine: IEEE 754 defines fma as
//! exactly rounded, and the order never depends on the CPU. Only the speed does: on x86-64
//! with AVX2 and FMA (detected at run time) the tiles compile to 256-bit FMA instructions;
//! elsewhere the same code runs with the target's own fma (native on aarch64, exact in software
//! on an x86-64 without FMA, where it is slow but gives the same bits).
//!
//! Tiles of 4 rows × 8 columns keep their 32 accumulators in registers while `p` runs; rows
//! and columns that do not fill a tile take narrower tiles of the same arithmetic.

/// Where a strided operand's element (r, p) lives: `data[r * row + p * col]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strided<'a> {
    pub data: &'a [f64],
    pub row: usize,
    pub col: usize,
}

/// `C[r][j] ← fold over p of fma(A(r, p), M[p][j], C[r][j])` for r < rows, j < cols, with
/// `M[p][j] = m[p * m_row + j]` and `C[r][j] = c[r * c_row + j]`. With a `bias` (`cols`
/// values), each chain starts from `bias[j]` instead of C's value: as if the bias had been
/// copied into every row of C first, without the copy.
///
/// # Panics
/// If an operand is too short for the shape.
// A BLAS-style kernel: shapes and strides as plain arguments keep the hot loop free of
// indirection.
#[allow(clippy::too_many_arguments)]
pub(crate) fn mul_acc(
    bias: Option<&[f64]>,
    rows: usize,
    cols: usize,
    depth: usize,
    a: Strided<'_>,
    m: &[f64],
    m_row: usize,
    c: &mut [f64],
    c_row: usize,
) {
    if rows == 0 || cols == 0 {
        return;
    }
    assert!(bias.is_none_or(|b| b.len() >= cols), "bias too short");
    if depth == 0 {
        if let Some(b) = bias {
            for r in 0..rows {
                c[r * c_row..r * c_row + cols].copy_from_slice(&b[..cols]);
            }
        }
        return;
    }
    let last = |row: usize, col: usize, r: usize, p: usize| r * row + p * col;
    assert!(
        last(a.row, a.col, rows - 1, depth - 1) < a.data.len(),
        "A too short"
    );
    assert!((depth - 1) * m_row + cols <= m.len(), "M too short");
    assert!((rows - 1) * c_row + cols <= c.len(), "C too short");
    #[cfg(target_arch = "x86_64")]
    if fma_available() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        unsafe { mul_acc_fma(bias, rows, cols, depth, a, m, m_row, c, c_row) };
        return;
    }
    mul_acc_body(bias, rows, cols, depth, a, m, m_row, c, c_row);
}

/// Whether the 256-bit FMA path can run (x86-64 only; detected once, then a cached load).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn fma_available() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn mul_acc_fma(
    bias: Option<&[f64]>,
    rows: usize,
    cols: usize,
    depth: usize,
    a: Strided<'_>,
    m: &[f64],
    m_row: usize,
    c: &mut [f64],
    c_row: usize,
) {
    mul_acc_body(bias, rows, cols, depth, a, m, m_row, c, c_row);
}

/// Runs `f` compiled for AVX2 and FMA when the CPU has them, else as is: for element-wise loops
/// (activations, losses) whose arithmetic does not depend on the instructions chosen.
#[inline(always)]
pub(crate) fn with_fast_path<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if fma_available() {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        return unsafe { run(f) };
    }
    f()
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn mul_acc_body(
    bias: Option<&[f64]>,
    rows: usize,
    cols: usize,
    depth: usize,
    a: Strided<'_>,
    m: &[f64],
    m_row: usize,
    c: &mut [f64],
    c_row: usize,
) {
    let mut r = 0;
    while r < rows {
        let left = rows - r;
        let n = match left {
            1 => row_tiles::<1>(bias, r, cols, depth, a, m, m_row, c, c_row),
            2 => row_tiles::<2>(bias, r, cols, depth, a, m, m_row, c, c_row),
            3 => row_tiles::<3>(bias, r, cols, depth, a, m, m_row, c, c_row),
            _ => row_tiles::<4>(bias, r, cols, depth, a, m, m_row, c, c_row),
        };
        r += n;
    }
}

/// One band of `R` rows starting at `r0`, across all columns. Returns `R`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn row_tiles<const R: usize>(
    bias: Option<&[f64]>,
    r0: usize,
    cols: usize,
    depth: usize,
    a: Strided<'_>,
    m: &[f64],
    m_row: usize,
    c: &mut [f64],
    c_row: usize,
) -> usize {
    let mut j = 0;
    while cols - j >= 8 {
        tile::<R, 8>(bias, r0, j, depth, a, m, m_row, c, c_row);
        j += 8;
    }
    if cols - j >= 4 {
        tile::<R, 4>(bias, r0, j, depth, a, m, m_row, c, c_row);
        j += 4;
    }
    if cols - j >= 2 {
        tile::<R, 2>(bias, r0, j, depth, a, m, m_row, c, c_row);
        j += 2;
    }
    if cols - j >= 1 {
        tile::<R, 1>(bias, r0, j, depth, a, m, m_row, c, c_row);
    }
    R
}

/// An `R` × `W` tile at (r0, j0): accumulators in registers for the whole depth.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn tile<const R: usize, const W: usize>(
    bias: Option<&[f64]>,
    r0: usize,
    j0: usize,
    depth: usize,
    a: Strided<'_>,
    m: &[f64],
    m_row: usize,
    c: &mut [f64],
    c_row: usize,
) {
    let mut acc = [[0.0f64; W]; R];
    for (r, acc_r) in acc.iter_mut().enumerate() {
        match bias {
            Some(b) => acc_r.copy_from_slice(&b[j0..j0 + W]),
            None => {
                let at = (r0 + r) * c_row + j0;
                acc_r.copy_from_slice(&c[at..at + W]);
            }
        }
    }
    let a_base = r0 * a.row;
    let m_rows = (0..depth).map(|p| &m[p * m_row + j0..p * m_row + j0 + W]);
    let step = |acc: &mut [[f64; W]; R], x: [f64; R], m_p: &[f64]| {
        let mv: &[f64; W] = m_p.try_into().expect("tile width");
        for (acc_r, &x) in acc.iter_mut().zip(&x) {
            for (acc_rj, &mj) in acc_r.iter_mut().zip(mv) {
                *acc_rj = x.mul_add(mj, *acc_rj);
            }
        }
    };
    // The same chains whatever A's layout; slicing A once per row (or once per p) lets the
    // compiler drop the per-element bounds checks.
    if a.col == 1 {
        let rows: [&[f64]; R] = std::array::from_fn(|r| &a.data[a_base + r * a.row..][..depth]);
        for (p, m_p) in m_rows.enumerate() {
            step(&mut acc, std::array::from_fn(|r| rows[r][p]), m_p);
        }
    } else if a.row == 1 {
        for (p, m_p) in m_rows.enumerate() {
            let x: &[f64; R] = a.data[a_base + p * a.col..][..R]
                .try_into()
                .expect("tile rows");
            step(&mut acc, *x, m_p);
        }
    } else {
        for (p, m_p) in m_rows.enumerate() {
            let at = a_base + p * a.col;
            step(
                &mut acc,
                std::array::from_fn(|r| a.data[at + r * a.row]),
                m_p,
            );
        }
    }
    for (r, acc_r) in acc.iter().enumerate() {
        let at = (r0 + r) * c_row + j0;
        c[at..at + W].copy_from_slice(acc_r);
    }
}

/// `out[j][i] = w[i][j]` for a row-major `rows` × `cols` matrix `w`.
pub(crate) fn transpose(w: &[f64], rows: usize, cols: usize, out: &mut [f64]) {
    assert!(w.len() >= rows * cols && out.len() >= rows * cols);
    for (i, row) in w.chunks_exact(cols).take(rows).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            out[j * rows + i] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: one scalar fma chain per element, in order.
    #[allow(clippy::too_many_arguments)]
    fn naive(
        rows: usize,
        cols: usize,
        depth: usize,
        a: Strided<'_>,
        m: &[f64],
        m_row: usize,
        c: &mut [f64],
        c_row: usize,
    ) {
        for r in 0..rows {
            for j in 0..cols {
                let mut acc = c[r * c_row + j];
                for p in 0..depth {
                    acc = a.data[r * a.row + p * a.col].mul_add(m[p * m_row + j], acc);
                }
                c[r * c_row + j] = acc;
            }
        }
    }

    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mixed magnitudes and signs, so rounding differences would show.
                ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 10f64.powi((x % 7) as i32 - 3)
            })
            .collect()
    }

    #[test]
    fn every_shape_is_bit_identical_to_the_scalar_chain() {
        for rows in [1, 2, 3, 4, 5, 7, 10, 13] {
            for cols in [1, 2, 3, 5, 8, 9, 15, 17, 64] {
                for depth in [1, 2, 7, 64] {
                    // Row-major, column-major, and every other element of a wider matrix.
                    let (row, col) = match rows % 3 {
                        0 => (depth, 1),
                        1 => (1, rows),
                        _ => (2 * depth, 2),
                    };
                    let a = values(2 * rows * depth, 1);
                    let m = values(depth * (cols + 3), 2);
                    let c0 = values(rows * (cols + 1), 3);
                    let (mut c, mut want) = (c0.clone(), c0);
                    let sa = Strided { data: &a, row, col };
                    mul_acc(None, rows, cols, depth, sa, &m, cols + 3, &mut c, cols + 1);
                    naive(rows, cols, depth, sa, &m, cols + 3, &mut want, cols + 1);
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&c), bits(&want), "{rows}×{cols}×{depth}");
                }
            }
        }
    }

    #[test]
    fn starting_from_a_bias_is_copying_it_first() {
        for (rows, cols, depth) in [(1, 1, 1), (5, 9, 3), (13, 17, 64), (4, 8, 0)] {
            let a = values(rows * depth.max(1), 4);
            let m = values(depth.max(1) * cols, 5);
            let bias = values(cols, 6);
            let sa = Strided {
                data: &a,
                row: depth.max(1),
                col: 1,
            };
            let mut want: Vec<f64> = (0..rows).flat_map(|_| bias.iter().copied()).collect();
            mul_acc(None, rows, cols, depth, sa, &m, cols, &mut want, cols);
            let mut got = values(rows * cols, 7);
            mul_acc(Some(&bias), rows, cols, depth, sa, &m, cols, &mut got, cols);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{rows}×{cols}×{depth}");
        }
    }

    #[test]
    fn transpose_swaps_indices() {
        let w = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut t = [0.0; 6];
        transpose(&w, 2, 3, &mut t);
        assert_eq!(t, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }
}
