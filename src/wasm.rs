//! The browser boundary: a few functions, data crossing as plain JS objects
//! (serde-wasm-bindgen, JSON-compatible: `None` becomes `null`), errors as `JsError`.
//!
//! The page keeps its state as the canonical fragment string and never interprets a URL
//! itself: it asks [`parse_fragment`] and [`set_key`] for the config and the new fragment.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::backend::probe_device;
use crate::config::{self, BackendChoice, Config, KEYS};
use crate::experiment::sweep::prepare::{prepare, GpuProbe};
use crate::experiment::sweep::rates::{device_rates, GpuRates, RateHistory};
use crate::experiment::{self, run_seeds, Cancel, Progress};
use crate::theory;

/// Seconds from the JS clock (milliseconds since the epoch; fine for durations here).
fn clock() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// The strict config of a fragment, or its first error.
fn strict(fragment: &str) -> Result<Config, JsError> {
    let parsed = config::parse_fragment(fragment);
    match parsed.errors.first() {
        Some(e) => Err(JsError::new(&e.to_string())),
        None => Ok(parsed.config),
    }
}

/// A results object (`run_experiment`'s) from JS, or an error naming it.
fn results_of(value: JsValue) -> Result<experiment::Results, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("results: {e}")))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("serialise: {e}")))
}

/// Lenient parse: `{config, fragment, errors: [{key, message}], warnings: [..]}`. Bad keys
/// keep their defaults, so the result is always usable.
#[wasm_bindgen]
pub fn parse_fragment(fragment: &str) -> Result<JsValue, JsError> {
    to_js(&config::parse_fragment(fragment))
}

/// Set one key of a (canonical) fragment: the same result shape as [`parse_fragment`], with
/// the new value's error (if any) in `errors` and the old value kept.
#[wasm_bindgen]
pub fn set_key(fragment: &str, key: &str, value: &str) -> Result<JsValue, JsError> {
    let mut parsed = config::parse_fragment(fragment);
    let mut next = parsed.config.clone();
    match next.set(key, value).and_then(|_| next.validate()) {
        Ok(()) => parsed.config = next,
        Err(e) => parsed.errors.push(e),
    }
    parsed.fragment = parsed.config.to_fragment();
    to_js(&parsed)
}

/// Switch a fragment's preset: experiment keys take the new preset's defaults, theory keys
/// and the seed stay (same result shape as [`parse_fragment`]).
#[wasm_bindgen]
pub fn switch_preset(fragment: &str, preset: &str) -> Result<JsValue, JsError> {
    let mut parsed = config::parse_fragment(fragment);
    let mut probe = parsed.config.clone();
    match probe.set("preset", preset) {
        Ok(()) => parsed.config = parsed.config.with_preset(probe.preset),
        Err(e) => parsed.errors.push(e),
    }
    parsed.fragment = parsed.config.to_fragment();
    to_js(&parsed)
}

/// The key table (kinds, bounds, choices, help) for building controls.
#[wasm_bindgen]
pub fn key_specs() -> Result<JsValue, JsError> {
    to_js(&KEYS)
}

/// The bound registry (id, name, status, citation, formula, conditions) for the toggles.
#[wasm_bindgen]
pub fn bound_registry() -> Result<JsValue, JsError> {
    to_js(&theory::bounds::registry())
}

/// The bounds of a fragment's config: the `caulk bounds --json` object.
#[wasm_bindgen]
pub fn bounds(fragment: &str) -> Result<JsValue, JsError> {
    let config: Config = config::parse_fragment(fragment).config;
    to_js(&theory::evaluate(&config))
}

/// `{gpu, line}`: "WebGPU: <adapter>" after a passing self-check, or "CPU fallback: <reason>".
#[wasm_bindgen]
pub async fn probe(backend: &str) -> Result<JsValue, JsError> {
    let choice = match backend {
        "cpu" => BackendChoice::Cpu,
        "gpu" => BackendChoice::Gpu,
        _ => BackendChoice::Auto,
    };
    to_js(&probe_device(choice).await)
}

/// The first `count` images of the source and target pools of a fragment's first seed (the
/// split its `digits` sweep uses for seed 0): `{source: [{pixels, digit, parity}], target}`.
#[wasm_bindgen]
pub fn digits_preview(fragment: &str, count: u32) -> Result<JsValue, JsError> {
    let c = strict(fragment)?;
    let seed = experiment::run::run_seed(c.seed, 0);
    let previews = crate::data::digits::preview(seed, count as usize)
        .map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&previews)
}

