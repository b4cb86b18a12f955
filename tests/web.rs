//! Browser tests (headless Chromium through wasm-bindgen-test-runner and ./webdriver.json):
//! the conformance suite on the CPU path and on WebGPU (SwiftShader in CI), the seeded
//! streams bit-identical to native, and the fragment/bounds boundary.
//! A missing WebGPU adapter fails the test: the runner starts Chromium with
//! `--enable-unsafe-webgpu`, so one must exist.
#![cfg(target_arch = "wasm32")]

use caulk::backend::conformance::{matmul_suite, ops_suite};
use caulk::backend::cpu::CpuBackend;
use caulk::backend::wgpu::GpuBackend;
use caulk::backend::{probe_device, Backend};
use caulk::config::{BackendChoice, Config};
use caulk::rng::{Rng, Stream};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn cpu_backend_matches_reference_in_wasm() {
    let report = matmul_suite(&CpuBackend).await.expect("CPU conformance");
    assert_eq!(report.cases.len(), 7 * 4 + 1);
}

/// The CPU kernel is the build's own: the fused multiply-add GEMM where the build has
/// relaxed SIMD (scripts/test.sh runs the CPU tests of that build too), matrixmultiply in
/// the plain SIMD128 build, so neither run checks the other's kernel by mistake.
#[wasm_bindgen_test]
fn cpu_kernel_is_the_builds_own() {
    let want = match cfg!(target_feature = "relaxed-simd") {
        true => "CPU (relaxed-SIMD FMA GEMM)",
        false => "CPU (matrixmultiply sgemm)",
    };
    assert_eq!(CpuBackend.describe(), want);
}

#[wasm_bindgen_test]
async fn webgpu_backend_matches_reference() {
    let gpu = GpuBackend::new()
        .await
        .unwrap_or_else(|e| panic!("no WebGPU adapter in the test browser: {e}"));
    assert!(gpu.describe().starts_with("WebGPU: "), "{}", gpu.describe());
    let report = matmul_suite(&gpu).await.expect("WebGPU conformance");
    assert_eq!(report.cases.len(), 7 * 4 + 1);
}

#[wasm_bindgen_test]
async fn probe_picks_webgpu_and_honours_backend_cpu() {
    let auto = probe_device(BackendChoice::Auto).await;
    assert!(auto.gpu, "{}", auto.line);
    assert!(auto.line.starts_with("WebGPU: "), "{}", auto.line);
    // SwiftShader is a software adapter: auto's sweeps run on the CPU, and the line says so.
    assert!(!auto.sweeps_on_gpu, "{}", auto.line);
    assert!(auto.line.contains("sweeps run on the CPU"), "{}", auto.line);
    // SwiftShader runs loops to the end (lavapipe's stop after 65535 passes in all).
    assert!(!auto.line.contains("loops stop"), "{}", auto.line);
    let gpu = probe_device(BackendChoice::Gpu).await;
    assert!(gpu.gpu && gpu.sweeps_on_gpu, "{}", gpu.line);
    assert!(!gpu.line.contains("CPU"), "{}", gpu.line);
    let cpu = probe_device(BackendChoice::Cpu).await;
    assert!(!cpu.gpu && !cpu.sweeps_on_gpu);
    assert!(cpu.line.starts_with("CPU fallback: "));
}

#[wasm_bindgen_test]
fn seeded_streams_match_native() {
    // The same pinned value as the native unit test in src/rng.rs.
    assert_eq!(
        Rng::new(0, Stream::Data).next_u64(),
        7_244_514_807_350_303_979
    );
}

#[wasm_bindgen_test]
fn fragments_and_bounds_work_in_wasm() {
    let (c, _) = Config::from_fragment("v=1&alpha=0.7&d=5").unwrap();
    assert_eq!(Config::from_fragment(&c.to_fragment()).unwrap().0, c);
    let r = caulk::theory::evaluate(&c);
    assert!((r.bounds[0].slope + 1.4 / 2.4).abs() < 1e-12);
}

