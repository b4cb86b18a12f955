//! The backend conformance suite natively: CPU and wgpu (Vulkan; lavapipe in CI) against the
//! naive f64 reference. A missing GPU adapter is a failure, never a skip: the test command
//! installs Mesa's lavapipe driver so that every machine has one.
#![cfg(not(target_arch = "wasm32"))]

use caulk::backend::conformance::{matmul_suite, ops_suite};
use caulk::backend::cpu::CpuBackend;
use caulk::backend::wgpu::GpuBackend;
use caulk::backend::{self_check, Backend, MatmulSpec};

#[test]
fn cpu_backend_matches_reference() {
    let report = pollster::block_on(matmul_suite(&CpuBackend)).expect("CPU conformance");
    assert_eq!(report.cases.len(), 7 * 4 + 1);
    assert!(report.max_abs_err < 1e-3);
}

#[test]
fn gpu_backend_matches_reference() {
    let gpu = pollster::block_on(GpuBackend::new()).unwrap_or_else(|e| {
        panic!(
            "no GPU adapter: {e}. Install mesa-vulkan-drivers (lavapipe); skipping is not allowed"
        )
    });
    println!("GPU under test: {}", gpu.describe());
    let report = pollster::block_on(matmul_suite(&gpu)).expect("GPU conformance");
    assert_eq!(report.cases.len(), 7 * 4 + 1);
    pollster::block_on(self_check(&gpu)).expect("self-check");
}

#[test]
fn gpu_refuses_a_dispatch_beyond_its_limits_before_running() {
    let gpu = pollster::block_on(GpuBackend::new()).expect("GPU adapter (lavapipe)");
    // 70 000 batch entries exceed the 65 535 workgroups allowed per dimension.
    let spec = MatmulSpec::new(70_000, 1, 1, 1);
    let a = gpu.zeros(70_000).unwrap();
    let b = gpu.zeros(70_000).unwrap();
    let mut c = gpu.zeros(70_000).unwrap();
    let err = gpu.matmul(&spec, &a, &b, &mut c).unwrap_err().to_string();
    assert!(err.starts_with("limit:"), "{err}");
}

#[test]
fn training_primitives_match_reference_on_cpu_and_gpu() {
    let cpu = pollster::block_on(ops_suite(&CpuBackend)).expect("CPU primitives");
    assert_eq!(cpu.cases.len(), 18);
    let gpu = pollster::block_on(GpuBackend::new()).expect("GPU adapter (lavapipe)");
    let report = pollster::block_on(ops_suite(&gpu)).expect("GPU primitives");
    assert_eq!(report.cases, cpu.cases);
}