/// A table of one's own measured points (CSV or JSON; `experiment::io::import`) under a
/// fragment's config: `{link, rows, results}`, `link` the `table` key's value that carries it,
/// or one line naming the row and column of its first problem.
#[wasm_bindgen]
pub fn import_table(text: &str, source: &str, fragment: &str) -> Result<JsValue, JsError> {
    let c = strict(fragment)?;
    let rows = experiment::io::import::read_table(text).map_err(|e| JsError::new(&e))?;
    let results =
        experiment::io::import::results_of_rows(&rows, source, &c).map_err(|e| JsError::new(&e))?;
    #[derive(Serialize)]
    struct Imported {
        link: String,
        rows: usize,
        results: experiment::Results,
    }
    to_js(&Imported {
        link: crate::config::table::write_table(&rows),
        rows: rows.len(),
        results,
    })
}

/// The results of the curves a fragment's `table` key carries; null without a table.
#[wasm_bindgen]
pub fn table_results(fragment: &str) -> Result<JsValue, JsError> {
    let c = strict(fragment)?;
    match experiment::io::import::table_results(&c) {
        None => Ok(JsValue::NULL),
        Some(r) => to_js(&r.map_err(|e| JsError::new(&e))?),
    }
}

/// A lesson file validated (`lesson::parse_lesson`): the lesson with canonical step
/// fragments, or one line naming the step and field of its first problem.
#[wasm_bindgen]
pub fn parse_lesson(json: &str) -> Result<JsValue, JsError> {
    let lesson = crate::lesson::parse_lesson(json).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&lesson)
}

