//! The CPU GEMM benchmark: GFLOP/s of the CPU backend's matmul (`matrixmultiply::sgemm`) on
//! square products of the model's sizes, next to a peak probe of the same core in the same
//! run: independent multiply-add chains on 4-lane f32 vectors (wasm SIMD128 `f32x4` in the
//! browser, SSE natively: the same width), 2 FLOP per lane per multiply-add (no fused
//! multiply-add: wasm SIMD128 has none), 8 chains so that latency never limits. GEMM / peak says how close the kernel gets to this core.
//! In the browser build with relaxed SIMD a second probe runs the same chains with its fused
//! `f32x4.relaxed_madd`, and the kernel is [`fma_gemm`](crate::backend::fma_gemm).

use serde::Serialize;

use crate::backend::{cpu::CpuBackend, Backend, MatmulSpec};

/// Sizes of the table (the model's layers are 16-1024 wide).
pub const SIZES: [usize; 5] = [32, 64, 128, 256, 512];

/// One row: an n×n·n×n product.
#[derive(Clone, Debug, Serialize)]
pub struct GemmRow {
    /// n.
    pub n: usize,
    /// GFLOP/s (2n³ FLOP per product).
    pub gflops: f64,
    /// gflops / the peak probe's.
    pub of_peak: f64,
}

/// The table and the peak.
#[derive(Clone, Debug, Serialize)]
pub struct GemmReport {
    /// The matmul kernel of this build ([`crate::backend::cpu::KERNEL`]).
    pub kernel: &'static str,
    /// The peak probe (multiply then add), GFLOP/s.
    pub peak_gflops: f64,
    /// The fused multiply-add probe, GFLOP/s, in a build with relaxed SIMD (null elsewhere).
    pub fma_peak_gflops: Option<f64>,
    /// One row per size.
    pub rows: Vec<GemmRow>,
}

/// Repetitions per second of `work` over `window` seconds of `clock` (after one warm-up
/// window).
fn rate(clock: &dyn Fn() -> f64, window: f64, work: &mut dyn FnMut()) -> f64 {
    for pass in 0..2 {
        let start = clock();
        let mut reps = 0u64;
        while clock() - start < window && reps < 10_000_000 {
            work();
            reps += 1;
        }
        if pass == 1 {
            return reps as f64 / (clock() - start).max(1e-6);
        }
    }
    0.0
}

/// 4096 rounds of 8 independent chains c ← step(c, m, a) on 4-lane f32 vectors; returns a
/// lane so that nothing is optimised away.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn chains_of(
    m: f32,
    a: f32,
    step: impl Fn(
        core::arch::wasm32::v128,
        core::arch::wasm32::v128,
        core::arch::wasm32::v128,
    ) -> core::arch::wasm32::v128,
) -> f32 {
    use core::arch::wasm32::*;
    let (mv, av) = (f32x4_splat(m), f32x4_splat(a));
    let mut acc = [f32x4_splat(1.0); 8];
    for _ in 0..4096 {
        for c in acc.iter_mut() {
            *c = step(*c, mv, av);
        }
    }
    let sum = acc.iter().fold(f32x4_splat(0.0), |s, c| f32x4_add(s, *c));
    f32x4_extract_lane::<0>(sum)
}

/// Multiply-then-add chains (wasm SIMD128 has no fused multiply-add).
#[cfg(target_arch = "wasm32")]
fn chains(m: f32, a: f32) -> f32 {
    use core::arch::wasm32::*;
    chains_of(m, a, |c, m, a| f32x4_add(f32x4_mul(c, m), a))
}

/// The same chains with the fused multiply-add of relaxed SIMD (`f32x4.relaxed_madd`), in
/// the browser build that has it: the peak of that instruction set.
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
fn fma_chains(m: f32, a: f32) -> f32 {
    use core::arch::wasm32::*;
    chains_of(m, a, |c, m, a| f32x4_relaxed_madd(c, m, a))
}

/// The same with SSE (4 lanes, the x86-64 baseline) natively.
#[cfg(target_arch = "x86_64")]
fn chains(m: f32, a: f32) -> f32 {
    use std::arch::x86_64::*;
    // SAFETY: SSE is part of the x86-64 baseline; these intrinsics only compute on registers.
    unsafe {
        let (mv, av) = (_mm_set1_ps(m), _mm_set1_ps(a));
        let mut acc = [_mm_set1_ps(1.0); 8];
        for _ in 0..4096 {
            for c in acc.iter_mut() {
                *c = _mm_add_ps(_mm_mul_ps(*c, mv), av);
            }
        }
        let sum = acc.iter().fold(_mm_setzero_ps(), |s, c| _mm_add_ps(s, *c));
        _mm_cvtss_f32(sum)
    }
}

/// Elsewhere: plain arrays, which the compiler vectorises as it can.
#[cfg(not(any(target_arch = "wasm32", target_arch = "x86_64")))]
fn chains(m: f32, a: f32) -> f32 {
    let mut acc = [[1.0f32; 4]; 8];
    for _ in 0..4096 {
        for c in acc.iter_mut() {
            for l in c.iter_mut() {
                *l = *l * m + a;
            }
        }
    }
    acc.iter().flatten().sum()
}

/// FLOP/s of `probe` (one of the chains): 4096 · 8 chains · 4 lanes · 2 FLOP per call.
fn peak(clock: &dyn Fn() -> f64, window: f64, probe: fn(f32, f32) -> f32) -> f64 {
    let mut sink = 0.0f32;
    let reps = rate(clock, window, &mut || {
        sink += probe(std::hint::black_box(0.999_9), std::hint::black_box(1e-7));
    });
    std::hint::black_box(sink);
    reps * (4096 * 8 * 4 * 2) as f64
}

/// The table: each size timed for `window` seconds of `clock`.
pub fn gemm_table(clock: &dyn Fn() -> f64, window: f64) -> GemmReport {
    let peak_gflops = peak(clock, window, chains) / 1e9;
    #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
    let fma_peak_gflops = Some(peak(clock, window, fma_chains) / 1e9);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "relaxed-simd")))]
    let fma_peak_gflops = None;
    let rows = SIZES
        .iter()
        .map(|&n| {
            let spec = MatmulSpec::new(1, n, n, n);
            let a = vec![0.5f32; n * n];
            let b = vec![0.25f32; n * n];
            let mut c = vec![0.0f32; n * n];
            let reps = rate(clock, window, &mut || {
                // The shapes are valid by construction; a failure would only slow the loop.
                let _ = CpuBackend.matmul(&spec, &a, &b, &mut c);
            });
            let gflops = reps * 2.0 * (n * n * n) as f64 / 1e9;
            GemmRow {
                n,
                gflops,
                of_peak: gflops / peak_gflops.max(1e-9),
            }
        })
        .collect();
    GemmReport {
        kernel: crate::backend::cpu::KERNEL,
        peak_gflops,
        fma_peak_gflops,
        rows,
    }
}
