//! A GEMM built around a fused multiply-add on 4-lane f32 vectors, for the browser build with
//! relaxed SIMD (`f32x4.relaxed_madd`: one instruction for c + a·b where wasm SIMD128 needs a
//! multiply and an add). The CPU backend uses it in that build only
//! (`target_feature = "relaxed-simd"`); every other build keeps `matrixmultiply::sgemm`.
//! The page picks the relaxed build where the browser validates a relaxed-SIMD module
//! (`www/src/wasm-url.ts`), so both builds run the same Rust and agree within f32 rounding.
//!
//! C (m×n) = op(A) (m×k) · op(B) (k×n) (+ C when accumulating), row-major, op(X) = X or Xᵀ
//! as [`MatmulSpec`](super::MatmulSpec) says. The product is computed in blocks of
//! [`MR`]×[`NR`] = 4×8 of C held in 8 vector registers: B is packed into panels of 8 columns
//! (k rows of 8, contiguous), A into panels of 4 rows (k columns of 4), both zero-padded to
//! whole panels, so the microkernel streams two vectors of B and four scalars of A per step
//! of k and issues 8 multiply-adds:
//! `acc[r][h] ← acc[r][h] + a[p][r] · b[p][4h..4h+4]`   (r < 4, h < 2, p < k).
//! Natively (and in the plain SIMD128 build) the same code runs on a portable 4-lane type,
//! which is how the tests check the blocking against the f64 reference.
//!
//! Measured alternatives (BENCHMARKS.md): reading an untransposed B in place (rows n apart)
//! instead of packing it was slower at every size; a 6×8 block (12 accumulators) spilled
//! and ran at 0.7-0.9 of this one; broadcasting A straight from memory
//! (`v128.load32_splat`) was no faster than a scalar load and a splat.

/// Rows of C per microkernel block.
pub const MR: usize = 4;
/// Columns of C per microkernel block (two 4-lane vectors).
pub const NR: usize = 8;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::*;
    /// A 4-lane f32 vector.
    pub type V = v128;
    #[inline(always)]
    pub fn zero() -> V {
        f32x4_splat(0.0)
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        f32x4_splat(x)
    }
    /// The first 4 values of `s` as one vector load.
    #[inline(always)]
    pub fn load(s: &[f32]) -> V {
        assert!(s.len() >= 4);
        // SAFETY: `s` holds at least 4 f32 (asserted; the callers' slices are 4 long, so the
        // check folds away); wasm's v128.load has no alignment requirement.
        unsafe { v128_load(s.as_ptr() as *const v128) }
    }
    /// `v` into the first 4 values of `s` as one vector store.
    #[inline(always)]
    pub fn store(s: &mut [f32], v: V) {
        assert!(s.len() >= 4);
        // SAFETY: as in `load`, for a unique borrow.
        unsafe { v128_store(s.as_mut_ptr() as *mut v128, v) }
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        f32x4_add(a, b)
    }
    /// c + a·b: fused where the build has relaxed SIMD.
    #[inline(always)]
    pub fn madd(a: V, b: V, c: V) -> V {
        #[cfg(target_feature = "relaxed-simd")]
        {
            f32x4_relaxed_madd(a, b, c)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            f32x4_add(f32x4_mul(a, b), c)
        }
    }
    #[inline(always)]
    pub fn lanes(v: V) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(v),
            f32x4_extract_lane::<1>(v),
            f32x4_extract_lane::<2>(v),
            f32x4_extract_lane::<3>(v),
        ]
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    /// A 4-lane f32 vector (portable).
    pub type V = [f32; 4];
    #[inline(always)]
    pub fn zero() -> V {
        [0.0; 4]
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        [x; 4]
    }
    /// The first 4 values of `s`.
    #[inline(always)]
    pub fn load(s: &[f32]) -> V {
        [s[0], s[1], s[2], s[3]]
    }
    /// `v` into the first 4 values of `s`.
    #[inline(always)]
    pub fn store(s: &mut [f32], v: V) {
        s[..4].copy_from_slice(&v);
    }
    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
    }
    /// c + a·b, lane by lane.
    #[inline(always)]
    pub fn madd(a: V, b: V, c: V) -> V {
        [
            a[0].mul_add(b[0], c[0]),
            a[1].mul_add(b[1], c[1]),
            a[2].mul_add(b[2], c[2]),
            a[3].mul_add(b[3], c[3]),
        ]
    }
    #[inline(always)]
    pub fn lanes(v: V) -> [f32; 4] {
        v
    }
}

use lanes::{add, lanes as to_lanes, load, madd, splat, store, zero, V};

/// The shape and storage of one product: op(A) is m×k, op(B) k×n, C m×n, all row-major;
/// `trans_a`: A is stored k×m; `trans_b`: B is stored n×k.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Rows of C.
    pub m: usize,
    /// The inner dimension.
    pub k: usize,
    /// Columns of C.
    pub n: usize,
    /// A stored transposed.
    pub trans_a: bool,
    /// B stored transposed.
    pub trans_b: bool,
}