thread_local! {
    /// This worker's rate probes, one per estimate (see [`RateHistory`]).
    static RATES: std::cell::RefCell<RateHistory> = std::cell::RefCell::new(RateHistory::default());
    /// Per backend choice: whether its sweeps train on the GPU, and the GPU's rates then,
    /// measured once (the device does not change between estimates).
    static GPU_RATES: std::cell::RefCell<Vec<(BackendChoice, Option<GpuRates>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The cost of a fragment's sweep before it runs (the `Estimate` object) for this device:
/// the CPU's rates are probed now (about 0.2 s) and estimated with the median of this
/// worker's last probes; when the sweep will train on WebGPU (`backend=gpu`, or `auto` on a
/// hardware adapter) the GPU's rates too, once per worker (`rates::gpu_rates`). Rejects
/// `backend=gpu` where there is no WebGPU, as the run would.
#[wasm_bindgen]
pub async fn estimate_experiment(fragment: String) -> Result<JsValue, JsError> {
    let c = strict(&fragment)?;
    let probe = device_rates(&clock);
    let cpu = RATES.with(|h| h.borrow_mut().add(probe));
    let known = GPU_RATES.with(|g| {
        g.borrow()
            .iter()
            .find(|(choice, _)| *choice == c.backend)
            .map(|(_, r)| *r)
    });
    let probe = match known {
        Some(rates) => GpuProbe::Known(rates),
        None => GpuProbe::EachRunItsOwn,
    };
    let prepared = prepare(&c, cpu, probe, false, &clock)
        .await
        .map_err(|e| JsError::new(&e.to_string()))?;
    if known.is_none() {
        GPU_RATES.with(|g| g.borrow_mut().push((c.backend, prepared.rates.gpu)));
    }
    to_js(&prepared.estimate)
}

/// Run a fragment's sweep for its seeds `seed_from` … `seed_to` − 1 (0: to the last; several workers run
/// ranges of one sweep, a few seeds first for the curves' shape; `merge_results` joins the
/// ranges given in seed order). Call it from a Web Worker: the
/// CPU path blocks between awaits. Calls `on_progress(event)` after every unit, awaits the
/// promise of `checkpoint()` after it (Pause holds it), and `on_device(message)` if the GPU
/// fails and the CPU takes over; resolves to the `caulk run --json` object.
/// backend=gpu trains on WebGPU, auto on WebGPU when the adapter is hardware, otherwise on
/// the CPU kernels. `rates` are this device's rates from an earlier estimate (its `rates`
/// object), so that each worker does not spend ~0.35 s measuring them again; `null`
/// measures them here. `known` is the page's cache, `{points: {key: [risk, trainable]},
/// backbones: {key: {params, report}}}` (or null): those seed-points are not computed and
/// those backbones not pre-trained again ([`experiment::run::cache`]); every progress event of a
/// seed-point carries its outcome as `seed`, and that of a pre-training its `backbone`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)] // the JS call's arguments, one by one
pub async fn run_experiment(
    fragment: String,
    on_progress: js_sys::Function,
    on_device: js_sys::Function,
    checkpoint: js_sys::Function,
    seed_from: u32,
    seed_to: u32,
    rates: JsValue,
    known: JsValue,
) -> Result<JsValue, JsError> {
    // A malformed cache is no cache: every point is computed.
    let known: experiment::run::cache::Known = match known.is_null() || known.is_undefined() {
        true => Default::default(),
        false => serde_wasm_bindgen::from_value(known).unwrap_or_default(),
    };
    // Between units: await the promise `checkpoint()` returns (the worker yields there, and
    // holds it while paused); a non-promise or a throw counts as "go on".
    let pause = move || -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
        let got = checkpoint.call0(&JsValue::NULL);
        Box::pin(async move {
            if let Ok(p) = got.and_then(|v| v.dyn_into::<js_sys::Promise>()) {
                let _ = wasm_bindgen_futures::JsFuture::from(p).await;
            }
        })
    };
    let fragment = fragment.as_str();
    let on_progress = &on_progress;
    let on_device = &on_device;
    let c = strict(fragment)?;
    // seed_to = 0 (or past the end): every seed from seed_from on.
    let end = match seed_to {
        0 => c.seeds,
        to => to.min(c.seeds),
    };
    let seeds = seed_from as usize..end as usize;
    let rates = match rates.is_null() || rates.is_undefined() {
        true => device_rates(&clock),
        false => serde_wasm_bindgen::from_value::<experiment::Rates>(rates)
            .ok()
            .filter(|r| {
                r.flops > 0.0 && r.ridges > 0.0 && r.flops.is_finite() && r.ridges.is_finite()
            })
            .unwrap_or_else(|| device_rates(&clock)),
    };
    let mut report = |p: &Progress| {
        if let Ok(event) = to_js(p) {
            // A throwing callback must not abort the sweep; its error is dropped.
            let _ = on_progress.call1(&JsValue::NULL, &event);
        }
    };
    let mut device = |note: &str| {
        let _ = on_device.call1(&JsValue::NULL, &JsValue::from_str(note));
    };
    let cancel = Cancel::new();
    let gpu = crate::backend::gpu_for_sweeps(c.backend)
        .await
        .map_err(|e| JsError::new(&format!("backend: {e}")))?;
    // The GPU's rates model its units only where it trains.
    let rates = experiment::Rates {
        gpu: rates.gpu.filter(|g| gpu.is_some() && g.valid()),
        ..rates
    };
    // The same call on either backend (their buffer types differ, so no one value holds both).
    macro_rules! shard_on {
        ($backend:expr) => {
            run_seeds(
                &c,
                seeds.clone(),
                $backend,
                rates,
                &clock,
                &mut report,
                &mut device,
                &pause,
                &cancel,
                &known,
            )
            .await
        };
    }
    let results = match &gpu {
        Some(gpu) => shard_on!(gpu),
        None => shard_on!(&crate::backend::cpu::CpuBackend),
    }
    .map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&results)
}

/// The CSV of a `run_experiment` result (the same columns as `caulk run --out`).
#[wasm_bindgen]
pub fn results_csv(results: JsValue) -> Result<String, JsError> {
    let r = results_of(results)?;
    Ok(r.to_csv())
}

/// The CSV of a sweep cut short: its finished points (the `finished` objects of its progress
/// events) in the results CSV's columns, slopes empty.
#[wasm_bindgen]
pub fn points_csv(points: JsValue) -> Result<String, JsError> {
    let points: Vec<experiment::FinishedPoint> = serde_wasm_bindgen::from_value(points)
        .map_err(|e| JsError::new(&format!("points: {e}")))?;
    Ok(experiment::io::results::points_csv(&points))
}

