//! `caulk bench`: preset wall times against their estimates, the K-model batching table
//! (GPU and CPU side by side), and the CPU GEMM against a peak probe.

use caulk::backend::cpu::CpuBackend;
use caulk::backend::wgpu::GpuBackend;
use caulk::backend::Backend;
use caulk::config::{Config, Preset};
use caulk::experiment;

use crate::sweep::run_config;
use crate::{clock, emit, to_json, Fail};

/// `caulk bench presets`: each preset's default sweep, wall time against its estimate.
pub fn bench_command(json: bool) -> Result<(), Fail> {
    let mut rows = Vec::new();
    for preset in Preset::ALL {
        let c = Config::for_preset(preset);
        // The sweep alone, as its estimate counts it (no steadiness check).
        let r = run_config(&c, true)?;
        rows.push(serde_json::json!({
            "preset": c.preset,
            "runs": r.estimate.units,
            "wall_s": r.elapsed_ms / 1000.0,
            "estimated_s": r.estimate.seconds,
            "estimate_ratio": r.estimate.seconds / (r.elapsed_ms / 1000.0).max(1e-9),
        }));
        if !json {
            noteln!(
                "caulk bench: {:?} done in {:.1} s",
                preset,
                r.elapsed_ms / 1000.0
            );
        }
    }
    let report = serde_json::json!({ "bench": "preset-defaults-cpu", "presets": rows });
    if json {
        return emit(&to_json(&report)?);
    }
    let mut text = format!(
        "{:<10} {:>6} {:>9} {:>12} {:>9}",
        "preset", "runs", "wall s", "estimated s", "est/wall"
    );
    for r in &rows {
        text.push_str(&format!(
            "\n{:<10} {:>6} {:>9.1} {:>12.1} {:>9.2}",
            r["preset"].as_str().unwrap_or("?"),
            r["runs"],
            r["wall_s"].as_f64().unwrap_or(0.0),
            r["estimated_s"].as_f64().unwrap_or(0.0),
            r["estimate_ratio"].as_f64().unwrap_or(0.0)
        ));
    }
    emit(&text)
}

/// `caulk bench batching`: the K-model table on the GPU (when one opens) and the CPU.
pub fn batching_command(json: bool, ks: &[usize]) -> Result<(), Fail> {
    use caulk::experiment::bench::batching::{agreement, batching_table, Work};
    let setup = experiment::bench::batching::BatchingSetup::default();
    let fail = |e: caulk::Error| Fail(format!("bench failed: {e}"), 1);
    let no_work = || Work::default();
    let cpu = pollster::block_on(batching_table(&CpuBackend, &setup, ks, &no_work, &clock))
        .map_err(fail)?;
    let gpu = pollster::block_on(GpuBackend::new()).ok();
    let (gpu_rows, device, check) = match &gpu {
        Some(g) => {
            let work = || Work::from(g.counters());
            g.time_passes(true);
            let rows =
                pollster::block_on(batching_table(g, &setup, ks, &work, &clock)).map_err(fail)?;
            g.time_passes(false);
            let check = pollster::block_on(agreement(g, &setup, &clock)).map_err(fail)?;
            (Some(rows), g.describe(), Some((check, g.is_software())))
        }
        None => (None, "no GPU".to_string(), None),
    };
    let report = serde_json::json!({
        "bench": "batching",
        "setup": setup,
        "gpu": device,
        "gpu_software": check.map(|c| c.1),
        "gpu_vs_cpu_best_loss_max_rel_diff": check.map(|c| c.0),
        "gpu_rows": gpu_rows,
        "cpu_rows": cpu,
    });
    if json {
        return emit(&to_json(&report)?);
    }
    let mut text = format!(
        "K models trained together, {} steps each (full fine-tuning, width {}, depth {}, batch {})\nGPU: {device}\n{:>4} {:>14} {:>8} {:>14} {:>8} {:>9} {:>11} {:>9} {:>11} {:>9}",
        setup.steps,
        setup.arch.width,
        setup.arch.depth,
        setup.batch,
        "K",
        "GPU steps/s",
        "scaling",
        "CPU steps/s",
        "scaling",
        "GPU/CPU",
        "dispatch/st",
        "submit/st",
        "readback/st",
        "GPU busy"
    );
    for (i, c) in cpu.iter().enumerate() {
        let g = gpu_rows.as_ref().and_then(|r| r.get(i));
        let f = |v: Option<f64>, p: usize| v.map_or("-".to_string(), |x| format!("{x:.p$}"));
        text.push_str(&format!(
            "\n{:>4} {:>14} {:>8} {:>14.0} {:>8.2} {:>9} {:>11} {:>9} {:>11} {:>9}",
            c.k,
            f(g.map(|g| g.model_steps_per_s), 0),
            f(g.map(|g| g.scaling), 2),
            c.model_steps_per_s,
            c.scaling,
            f(g.map(|g| g.model_steps_per_s / c.model_steps_per_s), 2),
            f(g.map(|g| g.dispatches_per_step), 2),
            f(g.map(|g| g.submits_per_step), 2),
            f(g.map(|g| g.readbacks_per_step), 2),
            f(g.and_then(|g| g.device_ms.map(|d| d / g.wall_ms)), 2),
        ));
    }
    text.push_str(
        "\nGPU busy: the device's time in the run's passes (timestamp queries) over its wall time; \
         the rest is host work and waiting (- where the device has no timestamps)",
    );
    if let Some((diff, software)) = check {
        text.push_str(&format!(
            "\ncheck: best validation losses of 4 models, GPU vs CPU: max relative difference {diff:.1e}{}",
            if software {
                " (software adapter: the rates above check correctness, not speed)"
            } else {
                ""
            }
        ));
    }
    emit(&text)
}

