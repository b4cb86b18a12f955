//! Preparing a sweep, written once for both callers, `caulk run` (src/bin/caulk/sweep.rs) and
//! the page's estimate (`estimate_experiment` in src/wasm.rs): the plan, the GPU the sweep
//! trains on (if any) with its measured speed, and the estimate with this device's rates.
//! A sweep over the memory limit: the CLI has it refused here, before a GPU is opened
//! (`refuse_over_memory`); the page shows the estimate's numbers and holds the run (and a
//! sweep refuses itself anyway, `run_seeds`).

use crate::backend::{gpu_for_sweeps, wgpu::GpuBackend};
use crate::config::Config;
use crate::experiment::sweep::cost::{estimate, Estimate};
use crate::experiment::sweep::plan::{plan, Plan};
use crate::experiment::sweep::rates::{gpu_rates, GpuRates, Rates};

/// Where the GPU's rates come from.
pub enum GpuProbe {
    /// Open the GPU the config asks for and measure it; the run trains on that device, so
    /// no setup is left to model.
    KeepDevice,
    /// Open and measure it, counting its creation and first compilation as setup: each run
    /// makes a device of its own (a page's worker keeps the rates, not the device).
    EachRunItsOwn,
    /// Measured before (`None`: this config's sweeps train on the CPU).
    Known(Option<GpuRates>),
}

/// A sweep ready to run.
pub struct Prepared {
    /// What runs.
    pub plan: Plan,
    /// This device's rates: the CPU's as given, the GPU's where the sweep trains on one.
    pub rates: Rates,
    /// Its cost with those rates.
    pub estimate: Estimate,
    /// The GPU the sweep trains on, opened here ([`GpuProbe::KeepDevice`] and
    /// [`GpuProbe::EachRunItsOwn`]); `None` on the CPU or with known rates.
    pub gpu: Option<GpuBackend>,
}

/// Why a sweep cannot be prepared, each in one line.
#[derive(Debug)]
pub enum PrepareError {
    /// The config has no plan (a bad combination of keys).
    Config(String),
    /// `backend=gpu` where no GPU works.
    NoGpu(String),
    /// The GPU opened but failed its rate probe.
    Probe(String),
    /// The sweep needs more memory than the limit allows.
    Memory(String),
}

impl std::fmt::Display for PrepareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrepareError::Config(e) => write!(f, "bad config: {e}"),
            PrepareError::NoGpu(e) => write!(f, "backend: gpu was requested but {e}"),
            PrepareError::Probe(e) => write!(f, "the GPU failed its rate probe: {e}"),
            PrepareError::Memory(e) => write!(f, "bad config: {e}"),
        }
    }
}

/// Prepares the sweep of `c`: the plan, the GPU (per `probe`) and the estimate with `cpu`,
/// this device's CPU rates (measured by the caller: the page keeps a median of its probes).
/// With `refuse_over_memory`, a sweep over the memory limit is refused before any GPU opens
/// (its memory does not depend on the rates).
pub async fn prepare(
    c: &Config,
    cpu: Rates,
    probe: GpuProbe,
    refuse_over_memory: bool,
    clock: &dyn Fn() -> f64,
) -> Result<Prepared, PrepareError> {
    let plan = plan(c).map_err(|e| PrepareError::Config(e.to_string()))?;
    let on_cpu = estimate(&plan, c, Rates { gpu: None, ..cpu });
    if refuse_over_memory {
        on_cpu.check_memory().map_err(PrepareError::Memory)?;
    }
    let (gpu, measured) = match probe {
        GpuProbe::Known(rates) => (None, rates),
        GpuProbe::KeepDevice | GpuProbe::EachRunItsOwn => {
            let start = clock();
            let gpu = gpu_for_sweeps(c.backend)
                .await
                .map_err(|e| PrepareError::NoGpu(e.to_string()))?;
            let created = clock() - start;
            let measured = match &gpu {
                Some(g) => Some(
                    gpu_rates(g, clock)
                        .await
                        .map_err(|e| PrepareError::Probe(e.to_string()))?,
                ),
                None => None,
            };
            let setup = |r: GpuRates| match probe {
                // The sweep runs on this device, its pipelines made by the probe.
                GpuProbe::KeepDevice => GpuRates { setup: 0.0, ..r },
                // A run makes its own device: the setup is making one and its pipelines.
                _ => GpuRates {
                    setup: created + r.setup,
                    ..r
                },
            };
            (gpu, measured.map(setup))
        }
    };
    let rates = Rates {
        gpu: measured,
        ..cpu
    };
    let estimate = estimate(&plan, c, rates);
    Ok(Prepared {
        plan,
        rates,
        estimate,
        gpu,
    })
}