/// An estimate's (`estimate_experiment`'s object) wall time with its seeds shared among
/// `workers` ([`experiment::Estimate::wall_seconds`]).
#[wasm_bindgen]
pub fn estimate_wall_seconds(estimate: JsValue, workers: u32) -> Result<f64, JsError> {
    let e: experiment::Estimate = serde_wasm_bindgen::from_value(estimate)
        .map_err(|e| JsError::new(&format!("estimate: {e}")))?;
    Ok(e.wall_seconds(workers as usize))
}

/// The K-model batching table (`caulk bench batching`) in this browser: `backend` "gpu"
/// (WebGPU) or "cpu", for each K of `ks`; resolves to `{device, rows, check}` where `check`
/// is the largest relative difference of 4 models' best losses against the CPU path.
#[wasm_bindgen]
pub async fn batching_bench(backend: String, ks: Vec<u32>) -> Result<JsValue, JsError> {
    use crate::backend::Backend;
    use crate::experiment::bench::batching::{agreement, batching_table, BatchingSetup, Work};
    let err = |e: crate::Error| JsError::new(&e.to_string());
    let setup = BatchingSetup::default();
    let ks: Vec<usize> = ks.into_iter().map(|k| k.clamp(1, 1024) as usize).collect();
    let cpu = crate::backend::cpu::CpuBackend;
    if backend == "gpu" {
        let gpu = crate::backend::wgpu::GpuBackend::new()
            .await
            .map_err(|e| JsError::new(&format!("backend: {e}")))?;
        let work = || Work::from(gpu.counters());
        // Pass times where the browser offers `timestamp-query` (each row's device_ms).
        gpu.time_passes(true);
        let rows = batching_table(&gpu, &setup, &ks, &work, &clock)
            .await
            .map_err(err)?;
        gpu.time_passes(false);
        let check = agreement(&gpu, &setup, &clock).await.map_err(err)?;
        to_js(&serde_json::json!({
            "device": gpu.describe(),
            "software": gpu.is_software(),
            "rows": rows,
            "check": check,
        }))
    } else {
        let rows = batching_table(&cpu, &setup, &ks, &Work::default, &clock)
            .await
            .map_err(err)?;
        to_js(&serde_json::json!({ "device": cpu.describe(), "rows": rows }))
    }
}

/// The file name under `baked/` where results for this fragment's config would be shipped.
#[wasm_bindgen]
pub fn baked_file(fragment: &str) -> String {
    experiment::io::baked::file_name(&config::parse_fragment(fragment).config)
}

/// The same name for a results object's own config (a baked file is used only when this
/// equals the name it was fetched under); an error when the object is not valid results.
#[wasm_bindgen]
pub fn baked_file_of(results: JsValue) -> Result<String, JsError> {
    let r = results_of(results)?;
    r.config
        .validate()
        .map_err(|e| JsError::new(&format!("results: {e}")))?;
    Ok(experiment::io::baked::file_name(&r.config))
}

/// The results of a sweep's shards (an array of `run_experiment` results) as one.
#[wasm_bindgen]
pub fn merge_results(fragment: &str, parts: JsValue) -> Result<JsValue, JsError> {
    let c = strict(fragment)?;
    let parts: Vec<experiment::Results> = serde_wasm_bindgen::from_value(parts)
        .map_err(|e| JsError::new(&format!("results: {e}")))?;
    to_js(&experiment::merge(&c, parts).map_err(|e| JsError::new(&e.to_string()))?)
}

/// Training steps per second of one network on the CPU kernels (the full fine-tuning of the
/// batching benchmark's network: d = 3, width 32, depth 2, head 16; mini-batch 32, Adam), for
/// `steps` steps with a single evaluation at the end. The TF.js comparison calls it.
#[wasm_bindgen]
pub async fn training_rate(steps: u32) -> Result<f64, JsError> {
    use crate::experiment::bench::batching::{train_k, BatchingSetup};
    let steps = steps.clamp(1, 1_000_000) as usize;
    let setup = BatchingSetup {
        steps,
        eval_every: steps,
        ..BatchingSetup::default()
    };
    let (_, ms) = train_k(&crate::backend::cpu::CpuBackend, &setup, 1, &clock)
        .await
        .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(steps as f64 / (ms / 1000.0).max(1e-9))
}