/// `caulk bench gemm`: the CPU GEMM's GFLOP/s against a peak probe.
pub fn gemm_command(json: bool) -> Result<(), Fail> {
    let report = experiment::bench::gemm::gemm_table(&clock, 0.3);
    if json {
        return emit(&to_json(&report)?);
    }
    let mut text = format!(
        "CPU GEMM (matrixmultiply sgemm), n×n·n×n; peak probe {:.1} GFLOP/s (4-lane multiply-add chains, the width of wasm SIMD; a native AVX2/FMA kernel exceeds it)\n{:>5} {:>9} {:>8}",
        report.peak_gflops, "n", "GFLOP/s", "of peak"
    );
    for r in &report.rows {
        text.push_str(&format!(
            "\n{:>5} {:>9.1} {:>8.2}",
            r.n, r.gflops, r.of_peak
        ));
    }
    emit(&text)
}

/// `caulk bench coverage`: the coverage of the 95 % intervals on simulated curves
/// (experiment::bench::coverage), one row per scenario and seed count, as a Markdown table (the one
/// BENCHMARKS.md shows) or JSON.
pub fn coverage_command(json: bool, seeds: &[usize], reps: usize) -> Result<(), Fail> {
    use caulk::experiment::bench::coverage::{
        coverage_table, EXPONENT, GRID, N_EPS, PAIR_N_EPS, PAIR_SCALE,
    };
    let rows = coverage_table(seeds, reps);
    if json {
        return emit(&to_json(&serde_json::json!({
            "bench": "coverage",
            "grid": GRID,
            "exponent": EXPONENT,
            "n_eps": N_EPS,
            "pair_scale": PAIR_SCALE,
            "pair_n_eps": PAIR_N_EPS,
            "rows": rows,
        }))?);
    }
    let mut out = format!(
        "Coverage of the 95 % intervals, {reps} replications per row (b = {EXPONENT}, n = 64 … 2048, n_ε = {N_EPS}; the paired n_ε change from n_ε = {PAIR_N_EPS} to a curve {PAIR_SCALE} times as high):\n\n| scenario | seeds | mean (cox-log) | slope (jackknife-t) | n_ε (band) | paired n_ε change (jackknife-t) |\n|---|---|---|---|---|---|\n"
    );
    for r in &rows {
        out += &format!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
            r.scenario, r.seeds, r.mean, r.slope, r.n_eps, r.n_eps_change
        );
    }
    emit(out.trim_end())
}