/// C = op(A)·op(B), or C += op(A)·op(B) when `accumulate`. The slices must hold m·k, k·n
/// and m·n values (the backend checks the spec before calling).
///
/// Both operands are packed (measured: reading an untransposed B in place, rows n apart, was
/// slower at every size, 0.8-0.95 of packing at 32-128 and 0.7 at 256-512).
pub fn gemm(s: Shape, a: &[f32], b: &[f32], c: &mut [f32], accumulate: bool) {
    let Shape { m, k, n, .. } = s;
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c[..m * n].fill(0.0);
        }
        return;
    }
    // B in panels of NR columns: panel q is k rows of NR values (zero beyond n).
    let panels_b = n.div_ceil(NR);
    let mut pb = vec![0.0f32; panels_b * k * NR];
    match s.trans_b {
        // op(B)[p][j] = b[j·k + p]: column j of op(B) is contiguous.
        true => {
            for j in 0..n {
                let (q, t) = (j / NR, j % NR);
                let panel = &mut pb[q * k * NR..(q + 1) * k * NR];
                for (p, v) in b[j * k..(j + 1) * k].iter().enumerate() {
                    panel[p * NR + t] = *v;
                }
            }
        }
        false => {
            for p in 0..k {
                for q in 0..panels_b {
                    let row = &b[p * n + q * NR..p * n + ((q + 1) * NR).min(n)];
                    pb[(q * k + p) * NR..(q * k + p) * NR + row.len()].copy_from_slice(row);
                }
            }
        }
    }
    let mut pa = vec![0.0f32; k * MR];
    for i0 in (0..m).step_by(MR) {
        let rows = MR.min(m - i0);
        // A's rows i0 … i0+3 as k columns of MR (zero beyond m).
        if rows < MR {
            pa.fill(0.0);
        }
        for r in 0..rows {
            match s.trans_a {
                true => {
                    for p in 0..k {
                        pa[p * MR + r] = a[p * m + i0 + r];
                    }
                }
                false => {
                    let src = &a[(i0 + r) * k..(i0 + r + 1) * k];
                    for (p, v) in src.iter().enumerate() {
                        pa[p * MR + r] = *v;
                    }
                }
            }
        }
        for q in 0..panels_b {
            let acc = block(&pa, pb[q * k * NR..(q + 1) * k * NR].chunks_exact(NR));
            let j0 = q * NR;
            let cols = NR.min(n - j0);
            for (r, row) in acc.iter().enumerate().take(rows) {
                let out = &mut c[(i0 + r) * n + j0..(i0 + r) * n + j0 + cols];
                if cols == NR {
                    // A whole block row: two vector stores (after adding C's values).
                    let (lo, hi) = out.split_at_mut(4);
                    let (v0, v1) = match accumulate {
                        true => (add(load(lo), row[0]), add(load(hi), row[1])),
                        false => (row[0], row[1]),
                    };
                    store(lo, v0);
                    store(hi, v1);
                    continue;
                }
                let (lo, hi) = (to_lanes(row[0]), to_lanes(row[1]));
                for (t, o) in out.iter_mut().enumerate() {
                    let v = if t < 4 { lo[t] } else { hi[t - 4] };
                    *o = if accumulate { *o + v } else { v };
                }
            }
        }
    }
}

/// The MR×NR block of packed A (k×MR) times packed B (k rows of NR):
/// `acc[r][h] += a[p][r] · b[p][4h..4h+4]`.
#[inline(always)]
fn block<'b>(pa: &[f32], rows: impl Iterator<Item = &'b [f32]>) -> [[V; 2]; MR] {
    let mut acc = [[zero(); 2]; MR];
    for (ap, bp) in pa.chunks_exact(MR).zip(rows) {
        let (b0, b1) = (load(&bp[..4]), load(&bp[4..NR]));
        for (row, &x) in acc.iter_mut().zip(ap) {
            let a = splat(x);
            row[0] = madd(a, b0, row[0]);
            row[1] = madd(a, b1, row[1]);
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shape class (edges in m and n, transposes, accumulation) against a plain triple
    /// loop in f64, to f32 rounding.
    #[test]
    fn matches_a_plain_product_on_every_edge_and_transpose() {
        let mut seed = 1u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        };
        for (m, k, n) in [
            (1, 1, 1),
            (3, 5, 7),
            (4, 8, 8),
            (5, 9, 17),
            (13, 31, 9),
            (64, 64, 64),
        ] {
            for trans_a in [false, true] {
                for trans_b in [false, true] {
                    for accumulate in [false, true] {
                        let a: Vec<f32> = (0..m * k).map(|_| next()).collect();
                        let b: Vec<f32> = (0..k * n).map(|_| next()).collect();
                        let c0: Vec<f32> = (0..m * n).map(|_| next()).collect();
                        let mut c = c0.clone();
                        let s = Shape {
                            m,
                            k,
                            n,
                            trans_a,
                            trans_b,
                        };
                        gemm(s, &a, &b, &mut c, accumulate);
                        for i in 0..m {
                            for j in 0..n {
                                let mut want = if accumulate {
                                    c0[i * n + j] as f64
                                } else {
                                    0.0
                                };
                                for p in 0..k {
                                    let x = if trans_a { a[p * m + i] } else { a[i * k + p] };
                                    let y = if trans_b { b[j * k + p] } else { b[p * n + j] };
                                    want += x as f64 * y as f64;
                                }
                                let got = c[i * n + j] as f64;
                                assert!(
                                    (got - want).abs() <= 1e-5 * (1.0 + want.abs()) * k as f64,
                                    "{m}×{k}×{n} {trans_a} {trans_b} {accumulate}: {got} vs {want}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