/// The CPU GEMM table in this browser (`{peak_gflops, rows: [{n, gflops, of_peak}]}`), each
/// size timed for `window_ms`.
#[wasm_bindgen]
pub fn gemm_bench(window_ms: f64) -> Result<JsValue, JsError> {
    to_js(&experiment::bench::gemm::gemm_table(
        &clock,
        (window_ms / 1000.0).clamp(0.01, 10.0),
    ))
}

/// The 95 % interval of the mean of `risks` (one point's seeds), as a sweep's curves have it
/// (experiment::analysis::stats::mean_interval): `[lo, hi]`, or empty with too few seeds for one.
#[wasm_bindgen]
pub fn mean_interval(risks: Vec<f64>) -> Vec<f64> {
    experiment::analysis::stats::mean_interval(&risks)
        .map_or_else(Vec::new, |(_, lo, hi, _)| vec![lo, hi])
}

/// The mean of `values` with its 95 % Student-t interval (experiment::analysis::stats::t_interval), as
/// `[mean, lo, hi]`; empty with fewer than two values.
#[wasm_bindgen]
pub fn t_interval(values: Vec<f64>) -> Vec<f64> {
    experiment::analysis::stats::t_interval(&values)
        .map_or_else(Vec::new, |(m, lo, hi)| vec![m, lo, hi])
}

/// The title claim ([`experiment::analysis::claim::claim`]) of a results object for the current
/// fragment's ε and `at_n` (the curves keep their numbers; only ε and the reading point
/// move): the `claim` object of `caulk run --json`, or null with fewer than two m.
#[wasm_bindgen]
pub fn claim_of(results: JsValue, fragment: &str) -> Result<JsValue, JsError> {
    let r = results_of(results)?;
    let now = config::parse_fragment(fragment).config;
    to_js(&experiment::analysis::claim::claim(
        &r.config, &r.curves, now.eps, now.at_n,
    ))
}

/// The steadiness check of a fragment's sweep (experiment::run::steady): `{fragment}` of the twin
/// run (seed 0 from perturbed starting weights) or `{skip}`, why there is none.
#[wasm_bindgen]
pub fn steady_twin(fragment: &str) -> Result<JsValue, JsError> {
    use experiment::run::steady::{twin, Twin};
    let c = strict(fragment)?;
    // Seed 0 alone: a page's check costs 1/S of the sweep (experiment::run::steady).
    match twin(&c, false) {
        Twin::Run(t) => to_js(&serde_json::json!({ "fragment": t.to_fragment() })),
        Twin::Skip(why) => to_js(&serde_json::json!({ "skip": why })),
    }
}

/// `results` held against the results of its twin run: unsteady curves flagged, the check's
/// summary in `steadiness`.
#[wasm_bindgen]
pub fn apply_steadiness(results: JsValue, twin: JsValue) -> Result<JsValue, JsError> {
    let mut r = results_of(results)?;
    experiment::run::steady::apply(&mut r, &results_of(twin)?);
    to_js(&r)
}

/// The cost of a fragment's sweep with rates measured before (an earlier estimate's `rates`
/// object): no probe, so a live run after a change can start at once; the worker's next
/// estimate measures again.
#[wasm_bindgen]
pub fn estimate_with_rates(fragment: &str, rates: JsValue) -> Result<JsValue, JsError> {
    let c = strict(fragment)?;
    let plan = experiment::plan(&c).map_err(|e| JsError::new(&e.to_string()))?;
    let rates: experiment::Rates =
        serde_wasm_bindgen::from_value(rates).map_err(|e| JsError::new(&format!("rates: {e}")))?;
    to_js(&experiment::estimate(&plan, &c, rates))
}

/// The `pins` value of the current fragment with a results object's curves (their mean
/// risks, 4 significant digits) pinned under `label`; the caller sets it with [`set_key`],
/// which refuses (naming `pins`) a fifth pin or a label taken or malformed.
#[wasm_bindgen]
pub fn pins_with(fragment: &str, results: JsValue, label: &str) -> Result<String, JsError> {
    let r = results_of(results)?;
    let mut pins = config::parse_fragment(fragment).config.pins;
    pins.push(r.pin(label));
    Ok(config::pins::write_pins(&pins))
}

/// The `pins` value of the current fragment without the pin labelled `label`.
#[wasm_bindgen]
pub fn pins_without(fragment: &str, label: &str) -> String {
    let mut pins = config::parse_fragment(fragment).config.pins;
    pins.retain(|p| p.label != label);
    config::pins::write_pins(&pins)
}