#[wasm_bindgen_test]
fn data_generators_match_native_bit_for_bit() {
    use caulk::data::{fingerprint, ExtractorKind, Task, TaskSpec};
    let spec = TaskSpec {
        d: 4,
        k: 2,
        s: 0.5,
        s_phi: 1.0,
        sigma: 0.5,
        extractor: ExtractorKind::Ridge,
    };
    // The same value as DATA_FINGERPRINT in tests/data.rs (native).
    assert_eq!(
        fingerprint(&Task::new(spec, 2026).target(64)),
        5_137_253_316_110_123_826
    );
}

#[wasm_bindgen_test]
async fn training_primitives_match_reference_on_cpu_and_webgpu() {
    let cpu = ops_suite(&CpuBackend)
        .await
        .expect("CPU primitives in wasm");
    let gpu = GpuBackend::new().await.expect("WebGPU adapter");
    let report = ops_suite(&gpu).await.expect("WebGPU primitives");
    assert_eq!(report.cases, cpu.cases);
}

/// K models trained through the fused WebGPU kernel agree with the composed CPU path on the
/// same mini-batches (the shader compiles under the browser's WGSL rules, too).
#[wasm_bindgen_test]
async fn fused_webgpu_training_matches_the_cpu_path() {
    use caulk::experiment::bench::batching::{max_rel_diff, train_k, BatchingSetup};
    let gpu = GpuBackend::new().await.expect("WebGPU adapter");
    // 30 steps: at 40 one model's trajectory is chaotic (a 10⁻⁶ nudge of its starting
    // weights moves its best loss by 1.4 % on the CPU itself, and f32 summation orders
    // differ by that much), so only a loose bound would hold there.
    let setup = BatchingSetup {
        steps: 30,
        eval_every: 10,
        n: 64,
        val: 16,
        ..BatchingSetup::default()
    };
    let clock = || 0.0;
    let (cpu, _) = train_k(&CpuBackend, &setup, 3, &clock).await.unwrap();
    // Chromium offers `timestamp-query` on SwiftShader: the passes' device time is measured.
    assert!(gpu.time_passes(true), "the browser offers timestamp-query");
    let before = gpu.counters();
    let (web, _) = train_k(&gpu, &setup, 3, &clock).await.unwrap();
    let after = gpu.counters();
    let busy = gpu.device_seconds().await.unwrap().unwrap();
    assert!(busy > 0.0 && busy < 60.0, "device time {busy} s");
    // Two f32 Adam trajectories (different summation orders) drift apart slowly: the same
    // bound as natively on lavapipe (tests/fused.rs).
    let diff = max_rel_diff(&cpu, &web);
    assert!(diff < 1e-3, "best losses differ by {diff}");
    for (c, w) in cpu.iter().zip(&web) {
        // Both improved on their starting weights.
        assert!(c.best_step > 0 && w.best_step > 0, "{c:?} vs {w:?}");
        assert!(w.diverged_at.is_none(), "{w:?}");
    }
    // One load, 30 steps in 3 train dispatches, 4 evaluations, and after each later one a
    // save of the improved models' weights where any improved (at least once: see above).
    let dispatches = after.dispatches - before.dispatches;
    assert!(
        (1 + 3 + 4 + 1..=1 + 3 + 4 + 3).contains(&dispatches),
        "{dispatches} dispatches"
    );
}

/// `GPUDevice.destroy()` mid-sweep: the sweep finishes on the CPU with every point.
#[wasm_bindgen_test]
async fn a_destroyed_webgpu_device_mid_sweep_hands_over_to_the_cpu() {
    use caulk::experiment::{run_sweep, Cancel, Progress, Rates};
    let (c, _) = Config::from_fragment(
        "v=1&preset=headline&seeds=2&m=300&n=64,128&methods=caulk-adapter&steps=40",
    )
    .unwrap();
    let rates = Rates::cpu(1e9, 1e7);
    let gpu = GpuBackend::new().await.expect("WebGPU adapter");
    gpu.lose_device_after(6);
    let mut notes = Vec::new();
    let r = run_sweep(
        &c,
        &gpu,
        rates,
        &|| 0.0,
        &mut |_: &Progress| {},
        &mut |n: &str| notes.push(n.to_string()),
        &Cancel::new(),
    )
    .await
    .unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(r.device_lost.is_some());
    for curve in &r.curves {
        assert_eq!(curve.seeds_done, vec![2, 2], "{}", curve.label);
    }
}
