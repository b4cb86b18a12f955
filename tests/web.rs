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
    let cpu = probe_device(BackendChoice::Cpu).await;
    assert!(!cpu.gpu);
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
        1_386_253_471_589_125_981
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
